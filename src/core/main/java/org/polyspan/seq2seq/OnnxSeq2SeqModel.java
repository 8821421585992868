package org.polyspan.seq2seq;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import org.polyspan.onnx.OnnxSessions;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An optimum seq2seq ONNX export run with ONNX Runtime, as a {@link LogitsSource} with key/value caching. Two decoder
 * layouts are read:
 * <ul>
 *   <li>split: {@code decoder_model.onnx} runs the first step on the decoder start token, {@code
 *       decoder_with_past_model.onnx} every later step on one new token per row;</li>
 *   <li>merged: {@code decoder_model_merged.onnx} does both, switched by its {@code use_cache_branch} input; its past
 *       inputs must be fed on the first step too, so they get zero tensors there, and its encoder {@code present}
 *       outputs are empty placeholders after the first step, so the cross-attention cache is kept from the first.</li>
 * </ul>
 * The split files win when both layouts are present (no branch to dispatch). The self-attention cache is gathered by
 * each row's parent, the cross-attention cache is computed once per input.
 *
 * <p>{@link #openBatch} encodes several inputs in one padded encoder call and puts the rows of all of them into each
 * decoder call; padded positions are masked, so every input decodes as it would alone.
 */
public final class OnnxSeq2SeqModel implements LogitsSource, AutoCloseable {
    static final String ENCODER = "encoder_model.onnx";
    static final String DECODER = "decoder_model.onnx";
    static final String DECODER_WITH_PAST = "decoder_with_past_model.onnx";
    static final String DECODER_MERGED = "decoder_model_merged.onnx";
    private static final String USE_CACHE_BRANCH = "use_cache_branch";

    private final OrtEnvironment env;
    private final OrtSession encoder;
    /** {@code decoder_model.onnx}, or the merged decoder. */
    private final OrtSession decoder;
    /** Null with the merged decoder. */
    private final OrtSession decoderWithPast;
    private final int layers;
    private final Set<String> withPastInputs;
    private final Set<String> decoderInputs;
    /** Merged decoder only: the shape of every past input, -1 where dynamic, for the first step's zero tensors. */
    private final Map<String, long[]> pastShapes = new HashMap<>();

    public OnnxSeq2SeqModel(Path dir, boolean cuda, int threads) throws OrtException {
        this.env = OnnxSessions.environment();
        boolean split = Files.isRegularFile(dir.resolve(DECODER)) && Files.isRegularFile(dir.resolve(DECODER_WITH_PAST));
        if (!Files.isRegularFile(dir.resolve(ENCODER)) || (!split && !Files.isRegularFile(dir.resolve(DECODER_MERGED)))) {
            throw new IllegalArgumentException("seq2seq model in " + dir.getFileName() + " needs " + ENCODER + " and either "
                    + DECODER + " with " + DECODER_WITH_PAST + ", or " + DECODER_MERGED
                    + " (export with optimum-cli --task text2text-generation-with-past)");
        }
        OrtSession enc = null;
        OrtSession dec = null;
        OrtSession withPast = null;
        // everything after the first session is opened runs under one cleanup: a failure leaves no session open
        try (OrtSession.SessionOptions options = OnnxSessions.options(cuda, threads)) {
            enc = OnnxSessions.open(dir.resolve(ENCODER), options);
            dec = OnnxSessions.open(dir.resolve(split ? DECODER : DECODER_MERGED), options);
            if (split) {
                withPast = OnnxSessions.open(dir.resolve(DECODER_WITH_PAST), options);
            }
            this.decoderInputs = dec.getInputNames();
            this.withPastInputs = split ? withPast.getInputNames() : decoderInputs;
            Set<Integer> layerIds = new TreeSet<>();
            for (String name : withPastInputs) {
                if (name.startsWith("past_key_values.") && name.endsWith(".decoder.key")) {
                    layerIds.add(Integer.parseInt(name.split("\\.")[1]));
                }
            }
            this.layers = layerIds.size();
            String file = split ? DECODER_WITH_PAST : DECODER_MERGED;
            if (layers == 0) {
                throw new IllegalArgumentException(file + " has no past_key_values.*.decoder.key inputs");
            }
            if (!split) {
                if (!decoderInputs.contains(USE_CACHE_BRANCH)) {
                    throw new IllegalArgumentException(DECODER_MERGED + " has no " + USE_CACHE_BRANCH + " input");
                }
                for (Map.Entry<String, NodeInfo> e : dec.getInputInfo().entrySet()) {
                    if (e.getKey().startsWith("past_key_values.") && e.getValue().getInfo() instanceof TensorInfo info) {
                        pastShapes.put(e.getKey(), info.getShape());
                    }
                }
            }
        } catch (OrtException | RuntimeException | Error e) {
            closeQuietly(enc);
            closeQuietly(dec);
            closeQuietly(withPast);
            throw e;
        }
        this.encoder = enc;
        this.decoder = dec;
        this.decoderWithPast = withPast;
    }

    private static void closeQuietly(OrtSession s) {
        if (s != null) {
            try {
                OnnxSessions.close(s);
            } catch (OrtException ignored) {
                // closing after a failed load
            }
        }
    }

    public int layers() {
        return layers;
    }

    /** True when the model runs {@code decoder_model_merged.onnx}. */
    public boolean merged() {
        return decoderWithPast == null;
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
        Decoding decoding = new Decoding(new int[][] {inputIds});
        return new LogitsSource.Session() {
            @Override
            public float[][] step(int[] parents, int[] tokens) {
                return decoding.step(new int[tokens.length], parents, tokens);
            }

            @Override
            public int vocabSize() {
                return decoding.vocab;
            }
        };
    }

    @Override
    public LogitsSource.BatchSession openBatch(int[][] inputIds) {
        return new Decoding(inputIds);
    }

    /** Decoding of a batch of inputs: their padded encoder states and the caches of the rows of the last call. */
    private final class Decoding implements LogitsSource.BatchSession {
        private final int inputLength;    // padded length
        private final Block hidden;       // [inputs, inputLength, d_model]
        private final long[] mask;        // [inputs * inputLength]
        private Block[] selfCache;        // per layer: key, value; rows of the previous call
        private Block[] crossCache;       // per layer: key, value; one row per input
        private int vocab = -1;

        Decoding(int[][] inputs) {
            if (inputs.length == 0) {
                throw new IllegalArgumentException("no inputs to decode");
            }
            int len = 0;
            for (int[] in : inputs) {
                len = Math.max(len, in.length);
            }
            this.inputLength = len;
            long[] ids = new long[inputs.length * len];
            this.mask = new long[inputs.length * len];
            for (int b = 0; b < inputs.length; b++) {
                for (int i = 0; i < inputs[b].length; i++) {
                    ids[b * len + i] = inputs[b][i];
                    mask[b * len + i] = 1;
                }
            }
            long[] shape = {inputs.length, len};
            try (OnnxTensor idT = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
                 OnnxTensor maskT = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
                 OrtSession.Result r = encoder.run(Map.of("input_ids", idT, "attention_mask", maskT))) {
                this.hidden = Block.of((OnnxTensor) r.get("last_hidden_state").orElseThrow());
            } catch (OrtException e) {
                throw new IllegalStateException("ONNX Runtime failed in the encoder: " + e.getMessage(), e);
            }
        }

        private OnnxTensor mask(int[] inputs) throws OrtException {
            long[] m = new long[inputs.length * inputLength];
            for (int r = 0; r < inputs.length; r++) {
                System.arraycopy(mask, inputs[r] * inputLength, m, r * inputLength, inputLength);
            }
            return OnnxTensor.createTensor(env, LongBuffer.wrap(m), new long[] {inputs.length, inputLength});
        }

        private OnnxTensor ids(int[] tokens) throws OrtException {
            long[] d = new long[tokens.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = tokens[i];
            }
            return OnnxTensor.createTensor(env, LongBuffer.wrap(d), new long[] {tokens.length, 1});
        }

        /** Zeros of a past input's shape with {@code rows} rows and length 1 wherever the shape is dynamic. */
        private OnnxTensor placeholder(String name, int rows) throws OrtException {
            long[] shape = pastShapes.get(name).clone();
            shape[0] = rows;
            long size = 1;
            for (int i = 1; i < shape.length; i++) {
                if (shape[i] < 0) {
                    shape[i] = 1;
                }
                size *= shape[i];
            }
            return OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[(int) (rows * size)]), shape);
        }

        @Override
        public float[][] step(int[] inputs, int[] parents, int[] tokens) {
            int rows = tokens.length;
            Map<String, OnnxTensor> feeds = new HashMap<>();
            try {
                feeds.put("input_ids", ids(tokens));
                feeds.put("encoder_attention_mask", mask(inputs));
                boolean first = selfCache == null;
                OrtSession session = first || merged() ? decoder : decoderWithPast;
                Set<String> names = first || merged() ? decoderInputs : withPastInputs;
                if (names.contains("encoder_hidden_states")) {
                    feeds.put("encoder_hidden_states", hidden.gather(inputs).tensor(env));
                }
                if (merged()) {
                    feeds.put(USE_CACHE_BRANCH, OnnxTensor.createTensor(env, new boolean[] {!first}));
                }
                if (!first) {
                    for (int l = 0; l < layers; l++) {
                        feeds.put("past_key_values." + l + ".decoder.key", selfCache[2 * l].gather(parents).tensor(env));
                        feeds.put("past_key_values." + l + ".decoder.value", selfCache[2 * l + 1].gather(parents).tensor(env));
                        feeds.put("past_key_values." + l + ".encoder.key", crossCache[2 * l].gather(inputs).tensor(env));
                        feeds.put("past_key_values." + l + ".encoder.value", crossCache[2 * l + 1].gather(inputs).tensor(env));
                    }
                } else if (merged()) {
                    for (String name : pastShapes.keySet()) {
                        feeds.put(name, placeholder(name, rows));
                    }
                }
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
                        int[] rowOfInput = firstRows(inputs);
                        Block[] cross = new Block[2 * layers];
                        for (int l = 0; l < layers; l++) {
                            cross[2 * l] = Block.of((OnnxTensor) r.get("present." + l + ".encoder.key").orElseThrow()).gather(rowOfInput);
                            cross[2 * l + 1] = Block.of((OnnxTensor) r.get("present." + l + ".encoder.value").orElseThrow()).gather(rowOfInput);
                        }
                        crossCache = cross;
                    }
                    selfCache = self;
                    return out;
                }
            } catch (OrtException e) {
                throw new IllegalStateException("ONNX Runtime failed in the decoder: " + e.getMessage(), e);
            } finally {
                feeds.values().forEach(OnnxTensor::close);
            }
        }

        /** For each input, a row of the first call that belongs to it: every input starts in the first call. */
        private int[] firstRows(int[] inputs) {
            int n = (int) hidden.shape()[0];
            int[] row = new int[n];
            Arrays.fill(row, -1);
            for (int r = inputs.length - 1; r >= 0; r--) {
                row[inputs[r]] = r;
            }
            for (int i = 0; i < n; i++) {
                if (row[i] < 0) {
                    throw new IllegalArgumentException("input " + i + " has no row in the first decoder call");
                }
            }
            return row;
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
