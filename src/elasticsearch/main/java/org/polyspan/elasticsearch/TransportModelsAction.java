package org.polyspan.elasticsearch;

import org.elasticsearch.action.FailedNodeException;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.action.support.nodes.TransportNodesAction;
import org.elasticsearch.cluster.node.DiscoveryNode;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.threadpool.ThreadPool;
import org.elasticsearch.transport.TransportService;
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
        ModelsNodeResponse, Void> {
    private final ModelsNodeOperation operation;
    private final ThreadPool threadPool;

    @Inject
    public TransportModelsAction(ThreadPool threadPool, ClusterService clusterService, TransportService transportService,
                                 ActionFilters actionFilters, ModelRepository models) {
        super(ModelsAction.NAME, clusterService, transportService, actionFilters, ModelsNodeRequest::new,
                threadPool.executor(ThreadPool.Names.GENERIC));
        this.operation = new ModelsNodeOperation(models);
        this.threadPool = threadPool;
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
    protected ModelsNodeResponse newNodeResponse(StreamInput in, DiscoveryNode node) throws IOException {
        return new ModelsNodeResponse(in, node);
    }

    @Override
    protected ModelsNodeResponse nodeOperation(ModelsNodeRequest request, Task task) {
        return new ModelsNodeResponse(clusterService.localNode(),
                operation.run(request.call(), () -> PluginThreadPools.read(threadPool)));
    }
}
