package org.polyspan.plugin;

import org.opensearch.common.settings.Settings;
import org.opensearch.test.OpenSearchTestCase;

import java.lang.management.ManagementFactory;

public class ModelMemorySettingTests extends OpenSearchTestCase {
    private static long ram() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
    }

    public void testDefaultIsHalfOfPhysicalMemory() {
        long bytes = PolyspanPlugin.MODELS_MAX_BYTES.get(Settings.EMPTY);
        assertEquals(ram() / 2, bytes, 1);
    }

    public void testSizesPercentagesAndNoLimit() {
        assertEquals(-1L, (long) PolyspanPlugin.MODELS_MAX_BYTES.get(Settings.builder().put("polyspan.models.max_bytes", "-1").build()));
        assertEquals(4L << 30, (long) PolyspanPlugin.MODELS_MAX_BYTES.get(Settings.builder().put("polyspan.models.max_bytes", "4gb").build()));
        assertEquals(ram() / 4, PolyspanPlugin.MODELS_MAX_BYTES.get(Settings.builder().put("polyspan.models.max_bytes", "25%").build()), 1);
    }

    public void testBadValuesNameTheSetting() {
        for (String bad : new String[] {"lots", "150%", "x%"}) {
            IllegalArgumentException e = expectThrows(IllegalArgumentException.class,
                    () -> PolyspanPlugin.MODELS_MAX_BYTES.get(Settings.builder().put("polyspan.models.max_bytes", bad).build()));
            assertTrue(e.getMessage(), e.getMessage().contains("polyspan.models.max_bytes"));
        }
    }
}
