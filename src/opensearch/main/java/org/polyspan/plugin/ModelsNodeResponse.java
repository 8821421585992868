package org.polyspan.plugin;

import org.opensearch.action.support.nodes.BaseNodeResponse;
import org.opensearch.cluster.node.DiscoveryNode;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.rest.RestStatus;

import java.io.IOException;
import java.util.Map;

/**
 * One node's answer: an HTTP-like status for what the operation did on that node (200, or 404/400/429/500 with an
 * {@code error} in the body) and the body itself, a JSON-like map (model states and figures).
 */
public final class ModelsNodeResponse extends BaseNodeResponse {
    private final RestStatus status;
    private final Map<String, Object> body;

    ModelsNodeResponse(DiscoveryNode node, RestStatus status, Map<String, Object> body) {
        super(node);
        this.status = status;
        this.body = body;
    }

    public ModelsNodeResponse(StreamInput in) throws IOException {
        super(in);
        status = RestStatus.readFrom(in);
        body = in.readMap();
    }

    public RestStatus status() {
        return status;
    }

    public Map<String, Object> body() {
        return body;
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        RestStatus.writeTo(out, status);
        out.writeMap(body);
    }
}
