package org.polyspan.ingest;

import org.polyspan.ProcessorTestModels;
import org.polyspan.ingest.SpanLabelingEngine.Processor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the {@code span_labeling} processor does to a document on any engine: spans and their offsets, heads, targets,
 * filters, and the failures that fail one document (which a pipeline's {@code on_failure} sees). Each shell runs every
 * scenario of {@link #all()} against its own {@link SpanLabelingEngine}. Assertions are JUnit Jupiter's, which every
 * module's tests have.
 */
public final class SpanLabelingScenarios {
    /** A scenario, named for the test reports. */
    public record Scenario(String name, Body body) {
        /**
         * Runs the scenario; a failure names it, since surefire shows a parameterized test only by its index (JUnit
         * Jupiter) or by no name at all (JUnit 4 through the vintage engine). Failures stay failures, errors stay errors.
         */
        public void run(SpanLabelingEngine<?> engine) throws Exception {
            try {
                body.run(engine);
            } catch (AssertionError e) {
                throw new AssertionError("[" + name + "] " + e.getMessage(), e);
            } catch (Exception e) {
                throw new Exception("[" + name + "] " + e, e);
            }
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** The steps and assertions of a scenario. */
    @FunctionalInterface
    public interface Body {
        <D> void run(SpanLabelingEngine<D> engine) throws Exception;
    }

    private SpanLabelingScenarios() {}

    public static List<Scenario> all() {
        return List.of(
                new Scenario("everyWordIsAPersonWithExactOffsets", SpanLabelingScenarios::everyWordIsAPersonWithExactOffsets),
                new Scenario("spansStayInsideSentencesUnlessScopeIsField", SpanLabelingScenarios::spansStayInsideSentencesUnlessScopeIsField),
                new Scenario("twoHeadsOnePassAndLabelFilter", SpanLabelingScenarios::twoHeadsOnePassAndLabelFilter),
                new Scenario("targetFieldNamesBothOutputs", SpanLabelingScenarios::targetFieldNamesBothOutputs),
                new Scenario("dottedTargetFieldIsAnObjectPath", SpanLabelingScenarios::dottedTargetFieldIsAnObjectPath),
                new Scenario("targetsSendEachHeadToItsOwnField", SpanLabelingScenarios::targetsSendEachHeadToItsOwnField),
                new Scenario("minScoreDropsSpans", SpanLabelingScenarios::minScoreDropsSpans),
                new Scenario("severalFieldsAndListsOfStrings", SpanLabelingScenarios::severalFieldsAndListsOfStrings),
                new Scenario("missingFieldFailsNamingIt", SpanLabelingScenarios::missingFieldFailsNamingIt),
                new Scenario("ignoreMissingLeavesDocumentUntouched", SpanLabelingScenarios::ignoreMissingLeavesDocumentUntouched),
                new Scenario("ignoreMissingStillLabelsTheFieldsThatArePresent",
                        SpanLabelingScenarios::ignoreMissingStillLabelsTheFieldsThatArePresent),
                new Scenario("nonStringValuesAreRejected", SpanLabelingScenarios::nonStringValuesAreRejected),
                new Scenario("aFailedDocumentIsLeftAsItWas", SpanLabelingScenarios::aFailedDocumentIsLeftAsItWas),
                new Scenario("emptyAndWhitespaceGiveNoSpans", SpanLabelingScenarios::emptyAndWhitespaceGiveNoSpans),
                new Scenario("tooLongFieldIsAnError", SpanLabelingScenarios::tooLongFieldIsAnError),
                new Scenario("offsetsExactOnHardText", SpanLabelingScenarios::offsetsExactOnHardText),
                new Scenario("randomTextsKeepOffsets", SpanLabelingScenarios::randomTextsKeepOffsets));
    }

    static <D> void everyWordIsAPersonWithExactOffsets(SpanLabelingEngine<D> e) throws Exception {
        String text = "Angela Merkel visited Paris.";
        D d = processor(e, "model", "all-per", "field", "body", "heads", List.of("ner")).execute(doc(e, "body", text));
        List<String> texts = new ArrayList<>();
        for (Map<String, Object> s : spans(e, d, "spans")) {
            assertEquals("PER", s.get("label"));
            assertEquals("body", s.get("field"));
            assertEquals("ner", s.get("head"));
            assertEquals(s.get("text"), text.substring((Integer) s.get("start"), (Integer) s.get("end")));
            double score = ((Number) s.get("score")).doubleValue();
            assertTrue(score > 0.99 && score <= 1.0, "score " + score);
            texts.add((String) s.get("text"));
        }
        assertEquals(List.of("Angela", "Merkel", "visited", "Paris", "."), texts);
        assertEquals(Map.of("PER", List.of("Angela", "Merkel", "visited", "Paris", ".")), field(e, d, "spans_by_label", Map.class));
    }

    static <D> void spansStayInsideSentencesUnlessScopeIsField(SpanLabelingEngine<D> e) throws Exception {
        String text = "Angela Merkel visited Paris. Prof. Jones agreed, e.g. on Fig. 3. 東京に行った。大阪も！";
        D d = processor(e, "model", "one-span", "field", "body").execute(doc(e, "body", text));
        List<String> texts = new ArrayList<>();
        for (Map<String, Object> s : spans(e, d, "spans")) {
            assertEquals(s.get("text"), text.substring((Integer) s.get("start"), (Integer) s.get("end")));
            texts.add((String) s.get("text"));
        }
        assertEquals(List.of("Angela Merkel visited Paris.", "Prof. Jones agreed, e.g. on Fig. 3.", "東京に行った。", "大阪も！"), texts);

        D wholeField = processor(e, "model", "one-span", "field", "body", "span_scope", "field").execute(doc(e, "body", text));
        assertEquals(List.of(text), spans(e, wholeField, "spans").stream().map(s -> s.get("text")).toList());
    }

    static <D> void twoHeadsOnePassAndLabelFilter(SpanLabelingEngine<D> e) throws Exception {
        D both = processor(e, "model", "all-per", "field", "body").execute(doc(e, "body", "Rome rome"));
        List<Map<String, Object>> spans = spans(e, both, "spans");
        assertEquals(4, spans.size());
        assertEquals(List.of("ner", "ner", "places", "places"), spans.stream().map(s -> s.get("head")).toList());
        assertEquals(Map.of("PER", List.of("Rome", "rome"), "LOC", List.of("Rome", "rome")), field(e, both, "spans_by_label", Map.class));

        D onlyLoc = processor(e, "model", "all-per", "field", "body", "labels", List.of("LOC")).execute(doc(e, "body", "Rome"));
        assertEquals(List.of("LOC"), spans(e, onlyLoc, "spans").stream().map(s -> s.get("label")).toList());
    }

    static <D> void targetFieldNamesBothOutputs(SpanLabelingEngine<D> e) throws Exception {
        D d = processor(e, "model", "all-per", "field", "body", "heads", List.of("places"), "target_field", "entities")
                .execute(doc(e, "body", "Oslo"));
        assertEquals(1, spans(e, d, "entities").size());
        assertEquals(Map.of("LOC", List.of("Oslo")), field(e, d, "entities_by_label", Map.class));
        assertFalse(has(e, d, "spans"));
    }

    static <D> void dottedTargetFieldIsAnObjectPath(SpanLabelingEngine<D> e) throws Exception {
        D d = processor(e, "model", "all-per", "field", "doc.body", "heads", List.of("ner"), "target_field", "meta.entities")
                .execute(doc(e, "doc", new HashMap<>(Map.of("body", "Oslo"))));
        assertEquals(List.of("Oslo"), spans(e, d, "meta.entities").stream().map(s -> s.get("text")).toList());
        assertEquals("doc.body", spans(e, d, "meta.entities").get(0).get("field"));
        assertEquals(Map.of("PER", List.of("Oslo")), field(e, d, "meta.entities_by_label", Map.class));
    }

    static <D> void targetsSendEachHeadToItsOwnField(SpanLabelingEngine<D> e) throws Exception {
        Map<String, Object> targets = new LinkedHashMap<>();
        targets.put("entities", List.of("ner"));
        targets.put("places", List.of("places"));
        D d = processor(e, "model", "all-per", "field", "body", "targets", targets).execute(doc(e, "body", "Lima"));
        assertEquals(List.of("PER"), spans(e, d, "entities").stream().map(s -> s.get("label")).toList());
        assertEquals(List.of("LOC"), spans(e, d, "places").stream().map(s -> s.get("label")).toList());
        assertEquals(Map.of("PER", List.of("Lima")), field(e, d, "entities_by_label", Map.class));
        assertEquals(Map.of("LOC", List.of("Lima")), field(e, d, "places_by_label", Map.class));
        assertFalse(has(e, d, "spans"));
    }

    static <D> void minScoreDropsSpans(SpanLabelingEngine<D> e) throws Exception {
        D d = processor(e, "model", "all-per", "field", "body", "min_score", 1.0).execute(doc(e, "body", "Oslo"));
        assertTrue(spans(e, d, "spans").isEmpty());
        assertEquals(Map.of(), field(e, d, "spans_by_label", Map.class));
    }

    static <D> void severalFieldsAndListsOfStrings(SpanLabelingEngine<D> e) throws Exception {
        D d = processor(e, "model", "all-per", "fields", List.of("title", "tags"), "heads", List.of("ner"))
                .execute(doc(e, "title", "Ada", "tags", Arrays.asList("Bob", null, "Cy Dee")));
        List<Map<String, Object>> spans = spans(e, d, "spans");
        assertEquals(List.of("Ada", "Bob", "Cy", "Dee"), spans.stream().map(s -> s.get("text")).toList());
        assertEquals(List.of("title", "tags", "tags", "tags"), spans.stream().map(s -> s.get("field")).toList());
        assertNull(spans.get(0).get("index"));
        assertEquals(List.of(0, 2, 2), spans.subList(1, 4).stream().map(s -> s.get("index")).toList());
        assertEquals(3, spans.get(3).get("start"));
    }

    static <D> void missingFieldFailsNamingIt(SpanLabelingEngine<D> e) throws Exception {
        Processor<D> p = processor(e, "model", "all-per", "field", "body");
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> p.execute(doc(e, "title", "x")));
        assertTrue(missing.getMessage().contains("field [body] is missing"), missing::getMessage);
        IllegalArgumentException nul = assertThrows(IllegalArgumentException.class, () -> p.execute(doc(e, "body", null)));
        assertTrue(nul.getMessage().contains("field [body] is missing or null"), nul::getMessage);
    }

    static <D> void ignoreMissingLeavesDocumentUntouched(SpanLabelingEngine<D> e) throws Exception {
        D d = doc(e, "title", "x");
        Map<String, Object> before = snapshot(e, d);
        processor(e, "model", "all-per", "field", "body", "ignore_missing", true).execute(d);
        assertEquals(before, snapshot(e, d));

        D nul = doc(e, "body", null);
        Map<String, Object> beforeNull = snapshot(e, nul);
        processor(e, "model", "all-per", "field", "body", "ignore_missing", true).execute(nul);
        assertEquals(beforeNull, snapshot(e, nul));
    }

    static <D> void ignoreMissingStillLabelsTheFieldsThatArePresent(SpanLabelingEngine<D> e) throws Exception {
        D d = processor(e, "model", "all-per", "fields", List.of("title", "body"), "heads", List.of("ner"), "ignore_missing", true)
                .execute(doc(e, "body", "Oslo"));
        assertEquals(List.of("body"), spans(e, d, "spans").stream().map(s -> s.get("field")).toList());
    }

    static <D> void nonStringValuesAreRejected(SpanLabelingEngine<D> e) throws Exception {
        Processor<D> p = processor(e, "model", "all-per", "field", "body");
        IllegalArgumentException number = assertThrows(IllegalArgumentException.class, () -> p.execute(doc(e, "body", 42)));
        assertTrue(number.getMessage().contains("field [body] is of type [Integer]"), number::getMessage);
        IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class, () -> p.execute(doc(e, "body", List.of("a", 1))));
        assertTrue(mixed.getMessage().contains("field [body] element [1] is of type [Integer]"), mixed::getMessage);
        IllegalArgumentException object = assertThrows(IllegalArgumentException.class, () -> p.execute(doc(e, "body", Map.of("a", "b"))));
        assertTrue(object.getMessage().contains("needs a string or a list of strings"), object::getMessage);
    }

    static <D> void aFailedDocumentIsLeftAsItWas(SpanLabelingEngine<D> e) throws Exception {
        Processor<D> p = processor(e, "model", "all-per", "fields", List.of("title", "body"));
        D d = doc(e, "title", "Ada", "body", 42);
        Map<String, Object> before = snapshot(e, d);
        assertThrows(IllegalArgumentException.class, () -> p.execute(d));
        assertEquals(before, snapshot(e, d), "no spans of the good field are written when another field fails");
    }

    static <D> void emptyAndWhitespaceGiveNoSpans(SpanLabelingEngine<D> e) throws Exception {
        Processor<D> p = processor(e, "model", "all-per", "field", "body");
        for (String text : List.of("", " ", "\t\n\u00A0 \u2003")) {
            D d = p.execute(doc(e, "body", text));
            assertTrue(spans(e, d, "spans").isEmpty());
            assertEquals(Map.of(), field(e, d, "spans_by_label", Map.class));
        }
    }

    static <D> void tooLongFieldIsAnError(SpanLabelingEngine<D> e) throws Exception {
        Processor<D> p = processor(e, "model", "all-per", "field", "body", "max_chars", 10);
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class, () -> p.execute(doc(e, "body", "a".repeat(11))));
        assertTrue(tooLong.getMessage().contains("field [body] has 11 characters, more than max_chars [10]"), tooLong::getMessage);
    }

    static <D> void offsetsExactOnHardText(SpanLabelingEngine<D> e) throws Exception {
        String text = "Zürich\u00A0und 北京市 · Москва, القاهرة 👩‍👩‍👧 e\u0301te\u0301\t" + "x".repeat(3000) + " \uD800 end \uDC00.";
        int words = ProcessorTestModels.taggableWords(e.models(), "all-per", text);
        for (String model : List.of("all-per", "tiny-heads", "tiny-hf")) {
            D d = processor(e, "model", model, "field", "body").execute(doc(e, "body", text));
            List<Map<String, Object>> spans = spans(e, d, "spans");
            for (Map<String, Object> s : spans) {
                assertEquals(s.get("text"), text.substring((Integer) s.get("start"), (Integer) s.get("end")), model + " " + s);
            }
            if (model.equals("all-per")) {
                assertEquals(2 * words, spans.size(), "all-per: one span per word and head (ner, places)");
            } else {
                assertFalse(spans.isEmpty(), model + " labelled nothing in " + words + " words: the offset checks saw no span");
            }
        }
        List<Map<String, Object>> all = spans(e, processor(e, "model", "all-per", "field", "body", "heads", List.of("ner"))
                .execute(doc(e, "body", text)), "spans");
        assertTrue(all.stream().anyMatch(s -> s.get("text").equals("北")));
        assertTrue(all.stream().anyMatch(s -> s.get("text").equals("e\u0301te\u0301")));
        assertTrue(all.stream().anyMatch(s -> s.get("text").equals("x".repeat(3000))));
        assertTrue(all.stream().anyMatch(s -> s.get("text").equals("end")));
    }

    /** all-per makes every word a span, so each random text must give exactly one span per word, each exact. */
    static <D> void randomTextsKeepOffsets(SpanLabelingEngine<D> e) throws Exception {
        Processor<D> allPer = processor(e, "model", "all-per", "field", "body", "heads", List.of("ner"));
        Processor<D> tiny = processor(e, "model", "tiny-heads", "field", "body");
        int allPerSpans = 0;
        int tinySpans = 0;
        for (int i = 0; i < 50; i++) {
            String text = e.randomText(0, 400);
            String where = " in [" + text + "] (" + e.repeatWith() + ")";
            List<Map<String, Object>> every = spans(e, allPer.execute(doc(e, "body", text)), "spans");
            assertEquals(ProcessorTestModels.taggableWords(e.models(), "all-per", text), every.size(), "spans of all-per" + where);
            List<Map<String, Object>> some = spans(e, tiny.execute(doc(e, "body", text)), "spans");
            List<Map<String, Object>> both = new ArrayList<>(every);
            both.addAll(some);
            for (Map<String, Object> s : both) {
                assertEquals(s.get("text"), text.substring((Integer) s.get("start"), (Integer) s.get("end")), s + where);
            }
            allPerSpans += every.size();
            tinySpans += some.size();
        }
        assertTrue(allPerSpans > 0, "all-per produced no span in 50 random texts (" + e.repeatWith() + ")");
        assertTrue(tinySpans > 0, "tiny-heads produced no span in 50 random texts (" + e.repeatWith() + ")");
    }

    private static <D> Processor<D> processor(SpanLabelingEngine<D> e, Object... kv) throws Exception {
        return e.processor(ProcessorTestModels.config(kv));
    }

    /** A document whose source has the given alternating keys and values (values may be null). */
    private static <D> D doc(SpanLabelingEngine<D> e, Object... kv) {
        return e.document(ProcessorTestModels.config(kv));
    }

    private static <D, T> T field(SpanLabelingEngine<D> e, D d, String path, Class<T> type) {
        return SourcePaths.get(e.sourceAndMetadata(d), path, type);
    }

    private static <D> boolean has(SpanLabelingEngine<D> e, D d, String path) {
        return SourcePaths.has(e.sourceAndMetadata(d), path);
    }

    /** A copy of the source and metadata, to compare before and after a run. */
    private static <D> Map<String, Object> snapshot(SpanLabelingEngine<D> e, D d) {
        return new HashMap<>(e.sourceAndMetadata(d));
    }

    @SuppressWarnings("unchecked")
    private static <D> List<Map<String, Object>> spans(SpanLabelingEngine<D> e, D d, String field) {
        return (List<Map<String, Object>>) field(e, d, field, List.class);
    }
}
