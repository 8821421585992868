package org.polyspan.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.polyspan.labeling.Document;
import org.polyspan.labeling.SpanLabeler;
import org.polyspan.onnx.HuggingFaceSubwordTokenizer;
import org.polyspan.onnx.OnnxWindowEncoder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An encoder cut after the last layer a reader of the features needs: {@code _project}'s word vectors read block 0 of
 * the default encoder's features (mBERT layer 9), so the nodes after layer 9 are work whose result is thrown away.
 * {@code models/recipe/truncate.py} writes the cut graph beside the full one and names it in {@code config.json}:
 * <pre>"polyspan": {..., "truncated_encoder": {"file": "encoder_truncated.onnx", "output": "features", "blocks": [0]}}</pre>
 * {@code blocks} are the blocks of the full features that the cut graph emits, in order.
 *
 * <p>Every load checks the file against the full encoder before it is used ({@link #check}): both run the self-check's
 * reference sentences in one batch, and every emitted block must have a cosine of at least {@link #MIN_COSINE} with
 * the full encoder's block at every sub-token position. A file that fails fails the model's load, naming the file, so a
 * node never projects with an encoder that computes something else. A directory whose config names no truncated encoder,
 * or names a file that is not there, projects with the full encoder (the second with a warning: {@link LabelingModel}).
 */
public final class TruncatedEncoder implements AutoCloseable {
    /** The key of the entry in {@code config.json}'s {@code polyspan} section. */
    public static final String CONFIG_KEY = "truncated_encoder";
    /**
     * The cut graph is a subgraph of the full one, so it computes the same numbers (measured: a cosine of 1.0 within
     * float rounding on the default model, fp32 and int8); anything below this is another graph or other weights.
     */
    public static final double MIN_COSINE = 0.9999;

    private final String file;
    private final String layers;
    private final OnnxWindowEncoder encoder;
    private final int[] blocks;
    private final SpanLabeler labeler;
    private final Map<String, Object> check;

    private TruncatedEncoder(String file, String layers, OnnxWindowEncoder encoder, int[] blocks, SpanLabeler labeler,
                             Map<String, Object> check) {
        this.file = file;
        this.layers = layers;
        this.encoder = encoder;
        this.blocks = blocks;
        this.labeler = labeler;
        this.check = check;
    }

    /** What {@code config.json} says about a truncated encoder, before anything loads. */
    record Entry(String file, String output, int[] blocks, String layers) {
        /** The entry of a {@code polyspan} config section, or null when it names none. */
        static Entry of(String id, JsonObject poly) throws IOException {
            if (poly == null || !poly.has(CONFIG_KEY)) {
                return null;
            }
            try {
                JsonObject o = poly.getAsJsonObject(CONFIG_KEY);
                String file = o.get("file").getAsString();
                String output = o.has("output") ? o.get("output").getAsString() : "features";
                int[] blocks = new int[o.getAsJsonArray("blocks").size()];
                int i = 0;
                for (JsonElement e : o.getAsJsonArray("blocks")) {
                    blocks[i++] = e.getAsInt();
                }
                if (blocks.length == 0 || file.isBlank()) {
                    throw new IllegalArgumentException("it needs a file and at least one block");
                }
                return new Entry(file, output, blocks, o.has("layers") ? o.get("layers").getAsString() : null);
            } catch (RuntimeException e) {
                throw new IOException("model [" + id + "]: config.json's polyspan." + CONFIG_KEY + " must be {\"file\": ..., "
                        + "\"output\": ..., \"blocks\": [...]}: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Loads and checks the truncated encoder that {@code entry} names; null when the file is not there (the model then
     * projects with the full encoder).
     *
     * @throws IOException when the file does not compute the blocks it claims (the model must not load)
     */
    static TruncatedEncoder load(String id, Path dir, Entry entry, int hiddenSize, OnnxWindowEncoder full,
                                 HuggingFaceSubwordTokenizer tokenizer, int maxLength, int stride, int maxBatchTokens,
                                 long padId, OnnxWindowEncoder.Device device, int threads) throws Exception {
        Path path = dir.resolve(entry.file());
        if (!Files.isRegularFile(path)) {
            return null;
        }
        int fullBlocks = hiddenSize > 0 && full.outputDim() % hiddenSize == 0 ? full.outputDim() / hiddenSize : 0;
        for (int b : entry.blocks()) {
            if (b < 0 || b >= fullBlocks) {
                throw new IOException("model [" + id + "]: " + entry.file() + " claims block " + b + " of the features, which have "
                        + fullBlocks + " blocks of hidden_size " + hiddenSize);
            }
        }
        OnnxWindowEncoder encoder = new OnnxWindowEncoder(path, entry.output(), padId, device, threads);
        try {
            if (encoder.outputDim() != entry.blocks().length * hiddenSize) {
                throw new IOException("model [" + id + "]: " + entry.file() + " emits " + encoder.outputDim() + " values per position, "
                        + "not the " + entry.blocks().length + " block(s) of " + hiddenSize + " its config entry names");
            }
            Map<String, Object> check = check(id, entry, encoder, full, tokenizer, maxLength, hiddenSize);
            SpanLabeler labeler = new SpanLabeler(tokenizer, encoder, maxLength, stride, maxBatchTokens);
            return new TruncatedEncoder(entry.file(), entry.layers(), encoder, entry.blocks().clone(), labeler, check);
        } catch (Exception | Error e) {
            encoder.close();
            throw e;
        }
    }

    /**
     * Runs the self-check's reference sentences through both encoders in one batch and compares, at every sub-token
     * position, each block the truncated encoder emits with the full encoder's block.
     *
     * @return the figures (positions, min cosine, max absolute difference)
     * @throws IOException when a cosine is below {@link #MIN_COSINE}
     */
    static Map<String, Object> check(String id, Entry entry, OnnxWindowEncoder truncated, OnnxWindowEncoder full,
                                     HuggingFaceSubwordTokenizer tokenizer, int maxLength, int hiddenSize) throws IOException {
        long t0 = System.nanoTime();
        List<String> sentences = ModelSelfCheck.SENTENCES;
        long[][] ids = new long[sentences.size()][];
        for (int i = 0; i < ids.length; i++) {
            long[] s = tokenizer.encodeText(sentences.get(i));
            ids[i] = s.length > maxLength ? Arrays.copyOf(s, maxLength) : s;
        }
        float[][][] want = full.encode(ids);
        float[][][] got = truncated.encode(ids);
        double minCosine = Double.POSITIVE_INFINITY;
        double maxDiff = 0;
        long positions = 0;
        for (int s = 0; s < ids.length; s++) {
            for (int p = 0; p < ids[s].length; p++) {
                for (int k = 0; k < entry.blocks().length; k++) {
                    int from = entry.blocks()[k] * hiddenSize;
                    double ab = 0;
                    double aa = 0;
                    double bb = 0;
                    for (int d = 0; d < hiddenSize; d++) {
                        double a = want[s][p][from + d];
                        double b = got[s][p][k * hiddenSize + d];
                        ab += a * b;
                        aa += a * a;
                        bb += b * b;
                        maxDiff = Math.max(maxDiff, Math.abs(a - b));
                    }
                    double c = aa == 0 && bb == 0 ? 1 : ab / Math.sqrt(aa * bb);
                    minCosine = Double.isNaN(c) ? Double.NEGATIVE_INFINITY : Math.min(minCosine, c);
                }
                positions++;
            }
        }
        if (!(minCosine >= MIN_COSINE)) {
            throw new IOException(String.format(Locale.ROOT, "model [%s]: %s does not compute block(s) %s of the full encoder's "
                    + "features: min cosine %.4f over %d positions (at least %.4f is needed), max absolute difference %.4g; "
                    + "write it again from the encoder with models/recipe/truncate.py, or remove it to project with the "
                    + "full encoder", id, entry.file(), Arrays.toString(entry.blocks()), minCosine, positions, MIN_COSINE, maxDiff));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("positions", positions);
        m.put("min_cosine", Math.round(minCosine * 1e6) / 1e6);
        m.put("max_abs_diff", Double.parseDouble(String.format(Locale.ROOT, "%.3g", maxDiff)));
        m.put("took_ms", (System.nanoTime() - t0) / 1_000_000);
        return m;
    }

    /** The blocks of the full encoder's features this encoder emits, in order. */
    public int[] blocks() {
        return blocks.clone();
    }

    /** Whether it emits every block of {@code wanted}. */
    public boolean provides(int[] wanted) {
        for (int w : wanted) {
            if (indexOf(w) < 0) {
                return false;
            }
        }
        return true;
    }

    /** The position of full-features block {@code block} among the emitted blocks, or -1. */
    public int indexOf(int block) {
        for (int i = 0; i < blocks.length; i++) {
            if (blocks[i] == block) {
                return i;
            }
        }
        return -1;
    }

    public OnnxWindowEncoder encoder() {
        return encoder;
    }

    /** Tokenises, windows and encodes as the full encoder's labeler does, with the truncated graph. */
    void encode(List<Document> documents, SpanLabeler.WindowSink sink) {
        labeler.encode(documents, sink);
    }

    /** What the models API shows: the file, the blocks and layers it computes, and its load-time check. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", file);
        m.put("blocks", Arrays.stream(blocks).boxed().toList());
        if (layers != null) {
            m.put("layers", layers);
        }
        m.put("check", check);
        return m;
    }

    @Override
    public void close() {
        encoder.close();
    }
}
