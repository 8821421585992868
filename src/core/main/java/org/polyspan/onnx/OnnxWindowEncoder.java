package org.polyspan.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import org.polyspan.labeling.WindowEncoder;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Runs an ONNX encoder (BERT-style inputs {@code input_ids}, {@code attention_mask} and, if declared,
 * {@code token_type_ids}) with ONNX Runtime and returns one named 3-D output per position.
 */
public final class OnnxWindowEncoder implements WindowEncoder {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String outputName;
    private final int outputDim;
    private final boolean hasTokenTypes;
    private final long padId;

    /** {@code threads}: intra-op threads of this session, unless {@link OnnxSessions} runs every session on its global pool. */
    public OnnxWindowEncoder(Path onnxFile, String outputName, long padId, Device device, int threads) throws OrtException {
        this.env = OnnxSessions.environment();
        try (OrtSession.SessionOptions options = OnnxSessions.options(device == Device.CUDA, threads)) {
            this.session = OnnxSessions.open(onnxFile, options);
        }
        try {
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            NodeInfo out = outputs.get(outputName);
            if (out == null) {
                throw new IllegalArgumentException(onnxFile.getFileName() + " has no output [" + outputName + "]; outputs: "
                        + outputs.keySet());
            }
            long[] shape = ((TensorInfo) out.getInfo()).getShape();
            this.outputDim = (int) shape[shape.length - 1];
            Set<String> inputs = session.getInputNames();
            if (!inputs.contains("input_ids") || !inputs.contains("attention_mask")) {
                throw new IllegalArgumentException(onnxFile.getFileName() + " must take input_ids and attention_mask, takes " + inputs);
            }
            this.hasTokenTypes = inputs.contains("token_type_ids");
        } catch (OrtException | RuntimeException | Error e) {
            // a session whose metadata does not fit is closed here: nobody else holds it to close it later
            try {
                OnnxSessions.close(session);
            } catch (OrtException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        this.outputName = outputName;
        this.padId = padId;
    }

    public enum Device {
        CPU, CUDA
    }

    @Override
    public int outputDim() {
        return outputDim;
    }

    @Override
    public float[][][] encode(long[][] sequences) {
        int batch = sequences.length;
        int len = 0;
        for (long[] s : sequences) {
            len = Math.max(len, s.length);
        }
        long[] ids = new long[batch * len];
        long[] mask = new long[batch * len];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < len; t++) {
                boolean real = t < sequences[b].length;
                ids[b * len + t] = real ? sequences[b][t] : padId;
                mask[b * len + t] = real ? 1 : 0;
            }
        }
        long[] shape = {batch, len};
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try {
            feeds.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
            feeds.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
            if (hasTokenTypes) {
                feeds.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[batch * len]), shape));
            }
            try (OrtSession.Result result = session.run(feeds, Set.of(outputName))) {
                OnnxTensor tensor = (OnnxTensor) result.get(outputName).orElseThrow();
                FloatBuffer buf = tensor.getFloatBuffer();
                int dim = (int) tensor.getInfo().getShape()[2];
                float[][][] out = new float[batch][][];
                for (int b = 0; b < batch; b++) {
                    out[b] = new float[sequences[b].length][dim];
                    for (int t = 0; t < sequences[b].length; t++) {
                        buf.position((b * len + t) * dim);
                        buf.get(out[b][t]);
                    }
                }
                return out;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() {
        try {
            OnnxSessions.close(session);
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
