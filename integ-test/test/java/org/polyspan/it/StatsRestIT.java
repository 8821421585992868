package org.polyspan.it;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.polyspan.it.PolyspanRest.doc;

/** The stats endpoint: the node's inference budget, the plugin's pools and their counters, on both engines. */
class StatsRestIT {
    private static PolyspanRest rest;
    private static String index;
    private static String pipeline;

    @BeforeAll
    static void setUp() {
        rest = new PolyspanRest("stats");
        index = rest.name("docs");
        pipeline = rest.name("tiny");
        rest.putPipeline(pipeline, Map.of("processors",
                List.of(Map.of("span_labeling", Map.of("model", "tiny-heads", "field", "body"))))).expect(200);
        rest.createSpanIndex(index).expect(200);
    }

    @AfterAll
    static void cleanup() {
        if (rest != null) {
            rest.cleanup();
        }
    }

    private static JsonObject stats() {
        return rest.get(PolyspanRest.API + "/stats").expect(200).json();
    }

    @Test
    void answersTheBudgetAndThePluginsThreePools() {
        JsonObject stats = stats();
        assertFalse(stats.get("node").getAsString().isEmpty(), stats::toString);
        JsonObject budget = stats.getAsJsonObject("budget");
        int processors = budget.get("allocated_processors").getAsInt();
        int threads = budget.get("inference_threads").getAsInt();
        int intraOp = budget.get("intra_op_threads").getAsInt();
        assertTrue(processors >= 1 && threads >= 1 && intraOp >= 1, budget::toString);
        assertTrue(threads * intraOp <= processors, () -> "the node started with more inference threads than processors: " + budget);
        JsonObject pools = stats.getAsJsonObject("thread_pools");
        assertEquals(Set.of("polyspan_inference", "polyspan_project", "polyspan_model_load"), pools.keySet(), pools::toString);
        JsonObject inference = pools.getAsJsonObject("polyspan_inference");
        // a fixed pool starts its threads on demand, so up to its size exist
        assertTrue(inference.get("threads").getAsInt() <= threads, inference::toString);
        assertEquals(1000, inference.get("queue_size").getAsInt(), "the default queue of the inference pool");
        assertTrue(stats.getAsJsonObject("rejections").has("documents"), stats::toString);
    }

    @Test
    void countsTheDocumentsTheInferencePoolLabelled() {
        long before = stats().getAsJsonObject("thread_pools").getAsJsonObject("polyspan_inference").get("completed").getAsLong();
        rest.index(index, "1", pipeline, doc("body", "Angela Merkel met Emmanuel Macron in Berlin.")).expect(201);
        rest.index(index, "2", pipeline, doc("body", "Die Konferenz fand in Paris statt.")).expect(201);
        // the answer leaves from inside the pool's task, which counts as completed just after it
        long deadline = System.nanoTime() + 10_000_000_000L;
        long after;
        do {
            after = stats().getAsJsonObject("thread_pools").getAsJsonObject("polyspan_inference").get("completed").getAsLong();
        } while (after < before + 2 && System.nanoTime() < deadline);
        long completed = after;
        assertTrue(completed >= before + 2, () -> "polyspan_inference completed " + before + " -> " + completed + " over two documents");
    }
}
