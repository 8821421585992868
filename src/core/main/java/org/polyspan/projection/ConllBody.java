package org.polyspan.projection;

import org.polyspan.labeling.ConllReader;
import org.polyspan.labeling.ConllSentence;
import org.polyspan.labeling.Document;
import org.polyspan.labeling.TagChunker;
import org.polyspan.labeling.Word;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Expands a {@code "format": "conll"} {@code _project} body into the ordinary {@code pairs} form, so that a CoNLL training
 * file and its translation can be sent as they are:
 * <ul>
 *   <li>{@code source_conll}: one token per line with its tag in the last column (the token is the column before it, so
 *       {@code token TAG} and {@code index token TAG} both work), sentences separated by blank lines, {@code -DOCSTART-}
 *       lines ignored; IOB2, IOB1, BIOES or BILOU tags;</li>
 *   <li>the translations, one of: {@code target_conll} (same layout; a line with one column is the token, with more the
 *       token is read like the source's and any tags are ignored), or {@code target_text} (one sentence per line, or a
 *       list of sentences; each is split into words like {@code span_labeling} splits text).</li>
 * </ul>
 * With {@code translate} (true, or a translation model id) and neither, every sentence is translated first (see
 * {@link MissingTargets}).
 * Every other field of the body (method, model, explain, ...) is passed through untouched. Errors name the field and
 * the line, and the pair (the sentence number) when one sentence is at fault.
 */
public final class ConllBody {
    public static final String FORMAT = "format";
    public static final String SOURCE = "source_conll";
    public static final String TARGET_CONLL = "target_conll";
    public static final String TARGET_TEXT = "target_text";

    private ConllBody() {}

    /**
     * Returns the body unchanged when it has no {@code format} or {@code "format": "json"}; the {@code pairs} form when
     * it is {@code "conll"}.
     */
    public static Map<String, Object> expand(Map<String, Object> body) {
        if (body == null || !body.containsKey(FORMAT)) {
            for (String k : List.of(SOURCE, TARGET_CONLL, TARGET_TEXT)) {
                if (body != null && body.containsKey(k)) {
                    throw new ProjectionRequest.PairException(-1, k, "needs \"format\": \"conll\"");
                }
            }
            return body;
        }
        Object format = body.get(FORMAT);
        if ("json".equals(format)) {
            Map<String, Object> out = new LinkedHashMap<>(body);
            out.remove(FORMAT);
            return out;
        }
        if (!"conll".equals(format)) {
            throw new ProjectionRequest.PairException(-1, FORMAT, "must be [json] or [conll], got [" + format + "]");
        }
        if (body.containsKey("pairs")) {
            throw new ProjectionRequest.PairException(-1, "pairs", "a conll body gives [source_conll] and its translations instead of [pairs]");
        }
        if (!(body.get(SOURCE) instanceof String sourceText)) {
            throw new ProjectionRequest.PairException(-1, SOURCE, body.get(SOURCE) == null ? "is missing" : "must be a string");
        }
        List<ConllSentence> source = sentences(sourceText, SOURCE, true);
        if (source.isEmpty()) {
            throw new ProjectionRequest.PairException(-1, SOURCE, "holds no sentence");
        }
        if (source.size() > ProjectionRequest.MAX_PAIRS) {
            throw new ProjectionRequest.PairException(-1, SOURCE, source.size() + " sentences exceed the limit of "
                    + ProjectionRequest.MAX_PAIRS + " per request; split the file");
        }
        boolean conll = body.containsKey(TARGET_CONLL);
        boolean translate = ProjectionOptions.translator(body.get("translate")) != null && !conll && !body.containsKey(TARGET_TEXT);
        if (conll == body.containsKey(TARGET_TEXT) && !translate) {
            throw new ProjectionRequest.PairException(-1, TARGET_CONLL, "give exactly one of [" + TARGET_CONLL + "] or ["
                    + TARGET_TEXT + "], or set [translate] to have the sentences translated");
        }
        List<Map<String, Object>> targets = translate ? null : conll ? conllTargets(body.get(TARGET_CONLL)) : textTargets(body.get(TARGET_TEXT));
        if (targets != null && targets.size() != source.size()) {
            String field = conll ? TARGET_CONLL : TARGET_TEXT;
            throw new ProjectionRequest.PairException(-1, field, targets.size() + " sentences for " + source.size()
                    + " source sentences; every source sentence needs its translation, in order");
        }
        List<Object> pairs = new ArrayList<>(source.size());
        for (int i = 0; i < source.size(); i++) {
            ConllSentence s = source.get(i);
            checkTags(s, i);
            Map<String, Object> sourceSide = Map.of("tokens", s.tokens(), "tags", s.tags());
            // without targets, translate-first fills them in
            pairs.add(targets == null ? Map.of("source", sourceSide) : Map.of("source", sourceSide, "target", targets.get(i)));
        }
        Map<String, Object> out = new LinkedHashMap<>(body);
        out.remove(FORMAT);
        out.remove(SOURCE);
        out.remove(TARGET_CONLL);
        out.remove(TARGET_TEXT);
        out.put("pairs", pairs);
        return out;
    }

