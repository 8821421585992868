package org.polyspan.plugin;

import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.action.ValidateActions;
import org.opensearch.action.support.nodes.BaseNodesRequest;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.polyspan.runtime.ModelsApi;
import org.polyspan.runtime.ModelsNodeOperation;

import java.io.IOException;

/** A models operation for the nodes it names (all nodes when none): describe the models, or reload or unload one. */
public final class ModelsNodesRequest extends BaseNodesRequest<ModelsNodesRequest> {

    private final ModelsNodeOperation.Operation operation;
    private final String modelId;

    public ModelsNodesRequest(ModelsNodeOperation.Operation operation, String modelId, String... nodeIds) {
        super(nodeIds);
        this.operation = operation;
        this.modelId = modelId;
    }

    public ModelsNodesRequest(StreamInput in) throws IOException {
        super(in);
        operation = in.readEnum(ModelsNodeOperation.Operation.class);
        modelId = in.readOptionalString();
    }

    public ModelsNodeOperation.Operation operation() {
        return operation;
    }

    /** The model to reload or unload; null for a describe. */
    public String modelId() {
        return modelId;
    }

    @Override
    public ActionRequestValidationException validate() {
        String invalid = ModelsApi.invalid(operation, modelId);
        return invalid == null ? null : ValidateActions.addValidationError(invalid, null);
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        out.writeEnum(operation);
        out.writeOptionalString(modelId);
    }
}
