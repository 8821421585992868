package org.polyspan.plugin;

import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.transport.TransportRequest;

import java.io.IOException;

/** The part of a {@link ModelsNodesRequest} sent to one node. */
public final class ModelsNodeRequest extends TransportRequest {
    private final ModelsNodesRequest.Operation operation;
    private final String modelId;

    ModelsNodeRequest(ModelsNodesRequest request) {
        this.operation = request.operation();
        this.modelId = request.modelId();
    }

    public ModelsNodeRequest(StreamInput in) throws IOException {
        super(in);
        operation = in.readEnum(ModelsNodesRequest.Operation.class);
        modelId = in.readOptionalString();
    }

    ModelsNodesRequest.Operation operation() {
        return operation;
    }

    String modelId() {
        return modelId;
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        out.writeEnum(operation);
        out.writeOptionalString(modelId);
    }
}
