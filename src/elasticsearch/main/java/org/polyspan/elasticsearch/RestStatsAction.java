package org.polyspan.elasticsearch;

import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.polyspan.model.InferenceBudget;
import org.polyspan.model.InferenceRejections;
import org.polyspan.model.ModelRepository;
import org.polyspan.onnx.OnnxSessions;
import org.polyspan.runtime.PluginStats;
import org.polyspan.runtime.Reply;

import java.util.List;

import static org.elasticsearch.rest.RestRequest.Method.GET;

/**
 * {@code GET _polyspan/stats}: this node's inference budget, the plugin's thread pools and the work the inference pool
 * turned away, what the node runs on and each model's self-check, with the same body as OpenSearch's {@code _plugins/polyspan/stats} ({@link PluginStats#body}).
 */
public final class RestStatsAction extends BaseRestHandler {
    private final InferenceBudget budget;
    private final InferenceRejections rejections;
    private final ModelRepository models;

    RestStatsAction(InferenceBudget budget, InferenceRejections rejections, ModelRepository models) {
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
        return List.of(new Route(GET, "/_polyspan/stats"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        return channel -> {
            List<PluginStats.Pool> pools = PluginThreadPools.read(client.threadPool());
            Replies.send(channel, Reply.json(200, PluginStats.body(client.getLocalNodeId(), budget,
                    OnnxSessions.globalIntraOpThreads() > 0, pools, rejections,
                    models.runtime(), models.selfChecks())));
        };
    }
}
