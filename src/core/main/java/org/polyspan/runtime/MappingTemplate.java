package org.polyspan.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The component template that makes {@code span_labeling}'s output searchable (spans as {@code nested} objects) and
 * aggregatable ({@code <target>_by_label.*} as keywords), on OpenSearch and Elasticsearch alike.
 */
public final class MappingTemplate {
    /** Every span is a nested document; long texts full of entities exceed the default limit of 10000. */
    public static final int NESTED_OBJECTS_LIMIT = 100_000;
    public static final String DEFAULT_TARGET = "spans";

    private MappingTemplate() {}

    /**
     * The document's metadata and the engines' ingest metadata: spans written there would change where or how the
     * document is indexed (an {@code _id} that is a list of spans), which the engine finds only after the processor.
     */
    private static final Set<String> METADATA = Set.of("_index", "_id", "_routing", "_version", "_version_type", "_if_seq_no",
            "_if_primary_term", "_dynamic_templates", "_ingest", "_source", "_type");

    /**
     * Why {@code path} cannot take the processor's output, or {@code null} when it can: it must be a field path (names
     * joined by single dots) outside the document's metadata.
     */
    public static String invalidTarget(String path) {
        if (path.isBlank() || path.startsWith(".") || path.endsWith(".") || path.contains("..")) {
            return "target field [" + path + "] is not a field path (names joined by single dots)";
        }
        String first = path.split("\\.", 2)[0];
        if (METADATA.contains(first)) {
            return "target field [" + path + "] names the document's metadata [" + first + "]; spans go to a source field";
        }
        return null;
    }

    /** The component template body for the given target fields. */
    public static Map<String, Object> componentTemplate(List<String> targets) {
        List<Object> dynamic = new ArrayList<>();
        Map<String, Object> properties = new LinkedHashMap<>();
        for (String target : targets) {
            dynamic.add(Map.of("polyspan_" + target + "_by_label", map(
                    "path_match", target + "_by_label.*",
                    "mapping", map("type", "keyword", "ignore_above", 1024))));
            properties.put(target, spansMapping());
            properties.put(target + "_by_label", map("type", "object", "dynamic", true));
        }
        Map<String, Object> mappings = map("dynamic_templates", dynamic, "properties", properties);
        Map<String, Object> settings = map("index.mapping.nested_objects.limit", NESTED_OBJECTS_LIMIT);
        return map("template", map("settings", settings, "mappings", mappings));
    }

    /** The mapping of one target field: nested span objects. */
    public static Map<String, Object> spansMapping() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("label", map("type", "keyword"));
        p.put("text", map("type", "keyword", "ignore_above", 1024, "fields", map("text", map("type", "text"))));
        p.put("start", map("type", "integer"));
        p.put("end", map("type", "integer"));
        p.put("score", map("type", "float"));
        p.put("field", map("type", "keyword"));
        p.put("index", map("type", "integer"));
        p.put("head", map("type", "keyword"));
        return map("type", "nested", "properties", p);
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
