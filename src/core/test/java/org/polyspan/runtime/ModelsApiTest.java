package org.polyspan.runtime;

import org.junit.jupiter.api.Test;

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
}
