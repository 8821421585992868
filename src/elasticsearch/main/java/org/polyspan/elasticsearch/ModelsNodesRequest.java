package org.polyspan.elasticsearch;

import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.action.ValidateActions;
import org.elasticsearch.action.support.nodes.BaseNodesRequest;
import org.polyspan.runtime.ModelsApi;
import org.polyspan.runtime.ModelsNodeOperation;


/**
 * A models operation for the nodes it names (all nodes when none): describe the models, or reload or unload one.
 * Elasticsearch keeps nodes requests on the receiving node; each node gets a {@link ModelsNodeRequest}.
 */
public final class ModelsNodesRequest extends BaseNodesRequest<ModelsNodesRequest> {
    private final ModelsNodeOperation.Operation operation;
    private final String modelId;

    public ModelsNodesRequest(ModelsNodeOperation.Operation operation, String modelId, String... nodeIds) {
        super(nodeIds);
        this.operation = operation;
        this.modelId = modelId;
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
}
