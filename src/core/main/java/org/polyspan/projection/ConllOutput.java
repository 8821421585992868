package org.polyspan.projection;

import org.polyspan.labeling.Document;
import org.polyspan.labeling.TagChunker;
import org.polyspan.labeling.Word;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code _project} answers as CoNLL: one target word per line, a tab, its projected IOB2 tag; a blank line after
 * each sentence. The words are the target's tokens, or the words {@code span_labeling} splits a target text into.
 */
public final class ConllOutput {
    public static final String OUTPUT = "output";

    private ConllOutput() {}

    /** Whether the body asks for {@code "output": "conll"} ({@code "json"}, the default, otherwise). */
    public static boolean requested(Map<String, Object> body) {
        Object v = body == null ? null : body.get(OUTPUT);
        if (v == null || "json".equals(v)) {
            return false;
        }
        if (!"conll".equals(v)) {
            throw new ProjectionRequest.PairException(-1, OUTPUT, "must be [json] or [conll], got [" + v + "]");
        }
        return true;
    }

    /** The body without the {@code output} option, for {@link ProjectionRequest#parse}. */
    public static Map<String, Object> withoutOption(Map<String, Object> body) {
        if (body == null || !body.containsKey(OUTPUT)) {
            return body;
        }
        Map<String, Object> out = new java.util.LinkedHashMap<>(body);
        out.remove(OUTPUT);
        return out;
    }

    /** @param answers the per-pair answers of {@link ProjectionService#run}, in the order of {@code request.pairs()} */
    public static String write(ProjectionRequest request, List<Map<String, Object>> answers) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < answers.size(); i++) {
            ProjectionRequest.Pair pair = request.pairs().get(i);
            Document target = pair.target();
            List<String> tags = tags(target, answers.get(i), pair.targetTokens());
            for (int w = 0; w < target.words().size(); w++) {
                Word word = target.words().get(w);
                out.append(target.text(), word.start(), word.end()).append('\t').append(tags.get(w)).append('\n');
            }
            out.append('\n');
        }
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    private static List<String> tags(Document target, Map<String, Object> answer, boolean tokens) {
        if (tokens) {
            return (List<String>) answer.get("tags");
        }
        // text targets answer character offsets: the words inside each span
        List<TagChunker.Chunk> chunks = new ArrayList<>();
        for (Map<String, Object> span : (List<Map<String, Object>>) answer.get("spans")) {
            int start = (Integer) span.get("start");
            int end = (Integer) span.get("end");
            int first = -1;
            int last = -1;
            for (int w = 0; w < target.words().size(); w++) {
                Word word = target.words().get(w);
                if (word.start() >= start && word.end() <= end) {
                    first = first < 0 ? w : first;
                    last = w;
                }
            }
            if (first >= 0) {
                chunks.add(new TagChunker.Chunk((String) span.get("label"), first, last + 1));
            }
        }
        return TagChunker.iob2(target.words().size(), chunks);
    }
}
