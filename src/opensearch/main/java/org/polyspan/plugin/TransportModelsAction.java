package org.polyspan.plugin;

import org.opensearch.action.FailedNodeException;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.nodes.TransportNodesAction;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportService;
import org.polyspan.model.ModelRepository;
import org.polyspan.runtime.ModelsNodeOperation;

import java.io.IOException;
import java.util.List;

/**
 * Runs a {@link ModelsNodesRequest} on each node against that node's {@link ModelRepository}, through the core's
 * {@link ModelsNodeOperation}. The node operation runs on the generic pool, never a transport thread: a reload waits
 * there for its load, which itself runs on the {@code polyspan_model_load} pool.
 */
public final class TransportModelsAction extends TransportNodesAction<ModelsNodesRequest, ModelsNodesResponse, ModelsNodeRequest,
        ModelsNodeResponse> {
    private final ModelsNodeOperation operation;

    @Inject
    public TransportModelsAction(ThreadPool threadPool, ClusterService clusterService, TransportService transportService,
                                 ActionFilters actionFilters, ModelRepository models) {
        super(ModelsAction.NAME, threadPool, clusterService, transportService, actionFilters, ModelsNodesRequest::new,
                ModelsNodeRequest::new, ThreadPool.Names.GENERIC, ModelsNodeResponse.class);
        this.operation = new ModelsNodeOperation(models);
    }

    @Override
    protected ModelsNodesResponse newResponse(ModelsNodesRequest request, List<ModelsNodeResponse> responses,
                                              List<FailedNodeException> failures) {
        return new ModelsNodesResponse(clusterService.getClusterName(), responses, failures);
    }

    @Override
    protected ModelsNodeRequest newNodeRequest(ModelsNodesRequest request) {
        return new ModelsNodeRequest(request);
    }

    @Override
    protected ModelsNodeResponse newNodeResponse(StreamInput in) throws IOException {
        return new ModelsNodeResponse(in);
    }

    @Override
    protected ModelsNodeResponse nodeOperation(ModelsNodeRequest request) {
        return new ModelsNodeResponse(clusterService.localNode(),
                operation.run(request.call(), () -> PluginThreadPools.read(threadPool)));
    }
}
