package org.polyspan.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Asks this process's ONNX Runtime what its int8 matrix kernels compute, rather than trusting CPU flags that a virtual
 * machine may hide: one {@code DynamicQuantizeMatMul} (the operator of Polyspan's int8 models) of uint8 activations at
 * 255 with int8 weights at 127, whose exact result is known. Kernels that add pairs of u8 x s8 products into 16 bits
 * ({@code vpmaddubsw}, used on x86-64 with AVX2 or AVX-512 but without VNNI) saturate at 32767 per pair and return
 * less; kernels with VNNI, AMX or ARM's dot products return the exact value. Where it saturates, the probe runs again
 * with ONNX Runtime's {@code session.x64quantprecision}, which turns int8 weights into uint8 ones so that the exact
 * U8U8 kernels run, to show that this path computes right.
 */
public final class Int8KernelProbe {
    private static final int M = 4;
    private static final int K = 64;
    private static final int N = 16;

    /**
     * @param kernels           {@code exact}, {@code saturating} or {@code unknown}: the default int8 kernels
     * @param computed          what they computed
     * @param exact             the exact value
     * @param exactPathComputed what the U8U8 path ({@code session.x64quantprecision}) computed; NaN when not run
     */
    public record Result(String kernels, double computed, double exact, double exactPathComputed, String detail) {
        public boolean saturating() {
            return "saturating".equals(kernels);
        }

        /** Whether the U8U8 path was run and computed the exact value. */
        public boolean exactPathWorks() {
            return exactPathComputed == exact;
        }

        public Map<String, Object> toMap() {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("int8_kernels", kernels);
            m.put("probe_computed", computed);
            m.put("probe_exact", exact);
            if (!Double.isNaN(exactPathComputed)) {
                m.put("probe_computed_u8u8", exactPathComputed);
            }
            m.put("detail", detail);
            return m;
        }
    }

    private Int8KernelProbe() {}

    /**
     * Runs the probe on the calling thread (tens of milliseconds): call it on a thread that may block on native code.
     * {@link Int8Precision} runs it once per process.
     */
    static Result run() {
        double exact = (double) K * 255 * 127;
        try {
            double computed = compute(false);
            if (computed == exact) {
                return new Result("exact", computed, exact, Double.NaN, "u8 x s8 products accumulate exactly here: int8 "
                        + "models run on the default kernels");
            }
            double exactPath = compute(true);
            return new Result("saturating", computed, exact, exactPath, String.format(Locale.ROOT, "u8 x s8 products "
                    + "saturate in 16 bits here (%.0f instead of %.0f); with session.x64quantprecision the U8U8 kernels "
                    + "compute %.0f", computed, exact, exactPath));
        } catch (Exception | LinkageError e) {
            return new Result("unknown", Double.NaN, exact, Double.NaN, "the probe could not run: " + e);
        }
    }

    /** The largest deviation from the exact value over the probe's outputs, as a computed value. */
    private static double compute(boolean exactPath) throws Exception {
        double exact = (double) K * 255 * 127;
        OrtEnvironment env = OnnxSessions.environment();
        try (OrtSession.SessionOptions options = OnnxSessions.baseOptions(false, 1)) {
            if (exactPath) {
                options.addConfigEntry(Int8Precision.ORT_EXACT_PATH_KEY, "1");
            }
            try (OrtSession session = env.createSession(model(), options)) {
                float[][] a = new float[M][K];
                for (float[] row : a) {
                    Arrays.fill(row, 255f);
                }
                try (OnnxTensor input = OnnxTensor.createTensor(env, a);
                     OrtSession.Result out = session.run(Map.of("A", input))) {
                    float[][] y = (float[][]) out.get(0).getValue();
                    double worst = exact;
                    for (float[] row : y) {
                        for (float v : row) {
                            if (Math.abs(v - exact) > Math.abs(worst - exact)) {
                                worst = v;
                            }
                        }
                    }
                    return worst;
                }
            }
        }
    }

    /** The probe's ONNX model: Y[M,N] = DynamicQuantizeMatMul(A[M,K], B[K,N] = 127, scale 1, zero point 0). */
    static byte[] model() {
        byte[] weights = new byte[K * N];
        Arrays.fill(weights, (byte) 127);
        Proto graph = new Proto()
                .message(1, new Proto().string(1, "A").string(1, "B").string(1, "B_scale").string(1, "B_zero_point")
                        .string(2, "Y").string(3, "probe").string(4, "DynamicQuantizeMatMul").string(7, "com.microsoft"))
                .string(2, "int8_kernel_probe")
                .message(5, tensor("B", 3, new long[] {K, N}, weights))
                .message(5, tensor("B_scale", 1, new long[] {1}, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(1f).array()))
                .message(5, tensor("B_zero_point", 3, new long[] {1}, new byte[] {0}))
                .message(11, valueInfo("A", new long[] {M, K}))
                .message(12, valueInfo("Y", new long[] {M, N}));
        return new Proto()
                .varint(1, 8) // IR version 8
                .string(2, "polyspan")
                .message(7, graph)
                .message(8, new Proto().string(1, "").varint(2, 14))
                .message(8, new Proto().string(1, "com.microsoft").varint(2, 1))
                .bytes();
    }

    private static Proto tensor(String name, int type, long[] dims, byte[] raw) {
        Proto t = new Proto();
        for (long d : dims) {
            t.varint(1, d);
        }
        return t.varint(2, type).string(8, name).raw(9, raw);
    }

    private static Proto valueInfo(String name, long[] dims) {
        Proto shape = new Proto();
        for (long d : dims) {
            shape.message(1, new Proto().varint(1, d));
        }
        Proto tensorType = new Proto().varint(1, 1).message(2, shape); // float
        return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
    }

    /** Just enough of the protobuf wire format to write the probe's model: varints and length-delimited fields. */
    static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long value) {
            key(field, 0);
            write(value);
            return this;
        }

        Proto string(int field, String value) {
            return raw(field, value.getBytes(StandardCharsets.UTF_8));
        }

        Proto message(int field, Proto value) {
            return raw(field, value.bytes());
        }

        Proto raw(int field, byte[] value) {
            key(field, 2);
            write(value.length);
            out.writeBytes(value);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        private void key(int field, int wireType) {
            write(((long) field << 3) | wireType);
        }

        private void write(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }
    }
}
