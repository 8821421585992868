package org.polyspan.plugin;

import org.opensearch.action.FailedNodeException;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.nodes.TransportNodesAction;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.threadpool.ThreadPoolStats;
import org.opensearch.transport.TransportService;
import org.polyspan.model.ModelFilesException;
import org.polyspan.model.ModelRepository;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a {@link ModelsNodesRequest} on each node against that node's {@link ModelRepository}. The node operation runs on
 * the generic pool, never a transport thread: a reload waits there for its load, which itself runs on the
 * {@code polyspan_model_load} pool.
 */
public final class TransportModelsAction extends TransportNodesAction<ModelsNodesRequest, ModelsNodesResponse, ModelsNodeRequest,
        ModelsNodeResponse> {
    /** Pools whose queue and rejections the models API reports: the plugin's own. */
    static final String POOL_PREFIX = "polyspan_";

    private final ModelRepository models;

    @Inject
    public TransportModelsAction(ThreadPool threadPool, ClusterService clusterService, TransportService transportService,
                                 ActionFilters actionFilters, ModelRepository models) {
        super(ModelsAction.NAME, threadPool, clusterService, transportService, actionFilters, ModelsNodesRequest::new,
                ModelsNodeRequest::new, ThreadPool.Names.GENERIC, ModelsNodeResponse.class);
        this.models = models;
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
        if (request.operation() == ModelsNodesRequest.Operation.DESCRIBE) {
            return new ModelsNodeResponse(clusterService.localNode(), RestStatus.OK, describe());
        }
        String id = request.modelId();
        if (!models.exists(id)) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("id", id);
            body.put("error", models.unknownModelMessage(id));
            return new ModelsNodeResponse(clusterService.localNode(), RestStatus.NOT_FOUND, body);
        }
        try {
            Map<String, Object> status = request.operation() == ModelsNodesRequest.Operation.RELOAD ? models.reload(id) : models.unload(id);
            return new ModelsNodeResponse(clusterService.localNode(), RestStatus.OK, compatible(status));
        } catch (Exception e) {
            Map<String, Object> body = compatible(models.status(id));
            if (request.operation() == ModelsNodesRequest.Operation.RELOAD) {
                // a failed reload leaves the previous copy (if any) in service; the body's state says which
                body.put("state", "failed");
                body.put("in_service", models.status(id).get("state"));
            }
            body.put("error", "model [" + id + "] could not be " + (request.operation() == ModelsNodesRequest.Operation.RELOAD
                    ? "loaded: " : "unloaded: ") + e.getMessage());
            return new ModelsNodeResponse(clusterService.localNode(), status(e), body);
        }
    }

    /** 429 when retrying can succeed (still loading, over the memory limit), 400 for unusable files, 500 otherwise. */
    static RestStatus status(Exception e) {
        RestStatus retryable = ModelLoading.retryableStatus(e);
        if (retryable != null) {
            return retryable;
        }
        return e instanceof ModelFilesException || e instanceof IllegalArgumentException ? RestStatus.BAD_REQUEST
                : RestStatus.INTERNAL_SERVER_ERROR;
    }

    /**
     * The reload answer's fields as before the nodes-level API ({@code heads} as a list of names, {@code languages} as
     * a count), followed by the model's state and figures on this node.
     */
    private static Map<String, Object> compatible(Map<String, Object> status) {
        Map<String, Object> out = new LinkedHashMap<>(status);
        if (status.get("heads") instanceof Map<?, ?> heads) {
            out.put("heads", new ArrayList<>(heads.keySet()));
        }
        if (status.get("languages") instanceof List<?> languages) {
            out.put("languages", languages.size());
        }
        return out;
    }

    /** This node's models directory, memory use and limit, every model's state, and the plugin's thread pools. */
    private Map<String, Object> describe() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("models_path", models.root().toString());
        body.put("loaded_bytes", models.loadedBytes());
        body.put("max_bytes", models.maxBytes());
        try {
            body.put("models", models.describe());
        } catch (IOException e) {
            body.put("error", "cannot list " + models.root() + ": " + e.getMessage());
        }
        Map<String, Object> pools = new LinkedHashMap<>();
        for (ThreadPoolStats.Stats pool : threadPool.stats()) {
            if (pool.getName().startsWith(POOL_PREFIX)) {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("threads", pool.getThreads());
                p.put("active", pool.getActive());
                p.put("queue", pool.getQueue());
                p.put("rejected", pool.getRejected());
                p.put("completed", pool.getCompleted());
                pools.put(pool.getName(), p);
            }
        }
        body.put("thread_pools", pools);
        return body;
    }
}
