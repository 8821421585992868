package org.polyspan.projection;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed {@code _project/index} body: where the documents come from and go to, and which fields hold the source text,
 * its spans and the translation. Every other field is a {@code _project} option (method, model, languages, ...),
 * read by {@link ProjectionOptions#parse} and applied to every batch, so options added to {@code _project} work here
 * too.
 *
 * @param options     the {@code _project} options: every field of the body but those above
 * @param query             a query object for the source index, or {@code null} for all documents
 * @param labels            keep only spans with these labels; empty keeps all
 * @param copyFields        source fields copied unchanged into each destination document
 * @param resume            skip documents whose destination copy exists without an error
 */
public record IndexProjectionSpec(String sourceIndex, Map<String, Object> query, String textField, String spansField,
                                  String targetTextField, String destIndex, int batchSize, Set<String> labels,
                                  List<String> copyFields, boolean resume, ProjectionOptions options) {
    public static final int DEFAULT_BATCH = 32;
    public static final int MAX_BATCH = ProjectionRequest.MAX_PAIRS;
    /** The destination object with the provenance of a projected document (and its error when it failed). */
    public static final String META = "projection";
    private static final Set<String> OWN = Set.of("source_index", "query", "text_field", "spans_field", "target_text_field",
            "dest_index", "batch_size", "labels", "copy_fields", "resume");

    public static IndexProjectionSpec parse(Map<String, Object> body) {
        if (body == null) {
            throw new ProjectionRequest.PairException(-1, "body", "a JSON object with [source_index], [text_field], "
                    + "[spans_field], [target_text_field] and [dest_index] is required");
        }
        if (body.containsKey("pairs")) {
            throw new ProjectionRequest.PairException(-1, "pairs", "the pairs come from [source_index]; use _project for explicit pairs");
        }
        String source = name(body, "source_index");
        String dest = name(body, "dest_index");
        if (source.equals(dest)) {
            throw new ProjectionRequest.PairException(-1, "dest_index", "must differ from [source_index]");
        }
        String text = name(body, "text_field");
        String spans = name(body, "spans_field");
        String target = name(body, "target_text_field");
        if (target.equals(text) || target.equals(spans) || target.equals(META) || spans.equals(META)) {
            throw new ProjectionRequest.PairException(-1, "target_text_field", "[target_text_field], [spans_field] and ["
                    + META + "] must be distinct fields of the destination, and the target text field other than [text_field]");
        }
        Map<String, Object> query = null;
        if (body.get("query") != null) {
            if (!(body.get("query") instanceof Map<?, ?> q)) {
                throw new ProjectionRequest.PairException(-1, "query", "must be a query object, e.g. {\"match_all\": {}}");
            }
            query = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : q.entrySet()) {
                query.put(String.valueOf(e.getKey()), e.getValue());
            }
        }
        int batch = DEFAULT_BATCH;
        if (body.containsKey("batch_size")) {
            if (!(body.get("batch_size") instanceof Number n) || n.doubleValue() != n.intValue() || n.intValue() < 1 || n.intValue() > MAX_BATCH) {
                throw new ProjectionRequest.PairException(-1, "batch_size", "must be an integer from 1 to " + MAX_BATCH);
            }
            batch = n.intValue();
        }
        Object resume = body.getOrDefault("resume", true);
        if (!(resume instanceof Boolean r)) {
            throw new ProjectionRequest.PairException(-1, "resume", "must be a boolean");
        }
        List<String> copy = strings(body, "copy_fields");
        for (String f : copy) {
            if (f.equals(target) || f.equals(spans) || f.equals(spans + "_by_label") || f.equals(META)) {
                throw new ProjectionRequest.PairException(-1, "copy_fields", "[" + f + "] is written by the projection itself");
            }
        }
        Map<String, Object> optionFields = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : body.entrySet()) {
            if (!OWN.contains(e.getKey())) {
                optionFields.put(e.getKey(), e.getValue());
            }
        }
        // a typo in a _project option fails the request, not the task
        ProjectionRequest.checkFields(optionFields);
        return new IndexProjectionSpec(source, query, text, spans, target, dest, batch, Set.copyOf(strings(body, "labels")), copy, r,
                ProjectionOptions.parse(optionFields));
    }

    /** Whether documents without a stored translation are translated first ({@code "translate"}: true or a model id). */
    public boolean translate() {
        return options.translate();
    }

    private static String name(Map<String, Object> body, String key) {
        Object v = body.get(key);
        if (!(v instanceof String s) || s.isBlank()) {
            throw new ProjectionRequest.PairException(-1, key, v == null ? "is missing" : "must be a non-empty string");
        }
        return s;
    }

    private static List<String> strings(Map<String, Object> body, String key) {
        Object v = body.get(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            throw new ProjectionRequest.PairException(-1, key, "must be a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof String s)) {
                throw new ProjectionRequest.PairException(-1, key, "must be a list of strings");
            }
            out.add(s);
        }
        return List.copyOf(out);
    }
}
