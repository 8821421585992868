package org.polyspan.projection;

import org.polyspan.projection.ProjectionRequest.PairException;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How a {@code _project} request projects, whatever its pairs: method, model, scorer, candidates, languages and
 * translate-first. {@code _project} reads them beside {@code pairs}; {@code _project/index} reads the same fields
 * from its body, so an option added here works for both. Problems throw {@link PairException} naming the field.
 *
 * @param topK       alternatives reported per span; 0 unless {@code explain}
 * @param translator what translates pairs without a target: null (none), {@link #APERTIUM} or a translation model id
 */
public record ProjectionOptions(String sourceLanguage, String targetLanguage, Projector.Method method, String model,
                                boolean explain, int topK, Scorer scorer, String nmtModel, String translator,
                                Candidates candidates, String generatorModel) {
    public static final String DEFAULT_MODEL = "mbert-ner";
    /** {@code "translate": true} names Apertium; any other string names a translation model of the models directory. */
    public static final String APERTIUM = "apertium";
    /** The body fields read here. */
    public static final Set<String> FIELDS = Set.of("source_language", "target_language", "method", "model", "explain", "top_k",
            "scorer", "nmt_model", "translate", "candidates", "generator_model");

    /** How {@code tproj} scores its candidates: encoder soft alignment, or translation probability with an NMT model. */
    public enum Scorer { ENCODER, NMT }

    /** Where {@code tproj} candidates come from: every target n-gram, a text-to-text generator, or both. */
    public enum Candidates {
        NGRAMS("ngrams"), SEQ2SEQ("seq2seq"), SEQ2SEQ_NGRAMS("seq2seq+ngrams");

        private final String value;

        Candidates(String value) {
            this.value = value;
        }

        public String value() {
            return value;
        }

        public boolean generated() {
            return this != NGRAMS;
        }

        public static Candidates of(String value) {
            for (Candidates c : values()) {
                if (c.value.equals(value.toLowerCase(Locale.ROOT))) {
                    return c;
                }
            }
            throw new PairException(-1, "candidates", "must be [ngrams], [seq2seq] or [seq2seq+ngrams], got [" + value + "]");
        }
    }

    /** Reads and checks the option fields of {@code body}; other fields are left to the caller. */
    public static ProjectionOptions parse(Map<String, Object> body) {
        String methodName = string(body, "method", "tproj");
        Projector.Method method = switch (methodName.toLowerCase(Locale.ROOT)) {
            case "tproj" -> Projector.Method.TPROJ;
            case "align" -> Projector.Method.ALIGN;
            default -> throw new PairException(-1, "method", "must be [tproj] or [align], got [" + methodName + "]");
        };
        String scorerName = string(body, "scorer", "encoder");
        Scorer scorer = switch (scorerName.toLowerCase(Locale.ROOT)) {
            case "encoder" -> Scorer.ENCODER;
            case "nmt" -> Scorer.NMT;
            default -> throw new PairException(-1, "scorer", "must be [encoder] or [nmt], got [" + scorerName + "]");
        };
        String nmtModel = string(body, "nmt_model", null);
        if (scorer == Scorer.NMT) {
            if (method != Projector.Method.TPROJ) {
                throw new PairException(-1, "scorer", "[nmt] scores the candidates of method [tproj], not [" + methodName + "]");
            }
            if (nmtModel == null) {
                throw new PairException(-1, "nmt_model", "is required with scorer [nmt]: the id of a translation model "
                        + "(polyspan.layout = translation) in the models directory");
            }
            for (String lang : List.of("source_language", "target_language")) {
                if (string(body, lang, null) == null) {
                    throw new PairException(-1, lang, "is required with scorer [nmt]");
                }
            }
        } else if (nmtModel != null) {
            throw new PairException(-1, "nmt_model", "applies only with scorer [nmt]");
        }
        Object explainValue = body.getOrDefault("explain", false);
        if (!(explainValue instanceof Boolean explain)) {
            throw new PairException(-1, "explain", "must be a boolean");
        }
        int topK = 3;
        if (body.containsKey("top_k")) {
            if (!(body.get("top_k") instanceof Number n) || n.intValue() < 1 || n.intValue() > 20 || n.doubleValue() != n.intValue()) {
                throw new PairException(-1, "top_k", "must be an integer from 1 to 20");
            }
            topK = n.intValue();
        }
        Candidates candidates = Candidates.of(string(body, "candidates", "ngrams"));
        String generatorModel = string(body, "generator_model", null);
        checkCandidates(candidates, generatorModel, method, scorer);
        String translator = translator(body);
        String sourceLanguage = string(body, "source_language", null);
        String targetLanguage = string(body, "target_language", null);
        return new ProjectionOptions(sourceLanguage, targetLanguage, method, string(body, "model", DEFAULT_MODEL), explain,
                explain ? topK : 0, scorer, nmtModel, translator, candidates, generatorModel);
    }

    /** Whether pairs without a target are translated first. */
    public boolean translate() {
        return translator != null;
    }

    /** The translator {@code translate} names: null (no translation), {@link #APERTIUM} for true, or a model id. */
    public static String translator(Object value) {
        if (value == null || Boolean.FALSE.equals(value)) {
            return null;
        }
        if (Boolean.TRUE.equals(value)) {
            return APERTIUM;
        }
        if (!(value instanceof String s) || s.isBlank()) {
            throw new PairException(-1, "translate", "must be true (Apertium), false, or the id of a translation model");
        }
        return s;
    }

    /**
     * Translate-first: what translates pairs without a target before projecting, which needs both languages.
     */
    private static String translator(Map<String, Object> body) {
        String translator = translator(body.get("translate"));
        boolean translate = translator != null;
        String sourceLanguage = string(body, "source_language", null);
        String targetLanguage = string(body, "target_language", null);
        if (translate && sourceLanguage == null) {
            throw new PairException(-1, "source_language", "is required with [translate]");
        }
        if (translate && targetLanguage == null) {
            throw new PairException(-1, "target_language", "is required with [translate]");
        }
        return translator;
    }

    private static void checkCandidates(Candidates candidates, String generatorModel, Projector.Method method, Scorer scorer) {
        if (candidates.generated() && method != Projector.Method.TPROJ) {
            throw new PairException(-1, "candidates", "[" + candidates.value() + "] candidates need method [tproj]");
        }
        if (candidates.generated() && (generatorModel == null || generatorModel.isBlank())) {
            throw new PairException(-1, "generator_model", "is required with candidates [" + candidates.value()
                    + "]: the id of a text-to-text (seq2seq) model");
        }
        if (candidates.generated() && scorer == Scorer.NMT) {
            throw new PairException(-1, "candidates", "[" + candidates.value() + "] candidates are ranked by the encoder scorer; "
                    + "scorer [nmt] ranks n-grams only");
        }
        if (!candidates.generated() && generatorModel != null) {
            throw new PairException(-1, "generator_model", "is only used with candidates [seq2seq] or [seq2seq+ngrams]");
        }
    }

    private static String string(Map<String, Object> body, String key, String fallback) {
        Object v = body.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof String s)) {
            throw new PairException(-1, key, "must be a string");
        }
        return s;
    }
}
