package org.polyspan.seq2seq;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Teacher-forced scoring with an optimum seq2seq export: the log-probability of every token of a given output, for a
 * batch of outputs at once. Inputs are encoded in one right-padded batch; outputs run through {@code decoder_model.onnx}
 * as whole sequences (no key/value cache: every position's logits come from one call), each output row attending to
 * the encoder row it names, so one encoded input can be shared by many outputs.
 */
public final class ForcedDecoder {
    /** Logits floats per decoder call ({@code rows x length x vocab}); bounds memory for large vocabularies. */
    private static final long LOGITS_BUDGET = 1L << 24;

    private final OnnxSeq2SeqModel model;
    private final OrtEnvironment env;
    private final long padId;
    private final long logitsBudget;

    public ForcedDecoder(OnnxSeq2SeqModel model, int padId) {
        this(model, padId, LOGITS_BUDGET);
    }

    /** With a smaller budget, more and smaller decoder calls (tests check that the split changes nothing). */
    ForcedDecoder(OnnxSeq2SeqModel model, int padId, long logitsBudget) {
        this.model = model;
        this.env = model.environment();
        this.padId = padId;
        this.logitsBudget = logitsBudget;
    }

    /** Encoder output of a batch: hidden states {@code [rows, length, dim]} and the attention mask of the padding. */
    public record Encoded(float[] hidden, int rows, int length, int dim, long[] mask) {}

    /** Encodes token sequences (special tokens included, no padding) in one call. */
    public Encoded encode(int[][] inputs) {
        int rows = inputs.length;
        int length = 1;
        for (int[] in : inputs) {
            length = Math.max(length, in.length);
        }
        long[] ids = new long[rows * length];
        long[] mask = new long[rows * length];
        java.util.Arrays.fill(ids, padId);
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < inputs[r].length; t++) {
                ids[r * length + t] = inputs[r][t];
                mask[r * length + t] = 1;
            }
        }
        long[] shape = {rows, length};
        try (OnnxTensor idT = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
             OnnxTensor maskT = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
             OrtSession.Result r = model.encoderSession().run(Map.of("input_ids", idT, "attention_mask", maskT))) {
            OnnxTensor h = (OnnxTensor) r.get("last_hidden_state").orElseThrow();
            FloatBuffer b = h.getFloatBuffer();
            float[] hidden = new float[b.remaining()];
            b.get(hidden);
            long[] hs = h.getInfo().getShape();
            return new Encoded(hidden, rows, length, (int) hs[2], mask);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed in the encoder: " + e.getMessage(), e);
        }
    }

    /**
     * Per output row, {@code log P(labels[r][t] | decoderInputs[r][0..t], input)} for every position {@code t}: natural
     * logarithm, log-softmax over the full vocabulary in double precision.
     *
     * @param encoded       the encoded inputs
     * @param encoderRows   per output row, the row of {@code encoded} it is conditioned on
     * @param decoderInputs per output row, the decoder input (decoder start token first), unpadded
     * @param labels        per output row, the token expected at each decoder position (same length as its input)
     */
    public double[][] logProbs(Encoded encoded, int[] encoderRows, int[][] decoderInputs, int[][] labels) {
        int n = decoderInputs.length;
        double[][] out = new double[n][];
        int vocab = vocabHint();
        int from = 0;
        while (from < n) {
            int maxLen = 0;
            int to = from;
            // rows in this call: as many as fit the logits budget (at least one)
            while (to < n) {
                int len = Math.max(maxLen, decoderInputs[to].length);
                if (to > from && (long) (to - from + 1) * len * vocab > logitsBudget) {
                    break;
                }
                maxLen = len;
                to++;
            }
            run(encoded, encoderRows, decoderInputs, labels, from, to, maxLen, out);
            from = to;
        }
        return out;
    }

    private int vocabHint() {
        try {
            var info = model.decoderSession().getOutputInfo().get("logits").getInfo();
            long v = info instanceof TensorInfo t ? t.getShape()[t.getShape().length - 1] : -1;
            return v > 0 ? (int) v : 256_000;
        } catch (OrtException e) {
            return 256_000;
        }
    }

    private void run(Encoded enc, int[] encoderRows, int[][] decoderInputs, int[][] labels, int from, int to, int len,
                     double[][] out) {
        int rows = to - from;
        long[] ids = new long[rows * len];
        java.util.Arrays.fill(ids, padId);
        float[] hidden = new float[rows * enc.length() * enc.dim()];
        long[] mask = new long[rows * enc.length()];
        for (int r = 0; r < rows; r++) {
            int[] in = decoderInputs[from + r];
            if (labels[from + r].length != in.length) {
                throw new IllegalArgumentException("labels and decoder input differ in length for row " + (from + r));
            }
            for (int t = 0; t < in.length; t++) {
                ids[r * len + t] = in[t];
            }
            int e = encoderRows[from + r];
            System.arraycopy(enc.hidden(), e * enc.length() * enc.dim(), hidden, r * enc.length() * enc.dim(), enc.length() * enc.dim());
            System.arraycopy(enc.mask(), e * enc.length(), mask, r * enc.length(), enc.length());
        }
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try {
            feeds.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[] {rows, len}));
            feeds.put("encoder_hidden_states", OnnxTensor.createTensor(env, FloatBuffer.wrap(hidden),
                    new long[] {rows, enc.length(), enc.dim()}));
            feeds.put("encoder_attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), new long[] {rows, enc.length()}));
            try (OrtSession.Result r = model.decoderSession().run(feeds, Set.of("logits"))) {
                OnnxTensor logits = (OnnxTensor) r.get("logits").orElseThrow();
                long[] shape = logits.getInfo().getShape(); // [rows, len, vocab]
                int vocab = (int) shape[2];
                FloatBuffer buf = logits.getFloatBuffer();
                float[] row = new float[vocab];
                for (int b = 0; b < rows; b++) {
                    int[] lab = labels[from + b];
                    double[] lp = new double[lab.length];
                    for (int t = 0; t < lab.length; t++) {
                        buf.position((b * len + t) * vocab);
                        buf.get(row);
                        lp[t] = logSoftmaxAt(row, lab[t]);
                    }
                    out[from + b] = lp;
                }
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed in the decoder: " + e.getMessage(), e);
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    static double logSoftmaxAt(float[] logits, int index) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : logits) {
            sum += Math.exp(v - max);
        }
        return logits[index] - max - Math.log(sum);
    }
}
