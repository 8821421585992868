package org.polyspan.plugin;

import org.polyspan.ProcessorTestModels;
import org.opensearch.ingest.IngestDocument;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

public class SpanLabelingProcessorTests extends SpanLabelingTestCase {
    private SpanLabelingProcessor processor(Object... kv) throws Exception {
        return factory.create(null, null, null, config(kv));
    }

    private static IngestDocument doc(Object... kv) {
        Map<String, Object> source = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            source.put((String) kv[i], kv[i + 1]);
        }
        return new IngestDocument("index", "1", null, null, null, source);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> spans(IngestDocument d, String field) {
        return (List<Map<String, Object>>) d.getFieldValue(field, List.class);
    }

    public void testEveryWordIsAPersonWithExactOffsets() throws Exception {
        String text = "Angela Merkel visited Paris.";
        IngestDocument d = processor("model", "all-per", "field", "body", "heads", List.of("ner")).execute(doc("body", text));
        List<Map<String, Object>> spans = spans(d, "spans");
        List<String> texts = new ArrayList<>();
        for (Map<String, Object> s : spans) {
            assertEquals("PER", s.get("label"));
            assertEquals("body", s.get("field"));
            assertEquals("ner", s.get("head"));
            assertEquals(s.get("text"), text.substring((Integer) s.get("start"), (Integer) s.get("end")));
            double score = ((Number) s.get("score")).doubleValue();
            assertTrue("score " + score, score > 0.99 && score <= 1.0);
            texts.add((String) s.get("text"));
        }
        assertEquals(List.of("Angela", "Merkel", "visited", "Paris", "."), texts);
        assertEquals(Map.of("PER", List.of("Angela", "Merkel", "visited", "Paris", ".")), d.getFieldValue("spans_by_label", Map.class));
    }

    public void testSpansStayInsideSentencesUnlessScopeIsField() throws Exception {
        String text = "Angela Merkel visited Paris. Prof. Jones agreed, e.g. on Fig. 3. 東京に行った。大阪も！";
        IngestDocument d = processor("model", "one-span", "field", "body").execute(doc("body", text));
        List<String> texts = new ArrayList<>();
        for (Map<String, Object> s : spans(d, "spans")) {
            assertEquals(s.get("text"), text.substring((Integer) s.get("start"), (Integer) s.get("end")));
            texts.add((String) s.get("text"));
        }
        assertEquals(List.of("Angela Merkel visited Paris.", "Prof. Jones agreed, e.g. on Fig. 3.", "東京に行った。", "大阪も！"), texts);

        IngestDocument field = processor("model", "one-span", "field", "body", "span_scope", "field").execute(doc("body", text));
        assertEquals(List.of(text), spans(field, "spans").stream().map(s -> s.get("text")).toList());
    }

    public void testTwoHeadsOnePassAndLabelFilter() throws Exception {
        IngestDocument both = processor("model", "all-per", "field", "body").execute(doc("body", "Rome rome"));
        List<Map<String, Object>> spans = spans(both, "spans");
        assertEquals(4, spans.size());
        assertEquals(List.of("ner", "ner", "places", "places"), spans.stream().map(s -> s.get("head")).toList());
        assertEquals(Map.of("PER", List.of("Rome", "rome"), "LOC", List.of("Rome", "rome")), both.getFieldValue("spans_by_label", Map.class));

        IngestDocument onlyLoc = processor("model", "all-per", "field", "body", "labels", List.of("LOC")).execute(doc("body", "Rome"));
        assertEquals(List.of("LOC"), spans(onlyLoc, "spans").stream().map(s -> s.get("label")).toList());
    }

    public void testTargetFieldNamesBothOutputs() throws Exception {
        IngestDocument d = processor("model", "all-per", "field", "body", "heads", List.of("places"), "target_field", "entities")
                .execute(doc("body", "Oslo"));
        assertEquals(1, spans(d, "entities").size());
        assertEquals(Map.of("LOC", List.of("Oslo")), d.getFieldValue("entities_by_label", Map.class));
        assertFalse(d.hasField("spans"));
    }

