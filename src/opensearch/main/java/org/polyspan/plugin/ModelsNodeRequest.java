package org.polyspan.plugin;

import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.transport.TransportRequest;
import org.polyspan.runtime.ModelsNodeOperation;

import java.io.IOException;

/** The part of a {@link ModelsNodesRequest} sent to one node. */
public final class ModelsNodeRequest extends TransportRequest {
    private final ModelsNodeOperation.Operation operation;
    private final String modelId;

    ModelsNodeRequest(ModelsNodesRequest request) {
        this.operation = request.operation();
        this.modelId = request.modelId();
    }

    public ModelsNodeRequest(StreamInput in) throws IOException {
        super(in);
        operation = in.readEnum(ModelsNodeOperation.Operation.class);
        modelId = in.readOptionalString();
    }

    ModelsNodeOperation.Operation operation() {
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
