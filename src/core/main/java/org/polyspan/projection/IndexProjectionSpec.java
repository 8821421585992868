package org.polyspan.projection;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A parsed {@code _project/index} body: where the documents come from and go to, and which fields hold the source text,
 * its spans and the translation. Every other field is a {@code _project} option (method, model, languages, ...),
 * read by {@link ProjectionOptions#parse} and applied to every batch, so options added to {@code _project} work here
 * too.
 *
 * <p>One job may project onto several target languages in one pass over the source: {@code targets} lists, for each,
 * the field of the source documents that holds its translation, the destination index and the target language
 * (instead of {@code target_text_field}, {@code dest_index} and {@code target_language} at the top level):
 * <pre>"targets": [{"target_language": "es", "target_text_field": "body_es", "dest_index": "news-es"},
 *             {"target_language": "de", "target_text_field": "body_de", "dest_index": "news-de"}]</pre>
 * Each batch then encodes each source text once for all its target languages.
 *
 * @param targets     one or more target languages, each with its translation field and destination index
 * @param options     the {@code _project} options: every field of the body but those above; with {@code targets}, those
 *                    of the first target (each target's {@link Target#options()} has its own language)
 * @param query       a query object for the source index, or {@code null} for all documents
 * @param labels      keep only spans with these labels; empty keeps all
 * @param copyFields  source fields copied unchanged into each destination document
 * @param resume      skip documents whose destination copy exists without an error
 */
public record IndexProjectionSpec(String sourceIndex, Map<String, Object> query, String textField, String spansField,
                                  List<Target> targets, int batchSize, Set<String> labels, List<String> copyFields,
                                  boolean resume, ProjectionOptions options) {
    public static final int DEFAULT_BATCH = 32;
    public static final int MAX_BATCH = ProjectionRequest.MAX_PAIRS;
    /** At most this many target languages per job. */
    public static final int MAX_TARGETS = 20;
    /** The destination object with the provenance of a projected document (and its error when it failed). */
    public static final String META = "projection";
    private static final Set<String> OWN = Set.of("source_index", "query", "text_field", "spans_field", "target_text_field",
            "dest_index", "batch_size", "labels", "copy_fields", "resume", "targets");
    private static final Set<String> TARGET_FIELDS = Set.of("target_text_field", "dest_index", "target_language");

    /**
     * One target language of a job: the source documents' field with its translation, the destination index, and the
     * {@code _project} options of its pairs (the job's, with this target's language).
     *
     * @param fieldPrefix what errors put before a field of this target: {@code targets[i].}, or nothing for the target
     *                    of a body without {@code targets}
     */
    public record Target(String targetTextField, String destIndex, ProjectionOptions options, String fieldPrefix) {
        public String targetLanguage() {
            return options.targetLanguage();
        }

        /** The name of a field of this target (e.g. {@code target_language}) as a bad request names it. */
        public String field(String name) {
            return name.equals("target_language") || name.equals("target_text_field") || name.equals("dest_index")
                    ? fieldPrefix + name : name;
        }
    }

    public static IndexProjectionSpec parse(Map<String, Object> body) {
        if (body == null) {
            throw new ProjectionRequest.PairException(-1, "body", "a JSON object with [source_index], [text_field], "
                    + "[spans_field], [target_text_field] and [dest_index] (or [targets]) is required");
        }
        if (body.containsKey("pairs")) {
            throw new ProjectionRequest.PairException(-1, "pairs", "the pairs come from [source_index]; use _project for explicit pairs");
        }
        String source = name(body, "source_index", "source_index");
        String text = name(body, "text_field", "text_field");
        String spans = name(body, "spans_field", "spans_field");
        if (spans.equals(META)) {
            throw new ProjectionRequest.PairException(-1, "spans_field", "[" + META + "] holds the job's own record in the destination; "
                    + "name another field");
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
        Map<String, Object> optionFields = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : body.entrySet()) {
            if (!OWN.contains(e.getKey())) {
                optionFields.put(e.getKey(), e.getValue());
            }
        }
        // a typo in a _project option fails the request, not the task
        ProjectionRequest.checkFields(optionFields);
        List<Target> targets = targets(body, source, text, spans, optionFields);
        List<String> copy = strings(body, "copy_fields");
        for (String f : copy) {
            for (Target t : targets) {
                if (f.equals(t.targetTextField()) || f.equals(spans) || f.equals(spans + "_by_label") || f.equals(META)) {
                    throw new ProjectionRequest.PairException(-1, "copy_fields", "[" + f + "] is written by the projection itself");
                }
            }
        }
        return new IndexProjectionSpec(source, query, text, spans, targets, batch, Set.copyOf(strings(body, "labels")), copy, r,
                targets.get(0).options());
    }

    /**
     * The targets: the list under {@code targets}, or the one target of {@code target_text_field}, {@code dest_index}
     * and the option {@code target_language} at the top level.
     */
    private static List<Target> targets(Map<String, Object> body, String source, String text, String spans,
                                        Map<String, Object> optionFields) {
        if (!body.containsKey("targets")) {
            return List.of(target(body, "", source, text, spans, optionFields));
        }
        for (String f : TARGET_FIELDS) {
            if (body.containsKey(f)) {
                throw new ProjectionRequest.PairException(-1, f, "goes inside each entry of [targets], not beside it");
            }
        }
        if (!(body.get("targets") instanceof List<?> list) || list.isEmpty() || list.size() > MAX_TARGETS) {
            throw new ProjectionRequest.PairException(-1, "targets", "must be a list of 1 to " + MAX_TARGETS + " objects with "
                    + "[target_text_field], [dest_index] and, when a translator or the nmt scorer needs it, [target_language]");
        }
        List<Target> out = new ArrayList<>();
        Set<String> destinations = new java.util.HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String prefix = "targets[" + i + "].";
            if (!(list.get(i) instanceof Map<?, ?> m)) {
                throw new ProjectionRequest.PairException(-1, "targets[" + i + "]", "must be an object with " + TARGET_FIELDS);
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String key = String.valueOf(e.getKey());
                if (!TARGET_FIELDS.contains(key)) {
                    throw new ProjectionRequest.PairException(-1, prefix + key, "unknown field; fields: " + TARGET_FIELDS);
                }
                entry.put(key, e.getValue());
            }
            Map<String, Object> options = new LinkedHashMap<>(optionFields);
            if (entry.get("target_language") != null) {
                options.put("target_language", entry.get("target_language"));
            }
            Target t = target(entry, prefix, source, text, spans, options);
            if (!destinations.add(t.destIndex())) {
                throw new ProjectionRequest.PairException(-1, prefix + "dest_index", "[" + t.destIndex() + "] is the destination of "
                        + "another target too");
            }
            out.add(t);
        }
        return List.copyOf(out);
    }

    private static Target target(Map<String, Object> fields, String prefix, String source, String text, String spans,
                                 Map<String, Object> optionFields) {
        String dest = name(fields, "dest_index", prefix + "dest_index");
        checkDestination(dest, source, prefix + "dest_index");
        String target = name(fields, "target_text_field", prefix + "target_text_field");
        if (target.equals(text) || target.equals(spans) || target.equals(META)) {
            throw new ProjectionRequest.PairException(-1, prefix + "target_text_field", "[target_text_field], [spans_field] and ["
                    + META + "] must be distinct fields of the destination, and the target text field other than [text_field]");
        }
        ProjectionOptions options;
        try {
            options = ProjectionOptions.parse(optionFields);
        } catch (ProjectionRequest.PairException e) {
            // a language this target lacks is named in its entry
            if (!prefix.isEmpty() && e.field().equals("target_language")) {
                throw new ProjectionRequest.PairException(-1, prefix + "target_language",
                        e.getMessage().substring(e.getMessage().indexOf("]: ") + 3));
            }
            throw e;
        }
        return new Target(target, dest, options, prefix);
    }

    /** Characters no index name may hold, on either engine. */
    private static final String NOT_IN_INDEX_NAMES = "\\/*?\"<>| ,#:";

    /**
     * Refuses, before a task starts, a destination the engine would refuse for every document (not an index name), a
     * hidden or system index (a leading dot: {@code .tasks} among them), and one the job reads from (the source, or a
     * pattern of the source that matches it).
     */
    private static void checkDestination(String dest, String source, String field) {
        boolean badChar = dest.chars().anyMatch(c -> NOT_IN_INDEX_NAMES.indexOf(c) >= 0);
        if (badChar || !dest.equals(dest.toLowerCase(Locale.ROOT)) || "_-+".indexOf(dest.charAt(0)) >= 0
                || dest.getBytes(StandardCharsets.UTF_8).length > 255) {
            throw new ProjectionRequest.PairException(-1, field, "[" + dest + "] is not an index name: lowercase, at most 255 bytes, "
                    + "not starting with _, - or +, and none of [" + NOT_IN_INDEX_NAMES + "]");
        }
        if (dest.startsWith(".")) {
            throw new ProjectionRequest.PairException(-1, field, "[" + dest + "] is a hidden or system index; the job writes to a "
                    + "regular index");
        }
        for (String pattern : source.split(",")) {
            if (reads(pattern.trim(), dest)) {
                throw new ProjectionRequest.PairException(-1, field, "must differ from [source_index]: [" + source + "] reads [" + dest + "]");
            }
        }
    }

    /** Whether a source index, alias pattern with {@code *}, or {@code _all} names {@code index}. */
    private static boolean reads(String pattern, String index) {
        if (pattern.equals("_all") || pattern.equals("*")) {
            return true;
        }
        List<String> parts = new ArrayList<>();
        for (String part : pattern.split("\\*", -1)) {
            parts.add(Pattern.quote(part));
        }
        return Pattern.matches(String.join(".*", parts), index);
    }

    /** The task's description: what is projected onto which fields, into which indices. */
    public String describe() {
        StringBuilder b = new StringBuilder("project [" + sourceIndex + "][" + textField + "/" + spansField + "] onto ");
        for (int i = 0; i < targets.size(); i++) {
            Target t = targets.get(i);
            b.append(i == 0 ? "" : ", ").append('[').append(t.targetTextField()).append("] into [").append(t.destIndex()).append(']');
        }
        return b.toString();
    }

    /** Whether documents without a stored translation are translated first ({@code "translate"}: true or a model id). */
    public boolean translate() {
        return options.translate();
    }

    private static String name(Map<String, Object> body, String key, String field) {
        Object v = body.get(key);
        if (!(v instanceof String s) || s.isBlank()) {
            throw new ProjectionRequest.PairException(-1, field, v == null ? "is missing" : "must be a non-empty string");
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
