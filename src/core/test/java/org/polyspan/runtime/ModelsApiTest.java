package org.polyspan.runtime;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ModelsApiTest {
    @Test
    void theRouteNamesTheOperation() {
        assertEquals(new ModelsNodeOperation.Call(ModelsNodeOperation.Operation.DESCRIBE, null),
                ModelsApi.call(null, "/_plugins/polyspan/models"));
        assertEquals(new ModelsNodeOperation.Call(ModelsNodeOperation.Operation.RELOAD, "m"),
                ModelsApi.call("m", "/_polyspan/models/m/_reload"));
        assertEquals(new ModelsNodeOperation.Call(ModelsNodeOperation.Operation.UNLOAD, "m"),
                ModelsApi.call("m", "/_plugins/polyspan/models/m/_unload"));
    }

    @Test
    void aChangeNeedsAModelId() {
        assertNull(new ModelsNodeOperation.Call(ModelsNodeOperation.Operation.DESCRIBE, null).invalid());
        assertNull(new ModelsNodeOperation.Call(ModelsNodeOperation.Operation.UNLOAD, "m").invalid());
        assertEquals("a model id is required to reload", new ModelsNodeOperation.Call(ModelsNodeOperation.Operation.RELOAD, "").invalid());
        assertEquals("a model id is required to unload", new ModelsNodeOperation.Call(ModelsNodeOperation.Operation.UNLOAD, null).invalid());
    }

    @Test
    void aNodeThatFailedInTransportGivesAChangeItsStatus() {
        ModelsNodesAnswer.NodeAnswer ok = new ModelsNodesAnswer.NodeAnswer("a", "node-a",
                new ModelsNodeOperation.Result(200, Map.of("state", "loaded")));
        ModelsNodesAnswer.NodeAnswer timedOut = ModelsNodesAnswer.NodeAnswer.failed("b", 504, "timed out");
        Reply reload = ModelsApi.answer(ModelsNodeOperation.Operation.RELOAD, List.of(ok), List.of(timedOut), "a");
        assertEquals(504, reload.status());
        Map<?, ?> nodes = (Map<?, ?>) reload.json().get("nodes");
        assertEquals(Map.of("name", "b", "error", "timed out", "status", 504), nodes.get("b"));
        assertEquals(200, ModelsApi.answer(ModelsNodeOperation.Operation.RELOAD, List.of(ok), List.of(), "a").status());
        // every node failed: still not a 200
        assertEquals(504, ModelsApi.answer(ModelsNodeOperation.Operation.UNLOAD, List.of(), List.of(timedOut), "a").status());
        // a description lists the nodes that answered; the engine's header counts the others
        Reply described = ModelsApi.answer(ModelsNodeOperation.Operation.DESCRIBE, List.of(), List.of(timedOut), "a");
        assertEquals(200, described.status());
        assertEquals(Map.of(), described.json().get("nodes"));
    }
}
