package org.polyspan.projection;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IndexDocumentsTest {
    private static IndexProjectionSpec spec(Object... extra) {
        Map<String, Object> b = new HashMap<>(Map.of("source_index", "src", "text_field", "body", "spans_field", "spans",
                "target_text_field", "tr.es", "dest_index", "dst", "copy_fields", List.of("lang")));
        for (int i = 0; i < extra.length; i += 2) {
            b.put((String) extra[i], extra[i + 1]);
        }
        return IndexProjectionSpec.parse(b);
    }

    private static Map<String, Object> doc() {
        return Map.of("lang", "en", "body", "Obama visited Paris.", "title", "T", "tr", Map.of("es", "Obama visitó París."), "spans", List.of(
                Map.of("label", "LOC", "text", "Paris", "start", 14, "end", 19, "head", "ner", "field", "body"),
                Map.of("label", "PER", "text", "Obama", "start", 0, "end", 5, "head", "ner", "field", "body"),
                Map.of("label", "MISC", "text", "T", "start", 0, "end", 1, "field", "title"),
                Map.of("label", "PER", "text", "x", "start", 0, "end", 1, "field", "body", "index", 2)));
    }

    private static IndexDocuments.Prepared prepare(Map<String, Object> doc, IndexProjectionSpec spec) {
        return IndexDocuments.prepare(doc, spec, spec.targets().get(0));
    }

    @Test
    void preparesTheSpansOfTheTextFieldSortedWithTheTranslationAsTarget() {
        IndexDocuments.Prepared p = IndexDocuments.prepare(doc(), spec(), spec().targets().get(0));
        assertEquals(Map.of("source", Map.of("text", "Obama visited Paris.", "spans", List.of(
                        Map.of("start", 0, "end", 5, "label", "PER"), Map.of("start", 14, "end", 19, "label", "LOC"))),
                "target", Map.of("text", "Obama visitó París.")), p.pair());
        assertEquals(2, p.sourceSpans().size());
        // the pair is a valid _project pair
        ProjectionRequest.of(List.of(p.pair()), spec().options());

        IndexDocuments.Prepared onlyLoc = prepare(doc(), spec("labels", List.of("LOC")));
        assertEquals(1, onlyLoc.sourceSpans().size());
        Map<String, Object> noSpans = new HashMap<>(doc());
        noSpans.remove("spans");
        assertTrue(IndexDocuments.prepare(noSpans, spec(), spec().targets().get(0)).sourceSpans().isEmpty());
    }

    @Test
    void rejectsDocumentsThatCannotBeProjected() {
        Map<String, Object> missing = new HashMap<>(doc());
        missing.remove("tr");
        assertTrue(assertThrows(IndexDocuments.DocumentException.class, () -> IndexDocuments.prepare(missing, spec(), spec().targets().get(0)))
                .getMessage().contains("[tr.es] is missing"));
        Map<String, Object> list = new HashMap<>(doc());
        list.put("body", List.of("a", "b"));
        assertTrue(assertThrows(IndexDocuments.DocumentException.class, () -> IndexDocuments.prepare(list, spec(), spec().targets().get(0)))
                .getMessage().contains("[body] is a list"));
        Map<String, Object> badSpans = new HashMap<>(doc());
        badSpans.put("spans", "PER");
        assertThrows(IndexDocuments.DocumentException.class, () -> IndexDocuments.prepare(badSpans, spec(), spec().targets().get(0)));
    }

    @Test
    @SuppressWarnings("unchecked")
    void buildsTheDestinationDocument() {
        IndexProjectionSpec spec = spec();
        IndexDocuments.Prepared p = IndexDocuments.prepare(doc(), spec, spec.targets().get(0));
        Map<String, Object> answer = Map.of("spans", List.of(
                        Map.of("label", "PER", "text", "Obama", "start", 0, "end", 5, "score", 0.9, "source_index", 0),
                        Map.of("label", "LOC", "text", "París", "start", 13, "end", 18, "score", 0.8, "source_index", 1)),
                "unprojected", List.of());
        Map<String, Object> out = IndexDocuments.projected("7", doc(), p, answer, spec, spec.targets().get(0), "tproj", "mbert-ner");
        assertEquals("en", out.get("lang"));
        assertFalse(out.containsKey("title"));
        assertEquals("Obama visitó París.", out.get("tr.es"));
        List<Map<String, Object>> spans = (List<Map<String, Object>>) out.get("spans");
        assertEquals("tr.es", spans.get(1).get("field"));
        assertEquals("ner", spans.get(1).get("head"));
        assertEquals(Map.of("PER", List.of("Obama"), "LOC", List.of("París")), out.get("spans_by_label"));
        Map<String, Object> meta = (Map<String, Object>) out.get("projection");
        assertEquals("src", meta.get("from_index"));
        assertEquals("7", meta.get("from_id"));
        assertEquals("tproj", meta.get("method"));
        assertFalse(meta.containsKey("error"));

        Map<String, Object> failed = IndexDocuments.failed("8", doc(), "bad", spec);
        assertEquals("bad", ((Map<String, Object>) failed.get("projection")).get("error"));
        assertFalse(failed.containsKey("spans"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void withTranslateADocumentWithoutTranslationIsSentWithoutTargetAndStoresTheTranslation() {
        IndexProjectionSpec spec = spec("translate", true, "source_language", "en", "target_language", "es");
        Map<String, Object> untranslated = new HashMap<>(doc());
        untranslated.remove("tr");
        IndexDocuments.Prepared p = IndexDocuments.prepare(untranslated, spec, spec.targets().get(0));
        assertFalse(p.pair().containsKey("target"));
        assertTrue(ProjectionRequest.of(List.of(p.pair()), spec.options()).needsTranslation());
        // a stored translation is still used
        assertTrue(IndexDocuments.prepare(doc(), spec, spec.targets().get(0)).pair().containsKey("target"));

        Map<String, Object> answer = Map.of("target", Map.of("text", "Obama visitó París.", "translated_by", "apertium"),
                "spans", List.of(Map.of("label", "PER", "text", "Obama", "start", 0, "end", 5, "score", 0.9, "source_index", 0)),
                "unprojected", List.of(Map.of("source_index", 1, "label", "LOC", "text", "Paris")));
        Map<String, Object> out = IndexDocuments.projected("9", untranslated, p, answer, spec, spec.targets().get(0), "tproj", "mbert-ner");
        assertEquals("Obama visitó París.", out.get("tr.es"));
        assertEquals("apertium", ((Map<String, Object>) out.get("projection")).get("translated_by"));
    }
}
