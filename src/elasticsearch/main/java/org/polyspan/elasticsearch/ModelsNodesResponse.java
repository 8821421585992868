package org.polyspan.elasticsearch;

import org.elasticsearch.action.FailedNodeException;
import org.elasticsearch.action.support.TransportAction;
import org.elasticsearch.action.support.nodes.BaseNodesResponse;
import org.elasticsearch.cluster.ClusterName;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;

import java.io.IOException;
import java.util.List;

/** The answers of every node to a {@link ModelsNodesRequest}, and the nodes that could not answer; built on the receiving node. */
public final class ModelsNodesResponse extends BaseNodesResponse<ModelsNodeResponse> {

    ModelsNodesResponse(ClusterName clusterName, List<ModelsNodeResponse> nodes, List<FailedNodeException> failures) {
        super(clusterName, nodes, failures);
    }

    @Override
    protected List<ModelsNodeResponse> readNodesFrom(StreamInput in) throws IOException {
        return TransportAction.localOnly();
    }

    @Override
    protected void writeNodesTo(StreamOutput out, List<ModelsNodeResponse> nodes) throws IOException {
        TransportAction.localOnly();
    }
}
