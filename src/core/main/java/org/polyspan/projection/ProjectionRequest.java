package org.polyspan.projection;

import org.polyspan.labeling.Document;
import org.polyspan.projection.SpanConversions.CharSpan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A parsed and validated {@code _project} body: its pairs and the {@link ProjectionOptions} they are projected with.
 * Each side of a pair is either {@code text} (with character {@code spans} on the source) or {@code tokens} (with
 * {@code tags} on the source); the answer for a pair follows the form of its target. Problems throw
 * {@link PairException} naming the pair and the field.
 */
public record ProjectionRequest(List<Pair> pairs, ProjectionOptions options) {
    public static final int MAX_PAIRS = 1000;
    public static final int MAX_CHARS = 100_000;
    /**
     * Source words x target words of one pair: the word alignment holds about 20 bytes per such pair of words (a
     * similarity and two directions of probabilities), so two million keep a pair under about 40 MB of heap.
     */
    public static final long MAX_WORD_PAIRS = 2_000_000;
    /**
     * Source spans x target words of one pair: every span is scored against the target ranges that start at each word,
     * and those candidates are kept for the global selection.
     */
    public static final long MAX_SPAN_CANDIDATES = 250_000;
    /** Every top-level field of a {@code _project} body: the options and {@code pairs}. */
    private static final Set<String> TOP = Stream.concat(ProjectionOptions.FIELDS.stream(), Stream.of("pairs"))
            .collect(Collectors.toUnmodifiableSet());
    private static final Set<String> PAIR = Set.of("source", "target");
    private static final Set<String> SIDE = Set.of("text", "spans", "tokens", "tags");

    /**
     * One pair: source and target documents, source spans in words, whether the target is in tokens, and the
     * translator that produced the target ({@code null} when the request gave it). The target is {@code null} until
     * translated when the request left it out and asked for {@code translate}.
     */
    public record Pair(Document source, List<WordSpan> spans, Document target, boolean targetTokens, String translatedBy) {
        public boolean needsTranslation() {
            return target == null;
        }

        /**
         * Checks that projecting this pair stays within the heap a request may take ({@link #MAX_WORD_PAIRS},
         * {@link #MAX_SPAN_CANDIDATES}); the characters alone do not bound it, as short words and many spans multiply.
         *
         * @param i the pair's index, for the error
         */
        public Pair checkSize(int i) {
            if (target == null) {
                return this;
            }
            long m = source.words().size();
            long n = target.words().size();
            if (m * n > MAX_WORD_PAIRS) {
                throw new PairException(i, "target", m + " source words x " + n + " target words exceed the limit of " + MAX_WORD_PAIRS
                        + " word pairs for one pair; project sentence by sentence");
            }
            if (spans.size() * n > MAX_SPAN_CANDIDATES) {
                throw new PairException(i, "source.spans", spans.size() + " spans x " + n + " target words exceed the limit of "
                        + MAX_SPAN_CANDIDATES + " for one pair; project sentence by sentence");
            }
            return this;
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
        return new ProjectionRequest(newPairs, options);
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
        checkFields(body);
        ProjectionOptions options = ProjectionOptions.parse(body);
        if (!(body.get("pairs") instanceof List<?> rawPairs)) {
            throw new PairException(-1, "pairs", "a non-empty list of pairs is required");
        }
        return of(rawPairs, options);
    }

    /** Pairs in the form of a {@code _project} body's {@code pairs}, to be projected with {@code options}. */
    public static ProjectionRequest of(List<?> rawPairs, ProjectionOptions options) {
        if (rawPairs.isEmpty()) {
            throw new PairException(-1, "pairs", "a non-empty list of pairs is required");
        }
        if (rawPairs.size() > MAX_PAIRS) {
            throw new PairException(-1, "pairs", rawPairs.size() + " pairs exceed the limit of " + MAX_PAIRS + " per request");
        }
        List<Pair> pairs = new ArrayList<>(rawPairs.size());
        for (int i = 0; i < rawPairs.size(); i++) {
            pairs.add(pair(rawPairs.get(i), i, options.translate()));
        }
        return new ProjectionRequest(pairs, options);
    }

    /** Rejects a field that is neither an option nor {@code pairs}, listing the fields a body may have. */
    public static void checkFields(Map<String, Object> body) {
        for (String key : body.keySet()) {
            if (!TOP.contains(key)) {
                throw new PairException(-1, key, "unknown field; fields: " + TOP);
            }
        }
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
        return new Pair(src, spans, tgt, targetTokens, null).checkSize(i);
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
            Object label = m.get("label");
            if (label != null && !(label instanceof String text && !text.isEmpty())) {
                throw new PairException(i, f + ".label", "must be a non-empty string");
            }
            out.add(new CharSpan(integer(m.get("start"), f + ".start", i), integer(m.get("end"), f + ".end", i), (String) label));
        }
        return out;
    }

    private static int integer(Object v, String field, int i) {
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || Math.abs(n.doubleValue()) > Integer.MAX_VALUE) {
            throw new PairException(i, field, v == null ? "is missing" : "must be an integer");
        }
        return n.intValue();
    }
}
