package org.polyspan.seq2seq;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An optimum seq2seq ONNX export ({@code encoder_model.onnx}, {@code decoder_model.onnx},
 * {@code decoder_with_past_model.onnx}) run with ONNX Runtime, as a {@link LogitsSource} with key/value caching: the first
 * step runs {@code decoder_model} on the decoder start token, every later step runs {@code decoder_with_past_model} on
 * one new token per row, with the self-attention cache gathered by each row's parent and the cross-attention cache
 * computed once per input.
 */
public final class OnnxSeq2SeqModel implements LogitsSource, AutoCloseable {
    private final OrtEnvironment env;
    private final OrtSession encoder;
    private final OrtSession decoder;
    private final OrtSession decoderWithPast;
    private final int layers;
    private final Set<String> withPastInputs;
    private final Set<String> decoderInputs;

    public OnnxSeq2SeqModel(Path dir, boolean cuda, int threads) throws OrtException {
        this.env = OrtEnvironment.getEnvironment();
        for (String f : List.of("encoder_model.onnx", "decoder_model.onnx", "decoder_with_past_model.onnx")) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                throw new IllegalArgumentException("seq2seq model in " + dir.getFileName() + " has no " + f
                        + " (export with optimum-cli --task text2text-generation-with-past)");
            }
        }
        OrtSession enc = null;
        OrtSession dec = null;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (threads > 0) {
                options.setIntraOpNumThreads(threads);
            }
            options.setInterOpNumThreads(1);
            if (cuda) {
                try {
                    options.addCUDA(0);
                } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
                    throw new IllegalStateException("device [cuda] was requested but the CUDA execution provider is not "
                            + "available (install the onnxruntime_gpu build and a CUDA driver): " + e.getMessage(), e);
                }
            }
            enc = env.createSession(dir.resolve("encoder_model.onnx").toString(), options);
            dec = env.createSession(dir.resolve("decoder_model.onnx").toString(), options);
            this.decoderWithPast = env.createSession(dir.resolve("decoder_with_past_model.onnx").toString(), options);
        } catch (OrtException | RuntimeException e) {
            closeQuietly(enc);
            closeQuietly(dec);
            throw e;
        }
        this.encoder = enc;
        this.decoder = dec;
        this.withPastInputs = decoderWithPast.getInputNames();
        this.decoderInputs = decoder.getInputNames();
        Set<Integer> layerIds = new TreeSet<>();
        for (String name : withPastInputs) {
            if (name.startsWith("past_key_values.") && name.endsWith(".decoder.key")) {
                layerIds.add(Integer.parseInt(name.split("\\.")[1]));
            }
        }
        this.layers = layerIds.size();
        if (layers == 0) {
            close();
            throw new IllegalArgumentException("decoder_with_past_model.onnx has no past_key_values.*.decoder.key inputs");
        }
    }

    private static void closeQuietly(OrtSession s) {
        if (s != null) {
            try {
                s.close();
            } catch (OrtException ignored) {
                // closing after a failed load
            }
        }
    }

    public int layers() {
        return layers;
    }

    /** A tensor kept as a float array with its shape; batch is the first dimension. */
    private record Block(float[] data, long[] shape) {
        int rowSize() {
            int n = 1;
            for (int i = 1; i < shape.length; i++) {
                n *= (int) shape[i];
            }
            return n;
        }

        static Block of(OnnxTensor t) {
            FloatBuffer b = t.getFloatBuffer();
            float[] d = new float[b.remaining()];
            b.get(d);
            return new Block(d, t.getInfo().getShape());
        }

        /** Rows picked by index (a row may repeat). */
        Block gather(int[] rows) {
            int size = rowSize();
            float[] out = new float[rows.length * size];
            for (int i = 0; i < rows.length; i++) {
                System.arraycopy(data, rows[i] * size, out, i * size, size);
            }
            long[] s = shape.clone();
            s[0] = rows.length;
            return new Block(out, s);
        }

        OnnxTensor tensor(OrtEnvironment env) throws OrtException {
            return OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape);
        }
    }

    @Override
    public LogitsSource.Session open(int[] inputIds) {
        int len = inputIds.length;
        long[] ids = new long[len];
        long[] mask = new long[len];
        for (int i = 0; i < len; i++) {
            ids[i] = inputIds[i];
            mask[i] = 1;
        }
        long[] shape = {1, len};
        try (OnnxTensor idT = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
             OnnxTensor maskT = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
             OrtSession.Result r = encoder.run(Map.of("input_ids", idT, "attention_mask", maskT))) {
            Block hidden = Block.of((OnnxTensor) r.get("last_hidden_state").orElseThrow());
            return new Session(hidden, len);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed in the encoder: " + e.getMessage(), e);
        }
    }

    private final class Session implements LogitsSource.Session {
        private final Block hidden;
        private final int inputLength;
        private Block[] selfCache;   // per layer: key, value (2 * layers), rows of the previous step
        private Block[] crossCache;  // per layer: key, value, one row
        private int vocab = -1;

        Session(Block hidden, int inputLength) {
            this.hidden = hidden;
            this.inputLength = inputLength;
        }

        private OnnxTensor mask(int rows) throws OrtException {
            long[] m = new long[rows * inputLength];
            java.util.Arrays.fill(m, 1);
            return OnnxTensor.createTensor(env, LongBuffer.wrap(m), new long[] {rows, inputLength});
        }

        private OnnxTensor ids(int[] tokens) throws OrtException {
            long[] d = new long[tokens.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = tokens[i];
            }
            return OnnxTensor.createTensor(env, LongBuffer.wrap(d), new long[] {tokens.length, 1});
        }

        @Override
        public float[][] step(int[] parents, int[] tokens) {
            int rows = tokens.length;
            Map<String, OnnxTensor> feeds = new HashMap<>();
            List<OnnxTensor> owned = new ArrayList<>();
            try {
                feeds.put("input_ids", ids(tokens));
                feeds.put("encoder_attention_mask", mask(rows));
                int[] zeros = new int[rows];
                boolean first = selfCache == null;
                OrtSession session = first ? decoder : decoderWithPast;
                Set<String> inputs = first ? decoderInputs : withPastInputs;
                if (inputs.contains("encoder_hidden_states")) {
                    feeds.put("encoder_hidden_states", hidden.gather(zeros).tensor(env));
                }
                if (!first) {
                    for (int l = 0; l < layers; l++) {
                        feeds.put("past_key_values." + l + ".decoder.key", selfCache[2 * l].gather(parents).tensor(env));
                        feeds.put("past_key_values." + l + ".decoder.value", selfCache[2 * l + 1].gather(parents).tensor(env));
                        feeds.put("past_key_values." + l + ".encoder.key", crossCache[2 * l].gather(zeros).tensor(env));
                        feeds.put("past_key_values." + l + ".encoder.value", crossCache[2 * l + 1].gather(zeros).tensor(env));
                    }
                }
                owned.addAll(feeds.values());
                try (OrtSession.Result r = session.run(feeds)) {
                    OnnxTensor logits = (OnnxTensor) r.get("logits").orElseThrow();
                    long[] shape = logits.getInfo().getShape(); // [rows, t, vocab]
                    int t = (int) shape[1];
                    vocab = (int) shape[2];
                    FloatBuffer buf = logits.getFloatBuffer();
                    float[][] out = new float[rows][vocab];
                    for (int b = 0; b < rows; b++) {
                        buf.position((b * t + t - 1) * vocab);
                        buf.get(out[b]);
                    }
                    Block[] self = new Block[2 * layers];
                    for (int l = 0; l < layers; l++) {
                        self[2 * l] = Block.of((OnnxTensor) r.get("present." + l + ".decoder.key").orElseThrow());
                        self[2 * l + 1] = Block.of((OnnxTensor) r.get("present." + l + ".decoder.value").orElseThrow());
                    }
                    if (first) {
                        Block[] cross = new Block[2 * layers];
                        for (int l = 0; l < layers; l++) {
                            cross[2 * l] = Block.of((OnnxTensor) r.get("present." + l + ".encoder.key").orElseThrow()).gather(new int[1]);
                            cross[2 * l + 1] = Block.of((OnnxTensor) r.get("present." + l + ".encoder.value").orElseThrow()).gather(new int[1]);
                        }
                        crossCache = cross;
                    }
                    selfCache = self;
                    return out;
                }
            } catch (OrtException e) {
                throw new IllegalStateException("ONNX Runtime failed in the decoder: " + e.getMessage(), e);
            } finally {
                owned.forEach(OnnxTensor::close);
            }
        }

        @Override
        public int vocabSize() {
            return vocab;
        }
    }

    // for ForcedDecoder, which scores whole given outputs with the same sessions
    OrtEnvironment environment() {
        return env;
    }

    OrtSession encoderSession() {
        return encoder;
    }

    OrtSession decoderSession() {
        return decoder;
    }

    @Override
    public void close() {
        for (OrtSession s : new OrtSession[] {encoder, decoder, decoderWithPast}) {
            closeQuietly(s);
        }
    }
}
