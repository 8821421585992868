package org.polyspan.plugin;

import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.action.ValidateActions;
import org.opensearch.action.support.nodes.BaseNodesRequest;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.polyspan.runtime.ModelsNodeOperation;

import java.io.IOException;

/** A models operation for the nodes it names (all nodes when none): describe the models, or reload or unload one. */
public final class ModelsNodesRequest extends BaseNodesRequest<ModelsNodesRequest> {

    private final ModelsNodeOperation.Call call;

    public ModelsNodesRequest(ModelsNodeOperation.Call call, String... nodeIds) {
        super(nodeIds);
        this.call = call;
    }

    public ModelsNodesRequest(ModelsNodeOperation.Operation operation, String modelId, String... nodeIds) {
        this(new ModelsNodeOperation.Call(operation, modelId), nodeIds);
    }

    public ModelsNodesRequest(StreamInput in) throws IOException {
        super(in);
        call = ModelsNodeRequest.readCall(in);
    }

    public ModelsNodeOperation.Call call() {
        return call;
    }

    @Override
    public ActionRequestValidationException validate() {
        String invalid = call.invalid();
        return invalid == null ? null : ValidateActions.addValidationError(invalid, null);
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        ModelsNodeRequest.writeCall(out, call);
    }
}
