package org.polyspan.seq2seq;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.polyspan.labeling.SubwordTokenizer;
import org.polyspan.onnx.HuggingFaceSubwordTokenizer;
import org.polyspan.onnx.SentencePieceSubwordTokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A text-to-text model directory: the optimum ONNX files, {@code tokenizer.json} (or, without one, a SentencePiece
 * model: {@code spiece.model}, {@code sentencepiece.bpe.model} or {@code tokenizer.model}), and {@code config.json} with
 * {@code decoder_start_token_id}, {@code eos_token_id}, {@code pad_token_id} and a {@code polyspan} section:
 * <pre>
 * "polyspan": {"layout": "seq2seq", "labels": ["PER", "ORG", "LOC"],
 *              "tags": {"PER": ["&lt;PER&gt;", "&lt;/PER&gt;"]},      optional, default &lt;X&gt; / &lt;/X&gt;
 *              "num_beams": 4, "length_penalty": 1.0, "max_input_tokens": 512, "input_prefix": "",
 *              "batch_windows": 16, "batch_tokens": 1024, "stride": 128}      optional
 * </pre>
 * The decoder files are either {@code decoder_model.onnx} with {@code decoder_with_past_model.onnx}, or optimum's
 * {@code decoder_model_merged.onnx} (see {@link OnnxSeq2SeqModel}).
 */
public final class Seq2SeqModel implements AutoCloseable {
    /** SentencePiece model files read when there is no {@code tokenizer.json}, in this order. */
    static final List<String> SENTENCEPIECE_FILES = List.of("spiece.model", "sentencepiece.bpe.model", "tokenizer.model");

    private final SubwordTokenizer subwords;
    private final OnnxSeq2SeqModel onnx;
    private final Seq2SeqLabeler labeler;
    private final Seq2SeqLabeler.Options options;

    private Seq2SeqModel(SubwordTokenizer subwords, OnnxSeq2SeqModel onnx, Seq2SeqLabeler.Options options,
                         int batchWindows, int batchTokens, int stride) {
        this.subwords = subwords;
        this.onnx = onnx;
        this.options = options;
        this.labeler = new Seq2SeqLabeler(subwords, onnx, options, batchWindows, batchTokens, stride);
    }

    public static Seq2SeqLabeler.Options options(JsonObject config) throws IOException {
        JsonObject poly = config.getAsJsonObject("polyspan");
        if (!poly.has("labels")) {
            throw new IOException("config.json: polyspan.labels is required for a seq2seq model");
        }
        List<String> labels = new ArrayList<>();
        for (var e : poly.getAsJsonArray("labels")) {
            labels.add(e.getAsString());
        }
        List<String> open = new ArrayList<>(Seq2SeqLabeler.Options.defaultOpenTags(labels));
        List<String> close = new ArrayList<>(Seq2SeqLabeler.Options.defaultCloseTags(labels));
        JsonObject tags = poly.has("tags") ? poly.getAsJsonObject("tags") : new JsonObject();
        for (int l = 0; l < labels.size(); l++) {
            if (tags.has(labels.get(l))) {
                JsonArray pair = tags.getAsJsonArray(labels.get(l));
                open.set(l, pair.get(0).getAsString());
                close.set(l, pair.get(1).getAsString());
            }
        }
        int eos = intOf(config, "eos_token_id", 1);
        int pad = intOf(config, "pad_token_id", 0);
        int start = intOf(config, "decoder_start_token_id", pad);
        return new Seq2SeqLabeler.Options(labels, open, close,
                poly.has("input_prefix") ? poly.get("input_prefix").getAsString() : "",
                intOf(poly, "num_beams", 4), poly.has("length_penalty") ? poly.get("length_penalty").getAsDouble() : 1.0,
                intOf(poly, "max_input_tokens", 512), start, eos);
    }

    private static int intOf(JsonObject o, String key, int fallback) {
        return o.has(key) && !o.get(key).isJsonNull() ? o.get(key).getAsInt() : fallback;
    }

    public static Seq2SeqModel load(Path dir, boolean cuda, int threads) throws Exception {
        JsonObject config = JsonParser.parseString(Files.readString(dir.resolve("config.json"))).getAsJsonObject();
        Seq2SeqLabeler.Options options = options(config);
        SubwordTokenizer tokenizer = tokenizer(dir, config);
        OnnxSeq2SeqModel onnx;
        try {
            onnx = new OnnxSeq2SeqModel(dir, cuda, threads);
        } catch (Exception | Error e) {
            tokenizer.close();
            throw e;
        }
        try {
            JsonObject poly = config.getAsJsonObject("polyspan");
            return new Seq2SeqModel(tokenizer, onnx, options, intOf(poly, "batch_windows", Seq2SeqLabeler.DEFAULT_BATCH_WINDOWS),
                    intOf(poly, "batch_tokens", Seq2SeqLabeler.DEFAULT_BATCH_TOKENS), intOf(poly, "stride", options.maxInputTokens() / 4));
        } catch (RuntimeException | Error e) {
            onnx.close();
            tokenizer.close();
            throw e;
        }
    }

    /** {@code tokenizer.json} when present, else the first SentencePiece model file found. */
    private static SubwordTokenizer tokenizer(Path dir, JsonObject config) throws IOException {
        long pad = intOf(config, "pad_token_id", 0);
        if (Files.isRegularFile(dir.resolve("tokenizer.json"))) {
            return new HuggingFaceSubwordTokenizer(dir.resolve("tokenizer.json"), pad);
        }
        for (String f : SENTENCEPIECE_FILES) {
            if (Files.isRegularFile(dir.resolve(f))) {
                return new SentencePieceSubwordTokenizer(dir.resolve(f), intOf(config, "eos_token_id", 1), pad);
            }
        }
        throw new IOException("seq2seq model in " + dir.getFileName() + " has neither tokenizer.json nor a SentencePiece model ("
                + String.join(", ", SENTENCEPIECE_FILES) + ")");
    }

    /**
     * The model's {@code tokenizer.json} tokenizer.
     *
     * @throws IllegalStateException when the model reads a SentencePiece model instead (see {@link #subwordTokenizer})
     */
    public HuggingFaceSubwordTokenizer tokenizer() {
        if (subwords instanceof HuggingFaceSubwordTokenizer hf) {
            return hf;
        }
        throw new IllegalStateException("this seq2seq model reads a SentencePiece model, not tokenizer.json");
    }

    /** The model's tokenizer, {@code tokenizer.json} or SentencePiece. */
    public SubwordTokenizer subwordTokenizer() {
        return subwords;
    }

    public OnnxSeq2SeqModel onnx() {
        return onnx;
    }

    public Seq2SeqLabeler labeler() {
        return labeler;
    }

    public Seq2SeqLabeler.Options options() {
        return options;
    }

    @Override
    public void close() {
        onnx.close();
        subwords.close();
    }
}
