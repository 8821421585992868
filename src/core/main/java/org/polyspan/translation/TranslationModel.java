package org.polyspan.translation;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.polyspan.onnx.ModelLayout;
import org.polyspan.seq2seq.ForcedDecoder;
import org.polyspan.seq2seq.OnnxSeq2SeqModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A multilingual translation model of the M2M100 / NLLB family in the optimum seq2seq layout
 * ({@code encoder_model.onnx}, {@code decoder_model.onnx}, {@code decoder_with_past_model.onnx}, {@code tokenizer.json},
 * {@code config.json} with {@code polyspan.layout = translation}), used to score given translations ({@link NmtScorer}) and
 * to translate ({@link NmtTranslator}).
 *
 * <p>As in M2M100 and NLLB, an input is {@code <src_lang> tokens </s>}, decoding starts from
 * {@code decoder_start_token_id} and the first output token is the target language code, so a translation y is scored
 * with decoder input {@code <start> <tgt_lang> y} against labels {@code <tgt_lang> y </s>}.</p>
 *
 * <pre>"polyspan": {"layout": "translation", "description": "...",
 *              "language_codes": ["eng_Latn", "spa_Latn"],   optional: default, every added token that looks like one
 *              "languages": {"zh": "zho_Hans"},             optional aliases
 *              "num_beams": 4, "length_penalty": 1.0,        optional, for translating ({@link NmtTranslator})
 *              "max_length_ratio": 2.0, "max_length_extra": 10}</pre>
 * plus the exported config's own {@code max_length} (default 200) and {@code max_position_embeddings} (default 1024).
 */
public final class TranslationModel implements AutoCloseable {
    private final String id;
    private final String description;
    private final HuggingFaceTokenizer tokenizer;
    private final OnnxSeq2SeqModel onnx;
    private final ForcedDecoder decoder;
    private final LanguageCodes languages;
    private final Map<String, Integer> codeIds;
    private final int eos;
    private final int decoderStart;
    private final Generation generation;

    /**
     * How translations are generated: beam width and length penalty as in {@link org.polyspan.seq2seq.BeamSearch}; an
     * output has at most {@code min(maxLength, 1 + ceil(lengthRatio * n) + lengthExtra)} tokens for a source of
     * {@code n} sub-tokens (the forced language code and EOS included); an input may have at most
     * {@code maxInputTokens} tokens, language code and EOS included.
     */
    public record Generation(int numBeams, double lengthPenalty, int maxLength, double lengthRatio, int lengthExtra,
                             int maxInputTokens) {
        public int maxOutputTokens(int sourceTokens) {
            return (int) Math.min(maxLength, 1 + (long) Math.ceil(lengthRatio * sourceTokens) + lengthExtra);
        }
    }

    private TranslationModel(String id, String description, HuggingFaceTokenizer tokenizer, OnnxSeq2SeqModel onnx,
                             LanguageCodes languages, Map<String, Integer> codeIds, int pad, int eos, int decoderStart,
                             Generation generation) {
        this.id = id;
        this.description = description;
        this.tokenizer = tokenizer;
        this.onnx = onnx;
        this.decoder = new ForcedDecoder(onnx, pad);
        this.languages = languages;
        this.codeIds = codeIds;
        this.eos = eos;
        this.decoderStart = decoderStart;
        this.generation = generation;
    }

