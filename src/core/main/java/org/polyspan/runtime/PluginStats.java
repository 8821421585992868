package org.polyspan.runtime;

import org.polyspan.model.InferenceBudget;
import org.polyspan.model.InferenceRejections;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The body of the stats endpoint ({@code GET _plugins/polyspan/stats} on OpenSearch, {@code GET _polyspan/stats} on
 * Elasticsearch), the same on both engines: this node's inference budget, the plugin's own thread pools and the work
 * the inference pool turned away. Each shell reads its engine's pool statistics into {@link Pool}s; the models API
 * answers the same {@link #pools} per node.
 */
public final class PluginStats {
    /** One pool as the engine reports it; {@code queueSize} is -1 for an unbounded queue. */
    public record Pool(String name, int threads, int active, int queue, int queueSize, long rejected, int largest,
                       long completed) {
    }

    private PluginStats() {
    }

    /** Whether the engine's pool {@code name} is one of the plugin's, and so belongs in the answer. */
    public static boolean isPluginPool(String name) {
        return PluginPools.INFERENCE.equals(name) || PluginPools.PROJECT.equals(name) || PluginPools.MODEL_LOAD.equals(name);
    }

    /** The plugin's pools by name, each with its counters; the engine's other pools are left out. */
    public static Map<String, Object> pools(List<Pool> pools) {
        Map<String, Object> answer = new LinkedHashMap<>();
        for (Pool p : pools) {
            if (!isPluginPool(p.name())) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("threads", p.threads());
            m.put("active", p.active());
            m.put("queue", p.queue());
            m.put("queue_size", p.queueSize());
            m.put("rejected", p.rejected());
            m.put("largest", p.largest());
            m.put("completed", p.completed());
            answer.put(p.name(), m);
        }
        return answer;
    }

    /**
     * @param runtime    what the node runs on ({@code ModelRepository.runtime()})
     * @param selfChecks each model's state and self-check on this node ({@code ModelRepository.selfChecks()})
     */
    public static Map<String, Object> body(String nodeId, InferenceBudget budget, boolean onnxRuntimeGlobalPool,
                                           List<Pool> pools, InferenceRejections rejections, Map<String, Object> runtime,
                                           Map<String, Object> selfChecks) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("node", nodeId);
        Map<String, Object> budgetMap = new LinkedHashMap<>();
        budgetMap.put("allocated_processors", budget.processors());
        budgetMap.put("inference_threads", budget.poolThreads());
        budgetMap.put("intra_op_threads", budget.intraOpThreads());
        budgetMap.put("onnxruntime_global_pool", onnxRuntimeGlobalPool);
        b.put("budget", budgetMap);
        b.put("thread_pools", pools(pools));
        b.put("rejections", Map.of("tasks", rejections.tasks(), "documents", rejections.documents()));
        b.put("runtime", runtime);
        b.put("models", selfChecks);
        return b;
    }
}
