package org.polyspan.onnx;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whether this process runs int8 models on ONNX Runtime's exact U8U8 kernels, decided once before the first session.
 *
 * <p>ONNX Runtime's default u8 x s8 kernels on x86-64 without VNNI (AVX2, AVX-512F/BW) add pairs of products into a
 * saturating 16-bit integer, so an int8 model whose weights use the full range [-127, 127] computes wrong answers
 * there (mean feature cosine 0.52 against fp32 on an AVX2-only EPYC), and right ones on CPUs with VNNI, AMX or ARM's
 * dot products. Its session option {@code session.x64quantprecision} rewrites int8 weights to uint8 at load so that the
 * exact U8U8 kernels run, slower. It is switched on where {@link Int8KernelProbe} sees the default kernels saturate, or
 * where the CPU flags name AVX2 without any VNNI or AMX (a guard for a probe that a future kernel might not reach;
 * switching it on where it is not needed costs speed only). Everywhere else the default, faster kernels run.
 *
 * <p>The system property {@code polyspan.int8.exact_path} ({@code auto}, {@code on}, {@code off}) overrides the
 * decision, for measurements.
 */
public final class Int8Precision {
    /** ONNX Runtime's session config key for the U8U8 path (kOrtSessionOptionsAvx2PrecisionMode). */
    public static final String ORT_EXACT_PATH_KEY = "session.x64quantprecision";
    static final String OVERRIDE_PROPERTY = "polyspan.int8.exact_path";

    private static volatile Int8Precision decided;

    private final Int8KernelProbe.Result probe;
    private final boolean exactPathOn;
    private final String reason;

    Int8Precision(Int8KernelProbe.Result probe, List<String> cpuFlags, String override) {
        this.probe = probe;
        boolean x86WithoutDotProducts = cpuFlags.contains("avx2")
                && cpuFlags.stream().noneMatch(f -> f.contains("vnni") || f.startsWith("amx"));
        switch (override == null ? "auto" : override.toLowerCase(Locale.ROOT)) {
            case "on" -> {
                exactPathOn = true;
                reason = OVERRIDE_PROPERTY + "=on";
            }
            case "off" -> {
                exactPathOn = false;
                reason = OVERRIDE_PROPERTY + "=off";
            }
            default -> {
                exactPathOn = probe.saturating() || x86WithoutDotProducts;
                reason = probe.saturating() ? "the probe saturates on the default int8 kernels"
                        : x86WithoutDotProducts ? "the CPU flags name AVX2 without VNNI or AMX"
                        : "the default int8 kernels compute exactly";
            }
        }
    }

    /** This process's decision: the probe runs on the first call (on the caller's thread), which must allow native work. */
    @SuppressWarnings("unchecked")
    public static Int8Precision get() {
        Int8Precision d = decided;
        if (d == null) {
            synchronized (Int8Precision.class) {
                d = decided;
                if (d == null) {
                    Object features = CpuFeatures.describe().get("features");
                    d = new Int8Precision(Int8KernelProbe.run(), features instanceof List<?> l ? (List<String>) l : List.of(),
                            System.getProperty(OVERRIDE_PROPERTY));
                    decided = d;
                }
            }
        }
        return d;
    }

    /** The decision if it was made, else null: for status answers, which must not run native code. */
    public static Int8Precision ifDecided() {
        return decided;
    }

    public boolean exactPathOn() {
        return exactPathOn;
    }

    public Int8KernelProbe.Result probe() {
        return probe;
    }

    /** What the status APIs show: the probe, the path int8 models run on, and why. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>(probe.toMap());
        m.put("int8_path", exactPathOn ? "u8u8 (" + ORT_EXACT_PATH_KEY + ")" : "u8s8 (default)");
        m.put("int8_path_reason", reason);
        return m;
    }
}
