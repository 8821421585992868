package org.polyspan.plugin;

import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.BytesRestResponse;
import org.opensearch.rest.RestRequest;
import org.opensearch.threadpool.ThreadPoolStats;
import org.opensearch.transport.client.node.NodeClient;
import org.polyspan.model.InferenceBudget;
import org.polyspan.model.InferenceRejections;
import org.polyspan.model.OnnxSessions;
import org.polyspan.runtime.PluginPools;

import java.util.List;
import java.util.Set;

import static org.opensearch.rest.RestRequest.Method.GET;

/**
 * {@code GET _plugins/polyspan/stats}: this node's inference budget, the state of the plugin's two thread pools
 * (threads, active, queue, rejected, completed) and the documents the inference pool turned away.
 */
public final class RestStatsAction extends BaseRestHandler {
    private final InferenceBudget budget;
    private final InferenceRejections rejections;

    public RestStatsAction(InferenceBudget budget, InferenceRejections rejections) {
        this.budget = budget;
        this.rejections = rejections;
    }

    @Override
    public String getName() {
        return "polyspan_stats";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(GET, "/_plugins/polyspan/stats"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        return channel -> {
            XContentBuilder b = channel.newBuilder();
            b.startObject().field("node", client.getLocalNodeId());
            b.startObject("budget")
                    .field("allocated_processors", budget.processors())
                    .field("inference_threads", budget.poolThreads())
                    .field("intra_op_threads", budget.intraOpThreads())
                    .field("onnxruntime_global_pool", OnnxSessions.globalIntraOpThreads() > 0)
                    .endObject();
            b.startObject("thread_pools");
            Set<String> ours = Set.of(PluginPools.INFERENCE, PluginPools.PROJECT);
            for (ThreadPoolStats.Stats s : client.threadPool().stats()) {
                if (ours.contains(s.getName())) {
                    b.startObject(s.getName())
                            .field("threads", s.getThreads())
                            .field("active", s.getActive())
                            .field("queue", s.getQueue())
                            .field("queue_size", client.threadPool().info(s.getName()).getQueueSize() == null ? -1
                                    : client.threadPool().info(s.getName()).getQueueSize().singles())
                            .field("rejected", s.getRejected())
                            .field("largest", s.getLargest())
                            .field("completed", s.getCompleted())
                            .endObject();
                }
            }
            b.endObject();
            b.startObject("rejections").field("tasks", rejections.tasks()).field("documents", rejections.documents()).endObject();
            b.endObject();
            channel.sendResponse(new BytesRestResponse(RestStatus.OK, b));
        };
    }
}