    public void testTargetsSendEachHeadToItsOwnField() throws Exception {
        Map<String, Object> targets = new java.util.LinkedHashMap<>();
        targets.put("entities", List.of("ner"));
        targets.put("places", List.of("places"));
        IngestDocument d = processor("model", "all-per", "field", "body", "targets", targets).execute(doc("body", "Lima"));
        assertEquals(List.of("PER"), spans(d, "entities").stream().map(s -> s.get("label")).toList());
        assertEquals(List.of("LOC"), spans(d, "places").stream().map(s -> s.get("label")).toList());
        assertEquals(Map.of("PER", List.of("Lima")), d.getFieldValue("entities_by_label", Map.class));
        assertEquals(Map.of("LOC", List.of("Lima")), d.getFieldValue("places_by_label", Map.class));
        assertFalse(d.hasField("spans"));
    }

    public void testMinScoreDropsSpans() throws Exception {
        IngestDocument d = processor("model", "all-per", "field", "body", "min_score", 1.0).execute(doc("body", "Oslo"));
        assertTrue(spans(d, "spans").isEmpty());
        assertEquals(Map.of(), d.getFieldValue("spans_by_label", Map.class));
    }

    public void testSeveralFieldsAndListsOfStrings() throws Exception {
        IngestDocument d = processor("model", "all-per", "fields", List.of("title", "tags"), "heads", List.of("ner"))
                .execute(doc("title", "Ada", "tags", Arrays.asList("Bob", null, "Cy Dee")));
        List<Map<String, Object>> spans = spans(d, "spans");
        assertEquals(List.of("Ada", "Bob", "Cy", "Dee"), spans.stream().map(s -> s.get("text")).toList());
        assertEquals(List.of("title", "tags", "tags", "tags"), spans.stream().map(s -> s.get("field")).toList());
        assertNull(spans.get(0).get("index"));
        assertEquals(List.of(0, 2, 2), spans.subList(1, 4).stream().map(s -> s.get("index")).toList());
        assertEquals(3, spans.get(3).get("start"));
    }

