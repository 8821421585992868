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
        assertEquals("news-es", spec.targets().get(0).destIndex());
        assertEquals("body_es", spec.targets().get(0).targetTextField());
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
        assertEquals("spans_field", badField(body("spans_field", "projection")));
        // a destination the engine would refuse for every document, a system index, or one the job reads
        for (String dest : List.of("News-es", "bad name", "a*", "_x", "-x", "a:b", "x".repeat(256), ".tasks", ".hidden")) {
            assertEquals("dest_index", badField(body("dest_index", dest)), dest);
        }
        for (String source : List.of("_all", "*", "news-*", "news-en,news-*", "*-es")) {
            assertEquals("dest_index", badField(body("source_index", source)), source);
        }
        assertEquals("news-es", IndexProjectionSpec.parse(body("source_index", "news-en,archive-*")).targets().get(0).destIndex());
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

    private static Map<String, Object> twoTargets(Object... extra) {
        Map<String, Object> b = body("target_text_field", null, "dest_index", null, "targets", List.of(
                Map.of("target_language", "es", "target_text_field", "body_es", "dest_index", "news-es"),
                Map.of("target_language", "de", "target_text_field", "body_de", "dest_index", "news-de")));
        for (int i = 0; i < extra.length; i += 2) {
            b.put((String) extra[i], extra[i + 1]);
        }
        return b;
    }

    @Test
    void aJobMayProjectOntoSeveralTargetLanguages() {
        IndexProjectionSpec spec = IndexProjectionSpec.parse(twoTargets("method", "align", "source_language", "en"));
        assertEquals(2, spec.targets().size());
        IndexProjectionSpec.Target es = spec.targets().get(0);
        IndexProjectionSpec.Target de = spec.targets().get(1);
        assertEquals(List.of("body_es", "news-es", "es"), List.of(es.targetTextField(), es.destIndex(), es.targetLanguage()));
        assertEquals(List.of("body_de", "news-de", "de"), List.of(de.targetTextField(), de.destIndex(), de.targetLanguage()));
        // every target projects with the job's options and its own language
        for (IndexProjectionSpec.Target t : spec.targets()) {
            assertEquals(Projector.Method.ALIGN, t.options().method());
            assertEquals("en", t.options().sourceLanguage());
        }
        assertEquals("targets[1].target_language", de.field("target_language"));
        assertEquals("translate", de.field("translate"));
        assertEquals("project [news-en][body/spans] onto [body_es] into [news-es], [body_de] into [news-de]", spec.describe());

        // the one-target form is a list of one, its fields named as before
        IndexProjectionSpec one = IndexProjectionSpec.parse(body("target_language", "es"));
        assertEquals(1, one.targets().size());
        assertEquals("es", one.targets().get(0).targetLanguage());
        assertEquals("target_language", one.targets().get(0).field("target_language"));
        assertEquals("project [news-en][body/spans] onto [body_es] into [news-es]", one.describe());

        // with translate, each target needs its language, checked with the same rules as _project
        IndexProjectionSpec translated = IndexProjectionSpec.parse(twoTargets("translate", true, "source_language", "en"));
        assertTrue(translated.translate());
        assertTrue(translated.targets().stream().allMatch(t -> t.options().translate()));
    }

    @Test
    void namesTheBadFieldOfATarget() {
        assertEquals("target_text_field", badField(twoTargets("target_text_field", "body_es")));
        assertEquals("dest_index", badField(twoTargets("dest_index", "news-es")));
        assertEquals("target_language", badField(twoTargets("target_language", "es")));
        assertEquals("targets", badField(twoTargets("targets", List.of())));
        assertEquals("targets", badField(twoTargets("targets", "es")));
        assertEquals("targets[0]", badField(twoTargets("targets", List.of("es"))));
        assertEquals("targets[1].dest_index", badField(twoTargets("targets", List.of(
                Map.of("target_text_field", "body_es", "dest_index", "news-es"),
                Map.of("target_text_field", "body_de", "dest_index", "news-es")))));
        assertEquals("targets[0].dest_index", badField(twoTargets("targets", List.of(
                Map.of("target_text_field", "body_es", "dest_index", "news-en")))));
        assertEquals("targets[0].dest_index", badField(twoTargets("targets", List.of(Map.of("target_text_field", "body_es")))));
        assertEquals("targets[0].target_text_field", badField(twoTargets("targets", List.of(
                Map.of("target_text_field", "body", "dest_index", "news-es")))));
        assertEquals("targets[0].lang", badField(twoTargets("targets", List.of(
                Map.of("target_text_field", "body_es", "dest_index", "news-es", "lang", "es")))));
        // translate needs a language per target
        assertEquals("targets[1].target_language", badField(twoTargets("translate", true, "source_language", "en", "targets", List.of(
                Map.of("target_language", "es", "target_text_field", "body_es", "dest_index", "news-es"),
                Map.of("target_text_field", "body_de", "dest_index", "news-de")))));
        assertEquals("copy_fields", badField(twoTargets("copy_fields", List.of("body_de"))));
    }
}
