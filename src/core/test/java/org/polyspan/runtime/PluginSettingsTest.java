package org.polyspan.runtime;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PluginSettingsTest {
    @Test
    void theTableHoldsEveryKeyOnceWithItsDefault() {
        assertEquals(List.of("polyspan.models_path", "polyspan.device", "polyspan.inference_threads",
                        "polyspan.inference.intra_op_threads", "polyspan.models.max_bytes", "polyspan.models.load_wait",
                        "polyspan.translate.apertium_url"),
                PluginSettings.ALL.stream().map(PluginSettings.Entry::key).toList());
        assertEquals(List.of("", "cpu", "0", "0", "50%", "30s", ""),
                PluginSettings.ALL.stream().map(PluginSettings.Entry::defaultValue).toList());
        Set<String> descriptions = new HashSet<>();
        for (PluginSettings.Entry e : PluginSettings.ALL) {
            assertTrue(descriptions.add(e.description()), e.key());
            assertEquals(e.defaultValue(), e.validator().apply(e.defaultValue()), e.key());
        }
    }

    @Test
    void theDeviceIsCpuOrCudaInAnyCase() {
        assertEquals("cuda", PluginSettings.DEVICE.validator().apply("CUDA"));
        assertEquals("cpu", PluginSettings.device("Cpu"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PluginSettings.device("gpu"));
        assertEquals("polyspan.device must be [cpu] or [cuda], got [gpu]", e.getMessage());
    }
}
