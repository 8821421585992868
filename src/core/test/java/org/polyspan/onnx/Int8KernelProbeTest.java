package org.polyspan.onnx;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The int8 kernel probe runs on every CPU and agrees with what the CPU's flags say its kernels do. */
class Int8KernelProbeTest {

    @Test
    @SuppressWarnings("unchecked")
    void theProbeRunsAndAgreesWithTheCpuFlags() {
        Int8KernelProbe.Result r = Int8KernelProbe.run();
        assertNotEquals("unknown", r.kernels(), r.detail());
        assertEquals(64.0 * 255 * 127, r.exact());
        List<String> flags = (List<String>) CpuFeatures.describe().get("features");
        boolean exactInstructions = flags.stream().anyMatch(f -> f.contains("vnni") || f.startsWith("amx") || f.equals("asimddp"));
        boolean x86 = flags.contains("avx2");
        if (exactInstructions) {
            assertEquals("exact", r.kernels(), () -> "flags " + flags + ": " + r.detail());
            assertEquals(r.exact(), r.computed());
        } else if (x86) {
            // vpmaddubsw: each pair of products saturates at 32767, so 32 pairs give 32 x 32767
            assertEquals("saturating", r.kernels(), () -> "flags " + flags + ": " + r.detail());
            assertEquals(32.0 * 32767, r.computed());
        }
        if (r.saturating()) {
            assertTrue(r.exactPathWorks(), () -> "ONNX Runtime's U8U8 path must compute the exact value: " + r.detail());
        }
    }

    @Test
    void relevantFlagsAreKeptInOrderOnce() {
        assertEquals(List.of("avx2", "fma", "avx512f", "avx512_vnni", "amx_int8"),
                CpuFeatures.relevant("fpu sse avx2 fma avx512f sha_ni avx512_vnni avx2 amx_int8"));
        assertEquals(List.of("asimd", "asimddp", "i8mm"), CpuFeatures.relevant("fp asimd evtstrm aes asimddp i8mm"));
    }

    @Test
    void theProbeModelIsAWellFormedOnnxFile() {
        byte[] model = Int8KernelProbe.model();
        // field 1 (ir_version), varint 8: the first two bytes of every ONNX file of IR version 8
        assertEquals(0x08, model[0]);
        assertEquals(0x08, model[1]);
        assertTrue(model.length > 64 * 16, "the int8 weights are in the file");
        Map<String, Object> described = Int8KernelProbe.run().toMap();
        assertTrue(described.containsKey("int8_kernels") && described.containsKey("detail"));
    }
}
