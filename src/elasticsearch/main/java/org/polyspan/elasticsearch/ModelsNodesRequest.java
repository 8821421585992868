package org.polyspan.elasticsearch;

import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.action.ValidateActions;
import org.elasticsearch.action.support.nodes.BaseNodesRequest;
import org.polyspan.runtime.ModelsNodeOperation;


/**
 * A models operation for the nodes it names (all nodes when none): describe the models, or reload or unload one.
 * Elasticsearch keeps nodes requests on the receiving node; each node gets a {@link ModelsNodeRequest}.
 */
public final class ModelsNodesRequest extends BaseNodesRequest<ModelsNodesRequest> {
    private final ModelsNodeOperation.Call call;

    public ModelsNodesRequest(ModelsNodeOperation.Call call, String... nodeIds) {
        super(nodeIds);
        this.call = call;
    }

    public ModelsNodesRequest(ModelsNodeOperation.Operation operation, String modelId, String... nodeIds) {
        this(new ModelsNodeOperation.Call(operation, modelId), nodeIds);
    }

    public ModelsNodeOperation.Call call() {
        return call;
    }

    @Override
    public ActionRequestValidationException validate() {
        String invalid = call.invalid();
        return invalid == null ? null : ValidateActions.addValidationError(invalid, null);
    }
}
