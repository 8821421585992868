package org.polyspan.onnx;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the CPU this node runs on offers ONNX Runtime's kernels, as the operating system reports it: the architecture
 * and the instruction-set flags that choose its int8 and float paths. A virtual machine may hide flags, which is why
 * {@link Int8KernelProbe} asks the kernels themselves.
 */
public final class CpuFeatures {
    /** x86-64 and ARM64 flags (as /proc/cpuinfo spells them) that select ONNX Runtime's matrix kernels. */
    private static final Set<String> RELEVANT = Set.of("avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl",
            "avx512_vnni", "avx_vnni", "avx512_bf16", "amx_tile", "amx_int8", "amx_bf16", "asimd", "asimddp", "i8mm", "sve",
            "sve2", "bf16");

    private CpuFeatures() {}

    /** Read once: the CPU does not change under a running node. */
    private static volatile Map<String, Object> described;

    /** {@code arch}, {@code model} and {@code features} (the relevant flags present, in /proc/cpuinfo's order). */
    public static Map<String, Object> describe() {
        Map<String, Object> m = described;
        if (m == null) {
            m = read();
            described = m;
        }
        return m;
    }

    private static Map<String, Object> read() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("arch", System.getProperty("os.arch"));
        m.put("available_processors", Runtime.getRuntime().availableProcessors());
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            String model = field(lines, "model name");
            if (model != null) {
                m.put("model", model);
            }
            String flags = field(lines, "flags");
            if (flags == null) {
                flags = field(lines, "Features"); // ARM64
            }
            m.put("features", flags == null ? List.of() : relevant(flags));
        } catch (Exception e) {
            m.put("features_error", "cannot read /proc/cpuinfo: " + e.getMessage());
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    static List<String> relevant(String flags) {
        List<String> out = new ArrayList<>();
        for (String f : flags.trim().split("\\s+")) {
            if (RELEVANT.contains(f) && !out.contains(f)) {
                out.add(f);
            }
        }
        return out;
    }

    private static String field(List<String> lines, String name) {
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }
}
