package org.polyspan.plugin;

import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.List;

/** The mappings that make the processor's output searchable (nested spans) and aggregatable (flat keywords). */
final class SpanMappings {
    static final int NESTED_OBJECTS_LIMIT = 100_000;

    private SpanMappings() {}

    static void componentTemplate(XContentBuilder b, List<String> targets) throws IOException {
        b.startObject().startObject("template");
        // every span is a nested document; long texts full of entities exceed the default of 10000
        b.startObject("settings").field("index.mapping.nested_objects.limit", NESTED_OBJECTS_LIMIT).endObject();
        b.startObject("mappings");
        b.startArray("dynamic_templates");
        for (String target : targets) {
            b.startObject().startObject("polyspan_" + target + "_by_label")
                    .field("path_match", target + "_by_label.*")
                    .startObject("mapping").field("type", "keyword").field("ignore_above", 1024).endObject()
                    .endObject().endObject();
        }
        b.endArray();
        b.startObject("properties");
        for (String target : targets) {
            b.startObject(target).field("type", "nested").startObject("properties");
            b.startObject("label").field("type", "keyword").endObject();
            b.startObject("text").field("type", "keyword").field("ignore_above", 1024)
                    .startObject("fields").startObject("text").field("type", "text").endObject().endObject().endObject();
            b.startObject("start").field("type", "integer").endObject();
            b.startObject("end").field("type", "integer").endObject();
            b.startObject("score").field("type", "float").endObject();
            b.startObject("field").field("type", "keyword").endObject();
            b.startObject("index").field("type", "integer").endObject();
            b.startObject("head").field("type", "keyword").endObject();
            b.endObject().endObject();
            b.startObject(target + "_by_label").field("type", "object").field("dynamic", true).endObject();
        }
        b.endObject();
        b.endObject().endObject().endObject();
    }
}
