package org.polyspan.runtime;

import org.junit.jupiter.api.Test;
import org.polyspan.projection.ProjectionOptions;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IndexProjectionSlicesTest {

    @Test
    void parsesSlicesAsReindexDoes() throws Exception {
        assertEquals(1, IndexProjectionSlices.parse(null));
        assertEquals(1, IndexProjectionSlices.parse("1"));
        assertEquals(5, IndexProjectionSlices.parse("5"));
        assertEquals(IndexProjectionSlices.AUTO, IndexProjectionSlices.parse("auto"));
        for (String bad : List.of("0", "-2", "65", "three", "1.5")) {
            BadRequest e = assertThrows(BadRequest.class, () -> IndexProjectionSlices.parse(bad));
            assertEquals("slices", e.field());
            assertTrue(e.getMessage().contains("[" + bad + "]"), e.getMessage());
        }
    }

    @Test
    void aNodeNeedsEveryModelOfTheJob() {
        ProjectionOptions generated = ProjectionOptions.parse(Map.of("model", "enc", "candidates", "seq2seq", "generator_model", "gen",
                "method", "tproj"));
        assertEquals(Set.of("enc", "gen"), IndexProjectionSlices.requiredModels(generated));
        ProjectionOptions apertium = ProjectionOptions.parse(Map.of("model", "enc", "translate", true, "source_language", "en",
                "target_language", "es"));
        assertEquals(Set.of("enc"), IndexProjectionSlices.requiredModels(apertium)); // Apertium is a service, not a model
        ProjectionOptions byModel = ProjectionOptions.parse(Map.of("model", "enc", "translate", "nmt", "source_language", "en",
                "target_language", "es"));
        assertEquals(Set.of("enc", "nmt"), IndexProjectionSlices.requiredModels(byModel));

        Map<String, Map<String, Object>> described = new LinkedHashMap<>();
        described.put("n1", Map.of("models", List.of(Map.of("id", "enc"), Map.of("id", "gen"))));
        described.put("n2", Map.of("models", List.of(Map.of("id", "enc"))));
        described.put("n3", Map.of("models", List.of(Map.of("id", "enc"), Map.of("id", "gen", "error", "bad files"))));
        described.put("n4", Map.of("error", "cannot list"));
        assertEquals(List.of("n1"), IndexProjectionSlices.eligibleNodes(described, Set.of("enc", "gen")));
        assertEquals(List.of("n1", "n2", "n3"), IndexProjectionSlices.eligibleNodes(described, Set.of("enc")));
    }

    @Test
    void slicesAreDealtRoundRobinFromTheLocalNode() throws Exception {
        List<String> eligible = List.of("a", "b", "c");
        assertEquals(List.of("b", "a", "c", "b", "a"), IndexProjectionSlices.assign(5, eligible, "b", Set.of("m")));
        assertEquals(List.of("b", "a", "c"), IndexProjectionSlices.assign(IndexProjectionSlices.AUTO, eligible, "b", Set.of("m")));
        assertEquals(List.of("a", "b"), IndexProjectionSlices.assign(2, eligible, "x", Set.of("m"))); // a coordinating-only node
        BadRequest none = assertThrows(BadRequest.class, () -> IndexProjectionSlices.assign(2, List.of(), "a", Set.of("m")));
        assertTrue(none.getMessage().contains("[m]"), none.getMessage());
    }

    @Test
    void theParentCountsFinishedSlicesAndSaysWhyOthersFailed() {
        SlicedProjectionProgress p = new SlicedProjectionProgress(List.of("n1", "n2", "n1"));
        Map<String, Object> first = new LinkedHashMap<>(Map.of("total", 4L, "processed", 4L, "projected", 3L, "skipped", 0L, "failed", 1L,
                "spans_projected", 7L, "spans_unprojected", 1L, "batches", 1L));
        first.put("failures", List.of(Map.of("id", "d1", "reason", "no text")));
        assertFalse(p.finished(0, first, null));
        assertFalse(p.failed(1, SlicedProjectionProgress.failure("node-2", true, null)));
        Map<String, Object> running = p.fields();
        assertEquals(3L, running.get("projected"));
        List<?> slices = (List<?>) running.get("slices");
        assertEquals("running", ((Map<?, ?>) slices.get(2)).get("state"));
        assertTrue(p.finished(2, Map.of("total", 5L, "processed", 2L, "projected", 2L), "by user request"));
        Map<String, Object> end = p.fields();
        assertEquals(5L, end.get("projected"));
        assertEquals(6L, end.get("processed"));
        assertEquals(1, ((List<?>) end.get("failures")).size());
        List<?> all = (List<?>) end.get("slices");
        assertEquals(3, all.size());
        assertEquals("completed", ((Map<?, ?>) all.get(0)).get("state"));
        assertEquals("failed", ((Map<?, ?>) all.get(1)).get("state"));
        assertTrue(((String) ((Map<?, ?>) all.get(1)).get("reason")).contains("node [node-2] left the cluster"));
        assertEquals("cancelled", ((Map<?, ?>) all.get(2)).get("state"));
        assertEquals("n1", ((Map<?, ?>) all.get(2)).get("node"));
        assertTrue(p.anyFailed());
    }
}
