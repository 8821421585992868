package org.polyspan.projection;

import org.polyspan.core.Document;
import org.polyspan.projection.SpanConversions.CharSpan;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A parsed and validated {@code _project} body. Each side of a pair is either {@code text} (with character
 * {@code spans} on the source) or {@code tokens} (with {@code tags} on the source); the answer for a pair follows
 * the form of its target. Problems throw {@link PairException} naming the pair and the field.
 */
public record ProjectionRequest(String sourceLanguage, String targetLanguage, Projector.Method method, String model,
                                boolean explain, int topK, List<Pair> pairs, Scorer scorer, String nmtModel, String translator,
                                Candidates candidates, String generatorModel) {
    public static final int MAX_PAIRS = 1000;
    public static final int MAX_CHARS = 100_000;
    public static final String DEFAULT_MODEL = "mbert-ner";
    /** {@code "translate": true} names Apertium; any other string names a translation model of the models directory. */
    public static final String APERTIUM = "apertium";
    private static final Set<String> TOP = Set.of("source_language", "target_language", "method", "model", "explain", "top_k", "pairs",
            "scorer", "nmt_model", "translate", "candidates", "generator_model");

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
    private static final Set<String> PAIR = Set.of("source", "target");
    private static final Set<String> SIDE = Set.of("text", "spans", "tokens", "tags");

    /** How {@code tproj} scores its candidates: encoder soft alignment, or translation probability with an NMT model. */
    public enum Scorer { ENCODER, NMT }

    /**
     * One pair: source and target documents, source spans in words, whether the target is in tokens, and the
     * translator that produced the target ({@code null} when the request gave it). The target is {@code null} until
     * translated when the request left it out and asked for {@code translate}.
     */
    public record Pair(Document source, List<WordSpan> spans, Document target, boolean targetTokens, String translatedBy) {
        public boolean needsTranslation() {
            return target == null;
        }

        /** This pair with a machine-translated target, split into words like any target text. */
        public Pair withTranslation(String translation, String translator) {
            Document words = Document.of(translation);
            if (!targetTokens) {
                return new Pair(source, spans, words, false, translator);
            }
            List<String> tokens = new ArrayList<>(words.words().size());
            for (var w : words.words()) {
                tokens.add(translation.substring(w.start(), w.end()));
            }
            return new Pair(source, spans, Document.ofTokens(tokens), true, translator);
        }
    }

    /** This request with its pairs replaced, e.g. after translating the missing targets. */
    public ProjectionRequest withPairs(List<Pair> newPairs) {
        return new ProjectionRequest(sourceLanguage, targetLanguage, method, model, explain, topK, newPairs, scorer, nmtModel, translator,
                candidates, generatorModel);
    }

    public boolean needsTranslation() {
        return pairs.stream().anyMatch(Pair::needsTranslation);
    }

    /** Bad input; {@code pair} is -1 for top-level fields. */
    public static final class PairException extends IllegalArgumentException {
        private final int pair;
        private final String field;

        public PairException(int pair, String field, String message) {
            super((pair >= 0 ? "pair [" + pair + "] " : "") + "field [" + field + "]: " + message);
            this.pair = pair;
            this.field = field;
        }

        public int pair() {
            return pair;
        }

        public String field() {
            return field;
        }
    }

    public static ProjectionRequest parse(Map<String, Object> body) {
        if (body == null) {
            throw new PairException(-1, "body", "a JSON object with [pairs] is required");
        }
        for (String key : body.keySet()) {
            if (!TOP.contains(key)) {
                throw new PairException(-1, key, "unknown field; fields: " + TOP);
            }
        }
        String methodName = string(body, "method", "tproj", -1, "method");
        Projector.Method method = switch (methodName.toLowerCase(Locale.ROOT)) {
            case "tproj" -> Projector.Method.TPROJ;
            case "align" -> Projector.Method.ALIGN;
            default -> throw new PairException(-1, "method", "must be [tproj] or [align], got [" + methodName + "]");
        };
        String scorerName = string(body, "scorer", "encoder", -1, "scorer");
        Scorer scorer = switch (scorerName.toLowerCase(Locale.ROOT)) {
            case "encoder" -> Scorer.ENCODER;
            case "nmt" -> Scorer.NMT;
            default -> throw new PairException(-1, "scorer", "must be [encoder] or [nmt], got [" + scorerName + "]");
        };
        String nmtModel = string(body, "nmt_model", null, -1, "nmt_model");
        if (scorer == Scorer.NMT) {
            if (method != Projector.Method.TPROJ) {
                throw new PairException(-1, "scorer", "[nmt] scores the candidates of method [tproj], not [" + methodName + "]");
            }
            if (nmtModel == null) {
                throw new PairException(-1, "nmt_model", "is required with scorer [nmt]: the id of a translation model "
                        + "(polyspan.layout = translation) in the models directory");
            }
            for (String lang : List.of("source_language", "target_language")) {
                if (string(body, lang, null, -1, lang) == null) {
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
        Candidates candidates = Candidates.of(string(body, "candidates", "ngrams", -1, "candidates"));
        String generatorModel = string(body, "generator_model", null, -1, "generator_model");
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
        Object pairsValue = body.get("pairs");
        if (!(pairsValue instanceof List<?> rawPairs) || rawPairs.isEmpty()) {
            throw new PairException(-1, "pairs", "a non-empty list of pairs is required");
        }
        if (rawPairs.size() > MAX_PAIRS) {
            throw new PairException(-1, "pairs", rawPairs.size() + " pairs exceed the limit of " + MAX_PAIRS + " per request");
        }
        String translator = translator(body.get("translate"));
        boolean translate = translator != null;
        String sourceLanguage = string(body, "source_language", null, -1, "source_language");
        String targetLanguage = string(body, "target_language", null, -1, "target_language");
        if (translate && sourceLanguage == null) {
            throw new PairException(-1, "source_language", "is required with [translate]");
        }
        if (translate && targetLanguage == null) {
            throw new PairException(-1, "target_language", "is required with [translate]");
        }
        List<Pair> pairs = new ArrayList<>(rawPairs.size());
        for (int i = 0; i < rawPairs.size(); i++) {
            pairs.add(pair(rawPairs.get(i), i, translate));
        }
        return new ProjectionRequest(sourceLanguage, targetLanguage, method, string(body, "model", DEFAULT_MODEL, -1, "model"),
                explain, explain ? topK : 0, pairs, scorer, nmtModel, translator, candidates, generatorModel);
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

    private static Pair pair(Object raw, int i, boolean translate) {
        if (!(raw instanceof Map<?, ?> pair)) {
            throw new PairException(i, "pairs[" + i + "]", "must be an object with [source] and [target]");
        }
        for (Object key : pair.keySet()) {
            if (!PAIR.contains(key)) {
                throw new PairException(i, String.valueOf(key), "unknown field; fields: " + PAIR);
            }
        }
        Map<?, ?> source = side(pair, "source", i);
        if (pair.get("target") == null && !translate) {
            throw new PairException(i, "target", "is missing; give the translation, or set [translate] to true to have it translated");
        }
        Map<?, ?> target = pair.get("target") == null ? null : side(pair, "target", i);
        Document src;
        List<WordSpan> spans;
        try {
            if (source.containsKey("text")) {
                if (source.containsKey("tokens") || source.containsKey("tags")) {
                    throw new PairException(i, "source", "give either [text] with [spans] or [tokens] with [tags], not both");
                }
                src = Document.of(text(source, "source", i));
                spans = SpanConversions.toWordSpans(src, charSpans(source.get("spans"), i), "source.spans");
            } else if (source.containsKey("tokens")) {
                if (source.containsKey("spans")) {
                    throw new PairException(i, "source.spans", "character spans need [text]; with [tokens] give [tags]");
                }
                List<String> tokens = tokens(source, "source", i);
                List<String> tags = strings(source.get("tags"), "source.tags", i);
                if (tags.size() != tokens.size()) {
                    throw new PairException(i, "source.tags", tags.size() + " tags for " + tokens.size() + " tokens");
                }
                src = Document.ofTokens(tokens);
                spans = SpanConversions.fromTags(tags, "source.tags");
            } else {
                throw new PairException(i, "source", "needs [text] (with [spans]) or [tokens] (with [tags])");
            }
        } catch (ProjectionInputException e) {
            throw new PairException(i, e.field(), e.getMessage().substring(e.field().length() + 3));
        }
        if (target == null) {
            return new Pair(src, spans, null, source.containsKey("tokens"), null);
        }
        Document tgt;
        boolean targetTokens;
        if (target.containsKey("spans") || target.containsKey("tags")) {
            throw new PairException(i, "target", "takes only [text] or [tokens]");
        }
        if (target.containsKey("text") == target.containsKey("tokens")) {
            throw new PairException(i, "target", "needs exactly one of [text] or [tokens]");
        }
        if (target.containsKey("text")) {
            tgt = Document.of(text(target, "target", i));
            targetTokens = false;
        } else {
            tgt = Document.ofTokens(tokens(target, "target", i));
            targetTokens = true;
        }
        return new Pair(src, spans, tgt, targetTokens, null);
    }

    private static Map<?, ?> side(Map<?, ?> pair, String name, int i) {
        Object v = pair.get(name);
        if (v == null) {
            throw new PairException(i, name, "is missing");
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw new PairException(i, name, "must be an object");
        }
        for (Object key : m.keySet()) {
            if (!SIDE.contains(key)) {
                throw new PairException(i, name + "." + key, "unknown field; fields: " + SIDE);
            }
        }
        return m;
    }

    private static String text(Map<?, ?> side, String name, int i) {
        if (!(side.get("text") instanceof String s)) {
            throw new PairException(i, name + ".text", "must be a string");
        }
        if (s.length() > MAX_CHARS) {
            throw new PairException(i, name + ".text", "is " + s.length() + " characters long; the limit is " + MAX_CHARS);
        }
        return s;
    }

    private static List<String> tokens(Map<?, ?> side, String name, int i) {
        List<String> tokens = strings(side.get("tokens"), name + ".tokens", i);
        int chars = 0;
        for (int k = 0; k < tokens.size(); k++) {
            String t = tokens.get(k);
            if (t.isEmpty() || t.isBlank()) {
                throw new PairException(i, name + ".tokens[" + k + "]", "is empty or blank");
            }
            chars += t.length() + 1;
        }
        if (chars > MAX_CHARS) {
            throw new PairException(i, name + ".tokens", "total " + chars + " characters; the limit is " + MAX_CHARS);
        }
        return tokens;
    }

    private static List<String> strings(Object v, String field, int i) {
        if (!(v instanceof List<?> list)) {
            throw new PairException(i, field, v == null ? "is missing" : "must be a list of strings");
        }
        List<String> out = new ArrayList<>(list.size());
        for (int k = 0; k < list.size(); k++) {
            if (!(list.get(k) instanceof String s)) {
                throw new PairException(i, field + "[" + k + "]", "must be a string");
            }
            out.add(s);
        }
        return out;
    }

    private static List<CharSpan> charSpans(Object v, int i) {
        if (v == null) {
            throw new PairException(i, "source.spans", "is missing (use [] for none)");
        }
        if (!(v instanceof List<?> list)) {
            throw new PairException(i, "source.spans", "must be a list");
        }
        List<CharSpan> out = new ArrayList<>();
        for (int k = 0; k < list.size(); k++) {
            String f = "source.spans[" + k + "]";
            if (!(list.get(k) instanceof Map<?, ?> m)) {
                throw new PairException(i, f, "must be an object with start, end, label");
            }
            out.add(new CharSpan(integer(m.get("start"), f + ".start", i), integer(m.get("end"), f + ".end", i),
                    m.get("label") instanceof String s ? s : null));
        }
        return out;
    }

    private static int integer(Object v, String field, int i) {
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || Math.abs(n.doubleValue()) > Integer.MAX_VALUE) {
            throw new PairException(i, field, v == null ? "is missing" : "must be an integer");
        }
        return n.intValue();
    }

    private static String string(Map<String, Object> body, String key, String fallback, int i, String field) {
        Object v = body.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof String s)) {
            throw new PairException(i, field, "must be a string");
        }
        return s;
    }
}
