package org.polyspan.plugin;

import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.BytesRestResponse;
import org.opensearch.rest.RestRequest;
import org.opensearch.transport.client.node.NodeClient;
import org.polyspan.model.InferenceBudget;
import org.polyspan.model.InferenceRejections;
import org.polyspan.model.ModelRepository;
import org.polyspan.onnx.OnnxSessions;
import org.polyspan.runtime.PluginStats;

import java.util.List;

import static org.opensearch.rest.RestRequest.Method.GET;

/**
 * {@code GET _plugins/polyspan/stats}: this node's inference budget, the state of the plugin's thread pools (threads,
 * active, queue, rejected, completed) and the documents the inference pool turned away, what the node runs on (CPU features, int8 kernels) and each model's
 * self-check; the body is
 * {@link PluginStats#body}.
 */
public final class RestStatsAction extends BaseRestHandler {
    private final InferenceBudget budget;
    private final InferenceRejections rejections;
    private final ModelRepository models;

    public RestStatsAction(InferenceBudget budget, InferenceRejections rejections, ModelRepository models) {
        this.budget = budget;
        this.rejections = rejections;
        this.models = models;
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
            List<PluginStats.Pool> pools = PluginThreadPools.read(client.threadPool());
            XContentBuilder b = channel.newBuilder();
            b.map(PluginStats.body(client.getLocalNodeId(), budget, OnnxSessions.globalIntraOpThreads() > 0, pools, rejections,
                    models.runtime(), models.selfChecks()));
            channel.sendResponse(new BytesRestResponse(RestStatus.OK, b));
        };
    }
}
