package org.polyspan.elasticsearch;

import org.elasticsearch.action.support.nodes.BaseNodeResponse;
import org.elasticsearch.cluster.node.DiscoveryNode;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.polyspan.runtime.ModelsNodeOperation;

import java.io.IOException;

/** One node's answer ({@link ModelsNodeOperation.Result}: an HTTP-like status and a JSON-like body) on the wire. */
public final class ModelsNodeResponse extends BaseNodeResponse {
    private final ModelsNodeOperation.Result result;

    ModelsNodeResponse(DiscoveryNode node, ModelsNodeOperation.Result result) {
        super(node);
        this.result = result;
    }

    ModelsNodeResponse(StreamInput in, DiscoveryNode node) throws IOException {
        super(in, node);
        result = new ModelsNodeOperation.Result(in.readVInt(), in.readGenericMap());
    }

    ModelsNodeResponse(StreamInput in) throws IOException {
        super(in);
        result = new ModelsNodeOperation.Result(in.readVInt(), in.readGenericMap());
    }

    public ModelsNodeOperation.Result result() {
        return result;
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        out.writeVInt(result.status());
        out.writeGenericMap(result.body());
    }
}
