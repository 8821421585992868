package org.polyspan.projection;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IndexProjectionSpecTest {
    private static Map<String, Object> body(Object... extra) {
        Map<String, Object> b = new HashMap<>(Map.of("source_index", "news-en", "text_field", "body", "spans_field", "spans",
                "target_text_field", "body_es", "dest_index", "news-es"));
        for (int i = 0; i < extra.length; i += 2) {
            if (extra[i + 1] == null) {
                b.remove((String) extra[i]);
            } else {
                b.put((String) extra[i], extra[i + 1]);
            }
        }
        return b;
    }

    private static String badField(Map<String, Object> body) {
        return assertThrows(ProjectionRequest.PairException.class, () -> IndexProjectionSpec.parse(body)).field();
    }

    @Test
    void parsesItsOwnFieldsAndPassesTheRestToProject() {
        IndexProjectionSpec spec = IndexProjectionSpec.parse(body("method", "align", "target_language", "es", "batch_size", 8,
                "labels", List.of("PER"), "copy_fields", List.of("title"), "resume", false, "query", Map.of("match_all", Map.of())));
        assertEquals("news-en", spec.sourceIndex());
        assertEquals("news-es", spec.destIndex());
        assertEquals(8, spec.batchSize());
        assertEquals(Set.of("PER"), spec.labels());
        assertEquals(List.of("title"), spec.copyFields());
        assertFalse(spec.resume());
        assertEquals(Map.of("match_all", Map.of()), spec.query());
        assertEquals("es", spec.options().targetLanguage()); // the spec's own fields are not options
        assertEquals(Projector.Method.ALIGN, spec.options().method());
        assertEquals(ProjectionOptions.DEFAULT_MODEL, spec.options().model());
        assertFalse(spec.translate());
        assertTrue(IndexProjectionSpec.parse(body("translate", true, "source_language", "en", "target_language", "es")).translate());

        IndexProjectionSpec defaults = IndexProjectionSpec.parse(body());
        assertEquals(IndexProjectionSpec.DEFAULT_BATCH, defaults.batchSize());
        assertTrue(defaults.resume());
        assertNull(defaults.query());
        assertTrue(defaults.labels().isEmpty());
    }

    @Test
    void namesTheBadField() {
        assertEquals("body", badField(null));
        for (String required : List.of("source_index", "text_field", "spans_field", "target_text_field", "dest_index")) {
            assertEquals(required, badField(body(required, null)));
            assertEquals(required, badField(body(required, "")));
        }
        assertEquals("dest_index", badField(body("dest_index", "news-en")));
        assertEquals("target_text_field", badField(body("target_text_field", "body")));
        assertEquals("target_text_field", badField(body("spans_field", "projection")));
        assertEquals("batch_size", badField(body("batch_size", 0)));
        assertEquals("batch_size", badField(body("batch_size", 1.5)));
        assertEquals("resume", badField(body("resume", "yes")));
        assertEquals("query", badField(body("query", "match_all")));
        assertEquals("labels", badField(body("labels", "PER")));
        assertEquals("copy_fields", badField(body("copy_fields", List.of("spans"))));
        assertEquals("pairs", badField(body("pairs", List.of())));
        assertEquals("source_language", badField(body("translate", true, "target_language", "es")));
        // _project's own checks apply to its options
        assertEquals("method", badField(body("method", "nmt")));
        assertEquals("methd", badField(body("methd", "align")));
        assertEquals("top_k", badField(body("explain", true, "top_k", 99)));
    }
}
