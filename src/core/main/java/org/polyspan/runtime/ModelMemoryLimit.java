package org.polyspan.runtime;

import java.lang.management.ManagementFactory;
import java.util.function.ToLongFunction;

/**
 * The value of {@code polyspan.models.max_bytes}: {@code -1} (no limit), a percentage of the machine's physical memory
 * ({@code 50%}, the default on every engine) or a byte size, which the engine's own parser reads ({@code 4gb}).
 */
public final class ModelMemoryLimit {
    public static final String KEY = "polyspan.models.max_bytes";
    /** Half of physical memory: the other half is for the JVM heap (at most half of memory) and the file-system cache. */
    public static final String DEFAULT = "50%";

    private ModelMemoryLimit() {}

    public static long parse(String value, ToLongFunction<String> byteSize) {
        String v = value.trim();
        if (v.equals("-1")) {
            return -1;
        }
        if (v.endsWith("%")) {
            double percent;
            try {
                percent = Double.parseDouble(v.substring(0, v.length() - 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(KEY + " must be -1, a byte size or a percentage, got [" + value + "]");
            }
            if (percent < 0 || percent > 100) {
                throw new IllegalArgumentException(KEY + " percentage must be between 0 and 100, got [" + value + "]");
            }
            long ram = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
            return (long) (ram * percent / 100);
        }
        return byteSize.applyAsLong(v);
    }
}