    /** Loads the directory, which must declare the translation layout ({@link ModelLayout#TRANSLATION}). */
    public static TranslationModel load(String id, Path dir, boolean cuda, int threads) throws Exception {
        JsonObject config = JsonParser.parseString(Files.readString(dir.resolve("config.json"))).getAsJsonObject();
        if (ModelLayout.of(config) != ModelLayout.TRANSLATION) {
            throw new IllegalArgumentException(notTranslation(id));
        }
        JsonObject poly = config.getAsJsonObject("polyspan");
        Path tokenizerJson = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new IllegalArgumentException("translation model [" + id + "] has no tokenizer.json");
        }
        Map<String, Integer> addedTokens = addedTokens(tokenizerJson);
        List<String> codes = new ArrayList<>();
        if (poly.has("language_codes")) {
            for (JsonElement e : poly.getAsJsonArray("language_codes")) {
                codes.add(e.getAsString());
            }
        } else {
            for (String t : addedTokens.keySet()) {
                if (LanguageCodes.CODE.matcher(t).matches()) {
                    codes.add(t);
                }
            }
        }
        if (codes.isEmpty()) {
            throw new IOException("translation model [" + id + "]: no language codes in config.json polyspan.language_codes "
                    + "nor among the added tokens of tokenizer.json");
        }
        Map<String, String> aliases = new LinkedHashMap<>();
        if (poly.has("languages")) {
            for (Map.Entry<String, JsonElement> e : poly.getAsJsonObject("languages").entrySet()) {
                aliases.put(e.getKey(), e.getValue().getAsString());
            }
        }
        // checked before anything native is opened, so a misconfigured model costs nothing each time it is tried
        LanguageCodes languages = new LanguageCodes(codes, aliases);
        HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson,
                Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false", "modelMaxLength", "1000000000"));
        try {
            Map<String, Integer> codeIds = new LinkedHashMap<>();
            for (String c : codes) {
                Integer tokenId = addedTokens.get(c);
                if (tokenId == null) {
                    long[] ids = tokenizer.encode(c, false, false).getIds();
                    if (ids.length != 1) {
                        throw new IOException("translation model [" + id + "]: language code [" + c + "] is not a single token");
                    }
                    tokenId = (int) ids[0];
                }
                codeIds.put(c, tokenId);
            }
            int pad = intOf(config, "pad_token_id", 1);
            int eos = intOf(config, "eos_token_id", 2);
            int start = intOf(config, "decoder_start_token_id", eos);
            String description = poly.has("description") ? poly.get("description").getAsString() : "";
            Generation generation = new Generation(intOf(poly, "num_beams", 4), doubleOf(poly, "length_penalty", 1.0),
                    intOf(config, "max_length", 200), doubleOf(poly, "max_length_ratio", 2.0), intOf(poly, "max_length_extra", 10),
                    intOf(config, "max_position_embeddings", 1024));
            if (generation.numBeams() < 1 || generation.maxLength() < 2 || generation.lengthRatio() < 0 || generation.lengthExtra() < 0) {
                throw new IOException("translation model [" + id + "]: num_beams must be at least 1, max_length at least 2, "
                        + "max_length_ratio and max_length_extra not negative");
            }
            OnnxSeq2SeqModel onnx = new OnnxSeq2SeqModel(dir, cuda, threads);
            try {
                return new TranslationModel(id, description, tokenizer, onnx, languages, codeIds, pad, eos, start, generation);
            } catch (Exception | Error e) {
                onnx.close();
                throw e;
            }
        } catch (Exception | Error e) {
            tokenizer.close();
            throw e;
        }
    }

    public static String notTranslation(String id) {
        return "model [" + id + "] is not a translation model: its config.json has no polyspan.layout = translation";
    }

    private static Map<String, Integer> addedTokens(Path tokenizerJson) throws IOException {
        JsonObject tok = JsonParser.parseString(Files.readString(tokenizerJson)).getAsJsonObject();
        Map<String, Integer> out = new LinkedHashMap<>();
        if (tok.has("added_tokens")) {
            for (JsonElement e : tok.getAsJsonArray("added_tokens")) {
                JsonObject t = e.getAsJsonObject();
                out.put(t.get("content").getAsString(), t.get("id").getAsInt());
            }
        }
        return out;
    }

    private static int intOf(JsonObject o, String key, int fallback) {
        return o.has(key) && !o.get(key).isJsonNull() ? o.get(key).getAsInt() : fallback;
    }

    private static double doubleOf(JsonObject o, String key, double fallback) {
        return o.has(key) && !o.get(key).isJsonNull() ? o.get(key).getAsDouble() : fallback;
    }

    public String id() {
        return id;
    }

    public String description() {
        return description;
    }

    public LanguageCodes languages() {
        return languages;
    }

    /** Token id of the model's code for a language (see {@link LanguageCodes#resolve}). */
    public int languageToken(String language) {
        return codeIds.get(languages.resolve(language));
    }

    /** Sub-token ids of a text, without special tokens. */
    public int[] tokens(String text) {
        long[] ids = tokenizer.encode(text, false, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        return out;
    }

    public int eos() {
        return eos;
    }

    public int decoderStart() {
        return decoderStart;
    }

    public ForcedDecoder decoder() {
        return decoder;
    }

    /** The ONNX sessions with their key/value cache, for generation. */
    public OnnxSeq2SeqModel onnx() {
        return onnx;
    }

    public Generation generation() {
        return generation;
    }

    /** The text of output tokens, by the tokenizer's decoder, with special tokens (language codes included) removed. */
    public String decode(int[] ids) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            l[i] = ids[i];
        }
        return tokenizer.decode(l, true);
    }

    @Override
    public void close() {
        onnx.close();
        tokenizer.close();
    }
}
