package org.polyspan.runtime;

import org.polyspan.model.InferenceBudget;
import org.polyspan.model.InferenceRejections;
import org.polyspan.model.ModelRepository;
import org.polyspan.onnx.OnnxSessions;

import java.util.List;
import java.util.function.Supplier;

/**
 * {@code GET .../stats}: this node's inference budget, the state of the plugin's thread pools (threads, active, queue,
 * rejected, completed) and the work the inference pool turned away, what the node runs on (CPU features, int8
 * kernels) and each model's self-check; the body is {@link PluginStats#body}.
 */
public final class StatsEndpoint extends Endpoint {
    private final InferenceBudget budget;
    private final InferenceRejections rejections;
    private final ModelRepository models;
    /** The engine reads its thread pools' statistics; they exist once the node has started. */
    private final Supplier<List<PluginStats.Pool>> pools;

    public StatsEndpoint(InferenceBudget budget, InferenceRejections rejections, ModelRepository models,
                         Supplier<List<PluginStats.Pool>> pools) {
        super("polyspan_stats", new Route("GET", "/stats"));
        this.budget = budget;
        this.rejections = rejections;
        this.models = models;
        this.pools = pools;
    }

    @Override
    public Answer answer(Call call) {
        return Answer.now(Reply.json(200, PluginStats.body(call.localNodeId(), budget, OnnxSessions.globalIntraOpThreads() > 0,
                pools.get(), rejections, models.runtime(), models.selfChecks())));
    }
}
