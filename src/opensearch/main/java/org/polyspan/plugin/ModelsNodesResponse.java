package org.polyspan.plugin;

import org.opensearch.action.FailedNodeException;
import org.opensearch.action.support.nodes.BaseNodesResponse;
import org.opensearch.cluster.ClusterName;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;

import java.io.IOException;
import java.util.List;

/** The answers of every node to a {@link ModelsNodesRequest}, and the nodes that could not answer. */
public final class ModelsNodesResponse extends BaseNodesResponse<ModelsNodeResponse> {

    public ModelsNodesResponse(StreamInput in) throws IOException {
        super(in);
    }

    ModelsNodesResponse(ClusterName clusterName, List<ModelsNodeResponse> nodes, List<FailedNodeException> failures) {
        super(clusterName, nodes, failures);
    }

    @Override
    protected List<ModelsNodeResponse> readNodesFrom(StreamInput in) throws IOException {
        return in.readList(ModelsNodeResponse::new);
    }

    @Override
    protected void writeNodesTo(StreamOutput out, List<ModelsNodeResponse> nodes) throws IOException {
        out.writeList(nodes);
    }
}
