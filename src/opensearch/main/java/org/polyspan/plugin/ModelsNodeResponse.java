package org.polyspan.plugin;

import org.opensearch.action.support.nodes.BaseNodeResponse;
import org.opensearch.cluster.node.DiscoveryNode;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.rest.RestStatus;
import org.polyspan.runtime.ModelsNodeOperation;

import java.io.IOException;

/**
 * One node's answer ({@link ModelsNodeOperation.Result}: an HTTP-like status and a JSON-like body) on the wire. The
 * status travels as a {@link RestStatus}, as it did before the core's operation, so nodes of both builds understand
 * each other during a rolling restart.
 */
public final class ModelsNodeResponse extends BaseNodeResponse {
    private final ModelsNodeOperation.Result result;

    ModelsNodeResponse(DiscoveryNode node, ModelsNodeOperation.Result result) {
        super(node);
        this.result = result;
    }

    public ModelsNodeResponse(StreamInput in) throws IOException {
        super(in);
        result = new ModelsNodeOperation.Result(RestStatus.readFrom(in).getStatus(), in.readMap());
    }

    public ModelsNodeOperation.Result result() {
        return result;
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        RestStatus.writeTo(out, RestStatus.fromCode(result.status()));
        out.writeMap(result.body());
    }
}