    public void testMissingFieldFailsNamingIt() throws Exception {
        SpanLabelingProcessor p = processor("model", "all-per", "field", "body");
        IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> p.execute(doc("title", "x")));
        assertTrue(e.getMessage(), e.getMessage().contains("field [body] is missing"));
        IllegalArgumentException nul = expectThrows(IllegalArgumentException.class, () -> p.execute(doc("body", null)));
        assertTrue(nul.getMessage(), nul.getMessage().contains("field [body] is missing or null"));
    }

    public void testIgnoreMissingLeavesDocumentUntouched() throws Exception {
        IngestDocument d = doc("title", "x");
        Map<String, Object> before = new HashMap<>(d.getSourceAndMetadata());
        processor("model", "all-per", "field", "body", "ignore_missing", true).execute(d);
        assertEquals(before, d.getSourceAndMetadata());
    }

    public void testNonStringValuesAreRejected() throws Exception {
        SpanLabelingProcessor p = processor("model", "all-per", "field", "body");
        IllegalArgumentException number = expectThrows(IllegalArgumentException.class, () -> p.execute(doc("body", 42)));
        assertTrue(number.getMessage(), number.getMessage().contains("field [body] is of type [Integer]"));
        IllegalArgumentException mixed = expectThrows(IllegalArgumentException.class, () -> p.execute(doc("body", List.of("a", 1))));
        assertTrue(mixed.getMessage(), mixed.getMessage().contains("field [body] element [1] is of type [Integer]"));
        IllegalArgumentException object = expectThrows(IllegalArgumentException.class, () -> p.execute(doc("body", Map.of("a", "b"))));
        assertTrue(object.getMessage(), object.getMessage().contains("needs a string or a list of strings"));
    }

    public void testEmptyAndWhitespaceGiveNoSpans() throws Exception {
        SpanLabelingProcessor p = processor("model", "all-per", "field", "body");
        for (String text : List.of("", " ", "\t\n\u00A0 \u2003")) {
            IngestDocument d = p.execute(doc("body", text));
            assertTrue(spans(d, "spans").isEmpty());
            assertEquals(Map.of(), d.getFieldValue("spans_by_label", Map.class));
        }
    }

    public void testTooLongFieldIsAnError() throws Exception {
        SpanLabelingProcessor p = processor("model", "all-per", "field", "body", "max_chars", 10);
        IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> p.execute(doc("body", "a".repeat(11))));
        assertTrue(e.getMessage(), e.getMessage().contains("field [body] has 11 characters, more than max_chars [10]"));
    }

    public void testOffsetsExactOnHardText() throws Exception {
        String text = "Zürich\u00A0und 北京市 · Москва, القاهرة 👩‍👩‍👧 e\u0301te\u0301\t" + "x".repeat(3000) + " \uD800 end \uDC00.";
        int words = ProcessorTestModels.taggableWords(models, "all-per", text);
        for (String model : List.of("all-per", "tiny-heads", "tiny-hf")) {
            IngestDocument d = processor("model", model, "field", "body").execute(doc("body", text));
            List<Map<String, Object>> spans = spans(d, "spans");
            for (Map<String, Object> s : spans) {
                assertEquals(model + " " + s, s.get("text"), text.substring((Integer) s.get("start"), (Integer) s.get("end")));
            }
            if (model.equals("all-per")) {
                assertEquals("all-per: one span per word and head (ner, places)", 2 * words, spans.size());
            } else {
                assertFalse(model + " labelled nothing in " + words + " words: the offset checks saw no span", spans.isEmpty());
            }
        }
        List<Map<String, Object>> all = spans(processor("model", "all-per", "field", "body", "heads", List.of("ner")).execute(doc("body", text)), "spans");
        assertTrue(all.stream().anyMatch(s -> s.get("text").equals("北")));
        assertTrue(all.stream().anyMatch(s -> s.get("text").equals("e\u0301te\u0301")));
        assertTrue(all.stream().anyMatch(s -> s.get("text").equals("x".repeat(3000))));
        assertTrue(all.stream().anyMatch(s -> s.get("text").equals("end")));
    }

    /** all-per makes every word a span, so each random text must give exactly one span per word, each exact. */
    public void testRandomTextsKeepOffsets() throws Exception {
        SpanLabelingProcessor allPer = processor("model", "all-per", "field", "body", "heads", List.of("ner"));
        SpanLabelingProcessor random = processor("model", "tiny-heads", "field", "body");
        int allPerSpans = 0;
        int randomSpans = 0;
        for (int i = 0; i < 50; i++) {
            String text = randomRealisticUnicodeOfLengthBetween(0, 400);
            List<Map<String, Object>> every = spans(allPer.execute(doc("body", text)), "spans");
            assertEquals("spans of all-per in [" + text + "]", ProcessorTestModels.taggableWords(models, "all-per", text), every.size());
            List<Map<String, Object>> some = spans(random.execute(doc("body", text)), "spans");
            for (Map<String, Object> s : concat(every, some)) {
                assertEquals(s.get("text"), text.substring((Integer) s.get("start"), (Integer) s.get("end")));
            }
            allPerSpans += every.size();
            randomSpans += some.size();
        }
        assertTrue("all-per produced no span in 50 random texts", allPerSpans > 0);
        assertTrue("tiny-heads produced no span in 50 random texts", randomSpans > 0);
    }

    private static List<Map<String, Object>> concat(List<Map<String, Object>> a, List<Map<String, Object>> b) {
        List<Map<String, Object>> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
