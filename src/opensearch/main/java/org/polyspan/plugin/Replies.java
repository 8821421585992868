package org.polyspan.plugin;

import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.rest.BytesRestResponse;
import org.opensearch.rest.RestChannel;
import org.opensearch.rest.RestRequest;
import org.polyspan.runtime.Reply;

import java.io.IOException;
import java.util.Map;

/** Writes the core's engine-neutral {@link Reply} with OpenSearch's response types, and reads JSON bodies. */
final class Replies {
    private Replies() {}

    static void send(RestChannel channel, Reply reply) {
        RestStatus status = RestStatus.fromCode(reply.status());
        try {
            if (reply.isText()) {
                channel.sendResponse(new BytesRestResponse(status, reply.contentType(), reply.text()));
                return;
            }
            XContentBuilder b = channel.newBuilder();
            b.map(reply.json());
            channel.sendResponse(new BytesRestResponse(status, b));
        } catch (IOException e) {
            channel.sendResponse(new BytesRestResponse(RestStatus.INTERNAL_SERVER_ERROR, "could not write the answer: " + e.getMessage()));
        }
    }

    /** Answers an exception as OpenSearch does: its status (a rejection is 429) and its error object. */
    static void fail(RestChannel channel, Exception e) {
        try {
            channel.sendResponse(new BytesRestResponse(channel, e));
        } catch (IOException io) {
            channel.sendResponse(new BytesRestResponse(RestStatus.INTERNAL_SERVER_ERROR, "request failed: " + e.getMessage()));
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
