package org.polyspan.runtime;

import org.junit.jupiter.api.Test;
import org.polyspan.model.InferenceBudget;
import org.polyspan.model.InferenceRejections;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class PluginStatsTest {

    @Test
    @SuppressWarnings("unchecked")
    void answersTheBudgetOnlyThePluginsPoolsAndTheRejectionCounts() {
        InferenceRejections rejections = new InferenceRejections();
        rejections.rejected(50);
        rejections.rejected(0);
        List<PluginStats.Pool> pools = List.of(
                new PluginStats.Pool(PluginPools.INFERENCE, 2, 1, 7, 1000, 2, 2, 40),
                new PluginStats.Pool("write", 2, 2, 0, 10000, 0, 2, 900),
                new PluginStats.Pool(PluginPools.MODEL_LOAD, 1, 0, 0, 64, 0, 1, 3));
        Map<String, Object> runtime = Map.of("cpu", Map.of("arch", "amd64"), "int8", Map.of("int8_kernels", "exact"));
        Map<String, Object> checks = Map.of("m", Map.of("state", "failed", "self_check", "failed"));
        Map<String, Object> body = PluginStats.body("n1", new InferenceBudget(4, 2, 2), true, pools, rejections, runtime, checks);

        assertEquals("n1", body.get("node"));
        assertEquals(Map.of("allocated_processors", 4, "inference_threads", 2, "intra_op_threads", 2,
                "onnxruntime_global_pool", true), body.get("budget"));
        Map<String, Object> answered = (Map<String, Object>) body.get("thread_pools");
        assertEquals(List.of(PluginPools.INFERENCE, PluginPools.MODEL_LOAD), List.copyOf(answered.keySet()));
        assertFalse(answered.containsKey("write"), "a pool of the engine is not the plugin's to report");
        assertEquals(Map.of("threads", 2, "active", 1, "queue", 7, "queue_size", 1000, "rejected", 2L, "largest", 2,
                "completed", 40L), answered.get(PluginPools.INFERENCE));
        assertEquals(Map.of("tasks", 2L, "documents", 50L), body.get("rejections"));
        assertEquals(runtime, body.get("runtime"));
        assertEquals(checks, body.get("models"));
    }
}
