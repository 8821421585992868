package org.polyspan.onnx;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which int8 path a process takes, for every kind of CPU, whatever CPU runs the test: the probe's verdict and the flags
 * are given, not read.
 */
class Int8PrecisionTest {
    private static final double EXACT = 64.0 * 255 * 127;
    private static final Int8KernelProbe.Result EXACT_KERNELS = new Int8KernelProbe.Result("exact", EXACT, EXACT, Double.NaN, "");
    private static final Int8KernelProbe.Result SATURATING = new Int8KernelProbe.Result("saturating", 32.0 * 32767, EXACT, EXACT, "");

    @Test
    void kernelsThatSaturateTakeTheExactPathWhateverTheFlagsSay() {
        // a virtual machine may hide every flag; the kernels still saturate
        assertTrue(new Int8Precision(SATURATING, List.of(), null).exactPathOn());
        assertTrue(new Int8Precision(SATURATING, List.of("avx2", "avx512_vnni"), "auto").exactPathOn());
    }

    @Test
    void avx2WithoutVnniOrAmxTakesTheExactPathEvenIfTheProbeSawNoSaturation() {
        Int8Precision p = new Int8Precision(EXACT_KERNELS, List.of("avx", "avx2", "fma", "avx512f", "avx512bw"), null);
        assertTrue(p.exactPathOn());
        assertEquals("u8u8 (session.x64quantprecision)", p.describe().get("int8_path"));
    }

    @Test
    void cpusWithDotProductsKeepTheFastDefaultKernels() {
        for (List<String> flags : List.<List<String>>of(List.of("avx2", "avx512f", "avx512_vnni"), List.of("avx2", "avx_vnni"),
                List.of("avx2", "avx512f", "amx_tile", "amx_int8"), List.of("asimd", "asimddp"), List.of())) {
            Int8Precision p = new Int8Precision(EXACT_KERNELS, flags, null);
            assertFalse(p.exactPathOn(), flags.toString());
            assertEquals("u8s8 (default)", p.describe().get("int8_path"));
        }
    }

    @Test
    void theOverrideIsForMeasurementsBothWays() {
        assertTrue(new Int8Precision(EXACT_KERNELS, List.of("avx512_vnni"), "on").exactPathOn());
        assertFalse(new Int8Precision(SATURATING, List.of("avx2"), "off").exactPathOn());
        assertEquals("polyspan.int8.exact_path=off", new Int8Precision(SATURATING, List.of(), "off").describe().get("int8_path_reason"));
    }

    @Test
    void sessionsOfThisProcessFollowTheDecision() throws Exception {
        Int8Precision decided = Int8Precision.get();
        try (var options = OnnxSessions.options(false, 1)) {
            assertEquals(decided.exactPathOn(), options.getConfigEntries().containsKey(Int8Precision.ORT_EXACT_PATH_KEY),
                    decided.describe().toString());
        }
    }
}
