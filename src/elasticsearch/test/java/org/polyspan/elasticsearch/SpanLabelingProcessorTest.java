package org.polyspan.elasticsearch;

import org.polyspan.ProcessorTestModels;
import org.elasticsearch.ingest.IngestDocument;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the {@code span_labeling} processor does to a document on Elasticsearch: spans and their offsets, heads, targets,
 * filters, and the failures that fail one document (which a pipeline's {@code on_failure} sees). Documents go through
 * the asynchronous {@code execute} that pipelines call, labelled on the calling thread.
 */
class SpanLabelingProcessorTest extends SpanLabelingTestCase {
    private SpanLabelingProcessor processor(Object... kv) {
        return factory.create(Map.of(), null, null, config(kv));
    }

    @Test
    void theSynchronousExecuteRefusesByDesign() {
        SpanLabelingProcessor p = processor("model", "all-per", "field", "body");
        IngestDocument d = doc("body", "Oslo");
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> p.execute(d));
        assertEquals("span_labeling runs asynchronously", e.getMessage());
        assertFalse(d.hasField("spans"));
    }

    @Test
    void everyWordIsAPersonWithExactOffsets() throws Exception {
        String text = "Angela Merkel visited Paris.";
        IngestDocument d = run(processor("model", "all-per", "field", "body", "heads", List.of("ner")), doc("body", text));
        List<String> texts = new ArrayList<>();
        for (Map<String, Object> s : spans(d, "spans")) {
            assertEquals("PER", s.get("label"));
            assertEquals("body", s.get("field"));
            assertEquals("ner", s.get("head"));
            assertEquals(s.get("text"), text.substring((Integer) s.get("start"), (Integer) s.get("end")));
            double score = ((Number) s.get("score")).doubleValue();
            assertTrue(score > 0.99 && score <= 1.0, "score " + score);
            texts.add((String) s.get("text"));
        }
        assertEquals(List.of("Angela", "Merkel", "visited", "Paris", "."), texts);
        assertEquals(Map.of("PER", List.of("Angela", "Merkel", "visited", "Paris", ".")), d.getFieldValue("spans_by_label", Map.class));
    }

    @Test
    void spansStayInsideSentencesUnlessScopeIsField() throws Exception {
        String text = "Angela Merkel visited Paris. Prof. Jones agreed, e.g. on Fig. 3. 東京に行った。大阪も！";
        IngestDocument d = run(processor("model", "one-span", "field", "body"), doc("body", text));
        List<String> texts = new ArrayList<>();
        for (Map<String, Object> s : spans(d, "spans")) {
            assertEquals(s.get("text"), text.substring((Integer) s.get("start"), (Integer) s.get("end")));
            texts.add((String) s.get("text"));
        }
        assertEquals(List.of("Angela Merkel visited Paris.", "Prof. Jones agreed, e.g. on Fig. 3.", "東京に行った。", "大阪も！"), texts);

        IngestDocument field = run(processor("model", "one-span", "field", "body", "span_scope", "field"), doc("body", text));
        assertEquals(List.of(text), spans(field, "spans").stream().map(s -> s.get("text")).toList());
    }

    @Test
    void twoHeadsOnePassAndLabelFilter() throws Exception {
        IngestDocument both = run(processor("model", "all-per", "field", "body"), doc("body", "Rome rome"));
        List<Map<String, Object>> spans = spans(both, "spans");
        assertEquals(4, spans.size());
        assertEquals(List.of("ner", "ner", "places", "places"), spans.stream().map(s -> s.get("head")).toList());
        assertEquals(Map.of("PER", List.of("Rome", "rome"), "LOC", List.of("Rome", "rome")), both.getFieldValue("spans_by_label", Map.class));

        IngestDocument onlyLoc = run(processor("model", "all-per", "field", "body", "labels", List.of("LOC")), doc("body", "Rome"));
        assertEquals(List.of("LOC"), spans(onlyLoc, "spans").stream().map(s -> s.get("label")).toList());
    }

    @Test
    void targetFieldNamesBothOutputs() throws Exception {
        IngestDocument d = run(processor("model", "all-per", "field", "body", "heads", List.of("places"), "target_field", "entities"),
                doc("body", "Oslo"));
        assertEquals(1, spans(d, "entities").size());
        assertEquals(Map.of("LOC", List.of("Oslo")), d.getFieldValue("entities_by_label", Map.class));
        assertFalse(d.hasField("spans"));
    }

    @Test
    void dottedTargetFieldIsAnObjectPath() throws Exception {
        IngestDocument d = run(processor("model", "all-per", "field", "doc.body", "heads", List.of("ner"), "target_field", "meta.entities"),
                doc("doc", new HashMap<>(Map.of("body", "Oslo"))));
        assertEquals(List.of("Oslo"), spans(d, "meta.entities").stream().map(s -> s.get("text")).toList());
        assertEquals("doc.body", spans(d, "meta.entities").get(0).get("field"));
        assertEquals(Map.of("PER", List.of("Oslo")), d.getFieldValue("meta.entities_by_label", Map.class));
    }

    @Test
    void targetsSendEachHeadToItsOwnField() throws Exception {
        Map<String, Object> targets = new LinkedHashMap<>();
        targets.put("entities", List.of("ner"));
        targets.put("places", List.of("places"));
        IngestDocument d = run(processor("model", "all-per", "field", "body", "targets", targets), doc("body", "Lima"));
        assertEquals(List.of("PER"), spans(d, "entities").stream().map(s -> s.get("label")).toList());
        assertEquals(List.of("LOC"), spans(d, "places").stream().map(s -> s.get("label")).toList());
        assertEquals(Map.of("PER", List.of("Lima")), d.getFieldValue("entities_by_label", Map.class));
        assertEquals(Map.of("LOC", List.of("Lima")), d.getFieldValue("places_by_label", Map.class));
        assertFalse(d.hasField("spans"));
    }

    @Test
    void minScoreDropsSpans() throws Exception {
        IngestDocument d = run(processor("model", "all-per", "field", "body", "min_score", 1.0), doc("body", "Oslo"));
        assertTrue(spans(d, "spans").isEmpty());
        assertEquals(Map.of(), d.getFieldValue("spans_by_label", Map.class));
    }

    @Test
    void severalFieldsAndListsOfStrings() throws Exception {
        IngestDocument d = run(processor("model", "all-per", "fields", List.of("title", "tags"), "heads", List.of("ner")),
                doc("title", "Ada", "tags", Arrays.asList("Bob", null, "Cy Dee")));
        List<Map<String, Object>> spans = spans(d, "spans");
        assertEquals(List.of("Ada", "Bob", "Cy", "Dee"), spans.stream().map(s -> s.get("text")).toList());
        assertEquals(List.of("title", "tags", "tags", "tags"), spans.stream().map(s -> s.get("field")).toList());
        assertNull(spans.get(0).get("index"));
        assertEquals(List.of(0, 2, 2), spans.subList(1, 4).stream().map(s -> s.get("index")).toList());
        assertEquals(3, spans.get(3).get("start"));
    }

    @Test
    void missingFieldFailsNamingIt() {
        SpanLabelingProcessor p = processor("model", "all-per", "field", "body");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(p, doc("title", "x")));
        assertTrue(e.getMessage().contains("field [body] is missing"), e::getMessage);
        IllegalArgumentException nul = assertThrows(IllegalArgumentException.class, () -> run(p, doc("body", null)));
        assertTrue(nul.getMessage().contains("field [body] is missing or null"), nul::getMessage);
    }

    @Test
    void ignoreMissingLeavesDocumentUntouched() throws Exception {
        IngestDocument d = doc("title", "x");
        Map<String, Object> before = new HashMap<>(d.getSourceAndMetadata());
        run(processor("model", "all-per", "field", "body", "ignore_missing", true), d);
        assertEquals(before, d.getSourceAndMetadata());

        IngestDocument nul = doc("body", null);
        Map<String, Object> beforeNull = new HashMap<>(nul.getSourceAndMetadata());
        run(processor("model", "all-per", "field", "body", "ignore_missing", true), nul);
        assertEquals(beforeNull, nul.getSourceAndMetadata());
    }

    @Test
    void ignoreMissingStillLabelsTheFieldsThatArePresent() throws Exception {
        IngestDocument d = run(processor("model", "all-per", "fields", List.of("title", "body"), "heads", List.of("ner"),
                "ignore_missing", true), doc("body", "Oslo"));
        assertEquals(List.of("body"), spans(d, "spans").stream().map(s -> s.get("field")).toList());
    }

    @Test
    void nonStringValuesAreRejected() {
        SpanLabelingProcessor p = processor("model", "all-per", "field", "body");
        IllegalArgumentException number = assertThrows(IllegalArgumentException.class, () -> run(p, doc("body", 42)));
        assertTrue(number.getMessage().contains("field [body] is of type [Integer]"), number::getMessage);
        IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class, () -> run(p, doc("body", List.of("a", 1))));
        assertTrue(mixed.getMessage().contains("field [body] element [1] is of type [Integer]"), mixed::getMessage);
        IllegalArgumentException object = assertThrows(IllegalArgumentException.class, () -> run(p, doc("body", Map.of("a", "b"))));
        assertTrue(object.getMessage().contains("needs a string or a list of strings"), object::getMessage);
    }

    @Test
    void aFailedDocumentIsLeftAsItWas() {
        SpanLabelingProcessor p = processor("model", "all-per", "fields", List.of("title", "body"));
        IngestDocument d = doc("title", "Ada", "body", 42);
        Map<String, Object> before = new HashMap<>(d.getSourceAndMetadata());
        assertThrows(IllegalArgumentException.class, () -> run(p, d));
        assertEquals(before, d.getSourceAndMetadata(), "no spans of the good field are written when another field fails");
    }

    @Test
    void emptyAndWhitespaceGiveNoSpans() throws Exception {
        SpanLabelingProcessor p = processor("model", "all-per", "field", "body");
        for (String text : List.of("", " ", "\t\n\u00A0 \u2003")) {
            IngestDocument d = run(p, doc("body", text));
            assertTrue(spans(d, "spans").isEmpty());
            assertEquals(Map.of(), d.getFieldValue("spans_by_label", Map.class));
        }
    }

    @Test
    void tooLongFieldIsAnError() {
        SpanLabelingProcessor p = processor("model", "all-per", "field", "body", "max_chars", 10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(p, doc("body", "a".repeat(11))));
        assertTrue(e.getMessage().contains("field [body] has 11 characters, more than max_chars [10]"), e::getMessage);
    }

    @Test
    void offsetsExactOnHardText() throws Exception {
        String text = "Zürich\u00A0und 北京市 · Москва, القاهرة 👩‍👩‍👧 e\u0301te\u0301\t" + "x".repeat(3000) + " \uD800 end \uDC00.";
        int words = ProcessorTestModels.taggableWords(models, "all-per", text);
        for (String model : List.of("all-per", "tiny-heads", "tiny-hf")) {
            IngestDocument d = run(processor("model", model, "field", "body"), doc("body", text));
            List<Map<String, Object>> spans = spans(d, "spans");
            for (Map<String, Object> s : spans) {
                assertEquals(s.get("text"), text.substring((Integer) s.get("start"), (Integer) s.get("end")), model + " " + s);
            }
            if (model.equals("all-per")) {
                assertEquals(2 * words, spans.size(), "all-per: one span per word and head (ner, places)");
            } else {
                assertFalse(spans.isEmpty(), model + " labelled nothing in " + words + " words: the offset checks saw no span");
            }
        }
        List<Map<String, Object>> all = spans(run(processor("model", "all-per", "field", "body", "heads", List.of("ner")),
                doc("body", text)), "spans");
        assertTrue(all.stream().anyMatch(s -> s.get("text").equals("北")));
        assertTrue(all.stream().anyMatch(s -> s.get("text").equals("e\u0301te\u0301")));
        assertTrue(all.stream().anyMatch(s -> s.get("text").equals("x".repeat(3000))));
        assertTrue(all.stream().anyMatch(s -> s.get("text").equals("end")));
    }

    /** all-per makes every word a span, so each random text must give exactly one span per word, each exact. */
    @Test
    void randomTextsKeepOffsets() throws Exception {
        long seed = Long.getLong("polyspan.test.seed", System.nanoTime());
        Random random = new Random(seed);
        SpanLabelingProcessor allPer = processor("model", "all-per", "field", "body", "heads", List.of("ner"));
        SpanLabelingProcessor tiny = processor("model", "tiny-heads", "field", "body");
        int allPerSpans = 0;
        int tinySpans = 0;
        for (int i = 0; i < 50; i++) {
            String text = RandomTexts.realisticUnicode(random, 0, 400);
            String where = " in [" + text + "] (-Dpolyspan.test.seed=" + seed + ")";
            List<Map<String, Object>> every = spans(run(allPer, doc("body", text)), "spans");
            assertEquals(ProcessorTestModels.taggableWords(models, "all-per", text), every.size(), "spans of all-per" + where);
            List<Map<String, Object>> some = spans(run(tiny, doc("body", text)), "spans");
            List<Map<String, Object>> both = new ArrayList<>(every);
            both.addAll(some);
            for (Map<String, Object> s : both) {
                assertEquals(s.get("text"), text.substring((Integer) s.get("start"), (Integer) s.get("end")), s + where);
            }
            allPerSpans += every.size();
            tinySpans += some.size();
        }
        assertTrue(allPerSpans > 0, "all-per produced no span in 50 random texts (-Dpolyspan.test.seed=" + seed + ")");
        assertTrue(tinySpans > 0, "tiny-heads produced no span in 50 random texts (-Dpolyspan.test.seed=" + seed + ")");
    }
}