    private static void checkTags(ConllSentence s, int pair) {
        try {
            TagChunker.chunks(s.tags());
        } catch (TagChunker.BadTagException e) {
            throw new ProjectionRequest.PairException(pair, SOURCE, "line " + s.lines().get(e.index()) + ": " + e.getMessage());
        }
    }

    private static List<Map<String, Object>> conllTargets(Object value) {
        if (!(value instanceof String text)) {
            throw new ProjectionRequest.PairException(-1, TARGET_CONLL, value == null ? "is missing" : "must be a string");
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (ConllSentence s : sentences(text, TARGET_CONLL, false)) {
            out.add(Map.of("tokens", s.tokens()));
        }
        return out;
    }

    private static List<Map<String, Object>> textTargets(Object value) {
        List<String> lines = new ArrayList<>();
        if (value instanceof String text) {
            String trimmed = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
            for (String line : trimmed.split("\n", -1)) {
                lines.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
            }
        } else if (value instanceof List<?> list) {
            for (int k = 0; k < list.size(); k++) {
                if (!(list.get(k) instanceof String s)) {
                    throw new ProjectionRequest.PairException(k, TARGET_TEXT + "[" + k + "]", "must be a string");
                }
                lines.add(s);
            }
        } else {
            throw new ProjectionRequest.PairException(-1, TARGET_TEXT, value == null ? "is missing" : "must be a string or a list of strings");
        }
        List<Map<String, Object>> out = new ArrayList<>(lines.size());
        for (int k = 0; k < lines.size(); k++) {
            Document d = Document.of(lines.get(k));
            if (d.words().isEmpty()) {
                throw new ProjectionRequest.PairException(k, TARGET_TEXT, "line " + (k + 1) + " has no words; every source sentence needs its translation");
            }
            List<String> tokens = new ArrayList<>(d.words().size());
            for (Word w : d.words()) {
                tokens.add(d.text().substring(w.start(), w.end()));
            }
            out.add(Map.of("tokens", tokens));
        }
        return out;
    }

    /** The sentences of a CoNLL text ({@link ConllReader#parse}); {@code tagged} requires a tag on every token line. */
    static List<ConllSentence> sentences(String text, String field, boolean tagged) {
        List<ConllSentence> out = ConllReader.parse(text, ConllReader.Columns.LAST_TWO);
        for (int k = 0; tagged && k < out.size(); k++) {
            ConllSentence s = out.get(k);
            int untagged = s.tags().indexOf(null);
            if (untagged >= 0) {
                throw new ProjectionRequest.PairException(k, field, "line " + s.lines().get(untagged)
                        + ": expected a token and a tag, got [" + s.tokens().get(untagged) + "]");
            }
        }
        return out;
    }
}
