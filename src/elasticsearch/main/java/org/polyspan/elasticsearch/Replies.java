package org.polyspan.elasticsearch;

import org.elasticsearch.rest.RestChannel;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.RestResponse;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentParser;
import org.polyspan.runtime.Reply;

import java.io.IOException;
import java.util.Map;

/** Writes the core's engine-neutral {@link Reply} with Elasticsearch's response types, and reads JSON bodies. */
final class Replies {
    private Replies() {}

    static void send(RestChannel channel, Reply reply) {
        RestStatus status = RestStatus.fromCode(reply.status());
        try {
            if (reply.isText()) {
                channel.sendResponse(new RestResponse(status, reply.contentType(), reply.text()));
                return;
            }
            XContentBuilder b = channel.newBuilder();
            b.map(reply.json());
            channel.sendResponse(new RestResponse(status, b));
        } catch (IOException e) {
            channel.sendResponse(new RestResponse(RestStatus.INTERNAL_SERVER_ERROR, "could not write the answer: " + e.getMessage()));
        }
    }

    /** Answers an exception as Elasticsearch does: its status (a rejection is 429) and its error object. */
    static void fail(RestChannel channel, Exception e) {
        try {
            channel.sendResponse(new RestResponse(channel, e));
        } catch (IOException io) {
            channel.sendResponse(new RestResponse(RestStatus.INTERNAL_SERVER_ERROR, "request failed: " + e.getMessage()));
        }
    }

    /** The request's JSON body as a map; {@code null} when it has none (answered 400 by the parsers). */
    static Map<String, Object> body(RestRequest request) throws IOException {
        if (!request.hasContentOrSourceParam()) {
            return null;
        }
        try (XContentParser parser = request.contentOrSourceParamParser()) {
            return parser.map();
        }
    }
}
