package org.polyspan.runtime;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Gathering the nodes' models answers: one entry per model with its state per node, and the status of a change. */
class ModelsNodesAnswerTest {

    private static ModelsNodesAnswer.NodeAnswer node(String id, String state) {
        Map<String, Object> model = new java.util.LinkedHashMap<>();
        model.put("id", "m");
        model.put("task", "token_classification");
        model.put("heads", Map.of("ner", List.of("PER")));
        model.put("state", state);
        if (state.equals("failed")) {
            model.put("error", "broken on " + id);
        }
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("models_path", "/models/" + id);
        body.put("loaded_bytes", 0L);
        body.put("models", List.of(model));
        return new ModelsNodesAnswer.NodeAnswer(id, "name-" + id, new ModelsNodeOperation.Result(200, body));
    }

    @Test
    @SuppressWarnings("unchecked")
    void describeListsEachModelOnceWithItsStatePerNodeAndMixedWhenTheyDiffer() {
        Reply r = ModelsNodesAnswer.describe(List.of(node("b", "failed"), node("a", "loaded")), Map.of(), "b");
        assertEquals(200, r.status());
        assertEquals("/models/b", r.json().get("models_path"), "the receiving node's directory");
        Map<String, Object> nodes = (Map<String, Object>) r.json().get("nodes");
        assertEquals(List.of("a", "b"), List.copyOf(nodes.keySet()));
        assertFalse(((Map<String, Object>) nodes.get("a")).containsKey("models"));
        List<Map<String, Object>> models = (List<Map<String, Object>>) r.json().get("models");
        assertEquals(1, models.size());
        Map<String, Object> m = models.get(0);
        assertEquals("mixed", m.get("state"));
        assertFalse(m.containsKey("error"), "an error is shown only when every node failed");
        Map<String, Object> perNode = (Map<String, Object>) m.get("nodes");
        assertEquals("failed", ((Map<String, Object>) perNode.get("b")).get("state"));
        assertEquals("broken on b", ((Map<String, Object>) perNode.get("b")).get("error"));
        assertEquals(List.copyOf(m.keySet()).get(m.size() - 1), "nodes", "per-node states come last");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aChangeAnswersTheFirstFailingNodesStatus() {
        ModelsNodesAnswer.NodeAnswer ok = new ModelsNodesAnswer.NodeAnswer("a", "na", new ModelsNodeOperation.Result(200, Map.of("state", "loaded")));
        ModelsNodesAnswer.NodeAnswer full = new ModelsNodesAnswer.NodeAnswer("b", "nb", new ModelsNodeOperation.Result(429, Map.of("error", "over")));
        Reply r = ModelsNodesAnswer.change(List.of(full, ok), Map.of());
        assertEquals(429, r.status());
        Map<String, Object> b = (Map<String, Object>) ((Map<String, Object>) r.json().get("nodes")).get("b");
        assertEquals("nb", b.get("name"));
        assertEquals(429, b.get("status"));
        assertEquals(200, ModelsNodesAnswer.change(List.of(ok), Map.of()).status());
    }
}
