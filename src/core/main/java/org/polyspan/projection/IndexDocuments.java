package org.polyspan.projection;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns stored documents into {@code _project} pairs and projected answers into destination documents, for
 * {@code _project/index}. Source spans have the shape {@code span_labeling} stores (label, start, end, and optionally
 * field, index, head, ...); the destination gets the target text, the projected spans in the same shape (so the same
 * mapping serves both indices), their flat {@code <spans_field>_by_label} copy, and a {@code projection} object with
 * the provenance, the source spans that found no target, or the error of a document that failed. With {@code translate},
 * a document without a stored translation is translated first and the destination holds the translation.
 */
public final class IndexDocuments {
    private IndexDocuments() {}

    /** A document that cannot be projected, with the reason. */
    public static final class DocumentException extends IllegalArgumentException {
        public DocumentException(String message) {
            super(message);
        }
    }

    /** The pair to send for a document, and the source spans in the order sent (for the heads of the answer). */
    public record Prepared(Map<String, Object> pair, List<Map<?, ?>> sourceSpans) {}

    /** The pair of a document for {@code target}, one of the spec's targets. */
    public static Prepared prepare(Map<String, Object> source, IndexProjectionSpec spec, IndexProjectionSpec.Target target) {
        String text = text(source, spec.textField());
        // with translate, a document without a stored translation goes without target and is translated first
        String translation = spec.translate() && value(source, target.targetTextField()) == null ? null
                : text(source, target.targetTextField());
        Object rawSpans = value(source, spec.spansField());
        List<Map<?, ?>> spans = new ArrayList<>();
        if (rawSpans != null) {
            if (!(rawSpans instanceof List<?> list)) {
                throw new DocumentException("field [" + spec.spansField() + "] is not a list of spans");
            }
            for (Object o : list) {
                if (!(o instanceof Map<?, ?> span)) {
                    throw new DocumentException("field [" + spec.spansField() + "] holds a non-object");
                }
                // spans of other fields (span_labeling with several fields) or of other labels are not projected
                if (span.get("field") != null && !spec.textField().equals(span.get("field"))) {
                    continue;
                }
                if (span.get("index") != null) {
                    continue;
                }
                if (!spec.labels().isEmpty() && !spec.labels().contains(span.get("label"))) {
                    continue;
                }
                spans.add(span);
            }
        }
        spans.sort(Comparator.comparingLong((Map<?, ?> s) -> number(s.get("start"))).thenComparingLong(s -> number(s.get("end"))));
        List<Map<String, Object>> sent = new ArrayList<>();
        for (Map<?, ?> s : spans) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("start", s.get("start"));
            m.put("end", s.get("end"));
            m.put("label", s.get("label"));
            sent.add(m);
        }
        Map<String, Object> sourceSide = Map.of("text", text, "spans", sent);
        return new Prepared(translation == null ? Map.of("source", sourceSide)
                : Map.of("source", sourceSide, "target", Map.of("text", translation)), spans);
    }

    /**
     * The destination document of a projected pair, for {@code target}'s destination index.
     *
     * @param answer one pair of {@link ProjectionService#run}
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> projected(String id, Map<String, Object> source, Prepared prepared,
                                                Map<String, Object> answer, IndexProjectionSpec spec,
                                                IndexProjectionSpec.Target target, String method, String model) {
        Map<String, Object> doc = base(source, spec);
        Map<String, Object> translated = (Map<String, Object>) answer.get("target");
        doc.put(target.targetTextField(), translated != null ? translated.get("text") : value(source, target.targetTextField()));
        List<Map<String, Object>> spans = new ArrayList<>();
        Map<String, Set<String>> byLabel = new LinkedHashMap<>();
        for (Map<String, Object> a : (List<Map<String, Object>>) answer.get("spans")) {
            Map<String, Object> s = new LinkedHashMap<>(a);
            s.put("field", target.targetTextField());
            Object head = prepared.sourceSpans().get((Integer) a.get("source_index")).get("head");
            if (head != null) {
                s.put("head", head);
            }
            spans.add(s);
            byLabel.computeIfAbsent((String) a.get("label"), k -> new LinkedHashSet<>()).add((String) a.get("text"));
        }
        doc.put(spec.spansField(), spans);
        Map<String, Object> flat = new LinkedHashMap<>();
        byLabel.forEach((label, texts) -> flat.put(label, List.copyOf(texts)));
        doc.put(spec.spansField() + "_by_label", flat);
        Map<String, Object> meta = meta(id, spec);
        meta.put("method", method);
        meta.put("model", model);
        meta.put("source_spans", prepared.sourceSpans().size());
        if (translated != null) {
            meta.put("translated_by", translated.get("translated_by"));
        }
        meta.put("unprojected", answer.get("unprojected"));
        doc.put(IndexProjectionSpec.META, meta);
        return doc;
    }

    /** The destination document of a source document that could not be projected: provenance and error only. */
    public static Map<String, Object> failed(String id, Map<String, Object> source, String reason, IndexProjectionSpec spec) {
        Map<String, Object> doc = base(source, spec);
        Map<String, Object> meta = meta(id, spec);
        meta.put("error", reason);
        doc.put(IndexProjectionSpec.META, meta);
        return doc;
    }

    private static Map<String, Object> base(Map<String, Object> source, IndexProjectionSpec spec) {
        Map<String, Object> doc = new LinkedHashMap<>();
        for (String f : spec.copyFields()) {
            Object v = value(source, f);
            if (v != null) {
                doc.put(f, v);
            }
        }
        return doc;
    }

    private static Map<String, Object> meta(String id, IndexProjectionSpec spec) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("from_index", spec.sourceIndex());
        meta.put("from_id", id);
        return meta;
    }

    private static String text(Map<String, Object> source, String field) {
        Object v = value(source, field);
        if (v == null) {
            throw new DocumentException("field [" + field + "] is missing or null");
        }
        if (!(v instanceof String s)) {
            throw new DocumentException("field [" + field + "] is " + (v instanceof List ? "a list" : "a " + v.getClass().getSimpleName())
                    + "; only string fields are projected");
        }
        return s;
    }

    private static long number(Object o) {
        return o instanceof Number n ? n.longValue() : Long.MIN_VALUE;
    }

    /** The value at a field path: {@code a.b} looks inside object {@code a} unless a literal {@code "a.b"} key exists. */
    static Object value(Map<String, Object> source, String path) {
        if (source.containsKey(path)) {
            return source.get(path);
        }
        Object current = source;
        for (String part : path.split("\\.")) {
            if (!(current instanceof Map<?, ?> m)) {
                return null;
            }
            current = m.get(part);
        }
        return current;
    }
}
