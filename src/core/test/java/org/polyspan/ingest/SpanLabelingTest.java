package org.polyspan.ingest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.polyspan.TinyModelRepository;
import org.polyspan.TinyModels;
import org.polyspan.labeling.SpanScope;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Option parsing and document labelling of the engine-neutral processor logic, with the tiny fixture model. */
class SpanLabelingTest {
    @RegisterExtension
    static final TinyModelRepository MODELS = new TinyModelRepository();

    /** A document as a plain map of top-level fields. */
    private static FieldAccess doc(Map<String, Object> fields) {
        return FieldAccess.of(fields::get, fields::put);
    }

    private static SpanLabelingOptions parse(Object... kv) {
        Map<String, Object> config = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            config.put((String) kv[i], kv[i + 1]);
        }
        SpanLabelingOptions options = SpanLabelingOptions.parse(config, MODELS.get());
        assertTrue(config.isEmpty(), () -> "every option read is removed, left: " + config);
        return options;
    }

    private static ConfigException bad(String property, Object... kv) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(kv));
        assertEquals(property, e.property(), e::getMessage);
        assertEquals("[" + property + "] " + e.reason(), e.getMessage());
        return e;
    }

    @Test
    void defaultsAndTargets() {
        SpanLabelingOptions o = parse("model", TinyModels.HEADS, "field", "body");
        assertEquals(List.of("body"), o.fields());
        assertEquals(List.of(new SpanLabelingOptions.Target("spans", List.of())), o.targets());
        assertEquals(0.0, o.minScore());
        assertFalse(o.ignoreMissing());
        assertEquals(SpanLabelingOptions.DEFAULT_MAX_CHARS, o.maxChars());
        assertEquals(List.of(), o.heads());
        assertEquals(SpanScope.SENTENCE, o.spanScope());
        assertEquals(SpanScope.FIELD, parse("model", TinyModels.HEADS, "field", "body", "span_scope", "FIELD").spanScope());

        SpanLabelingOptions t = parse("model", TinyModels.HEADS, "fields", List.of("a", "b"), "targets", Map.of("ents", "ner"),
                "min_score", "0.5", "max_chars", 10, "ignore_missing", true, "labels", List.of("PER"));
        assertEquals(List.of("a", "b"), t.fields());
        assertEquals(List.of("ner"), t.heads());
        assertEquals("ents_by_label", t.targets().get(0).flatField());
        assertEquals(0.5, t.minScore());
        assertEquals(Set.of("PER"), t.labelFilter());
    }

    @Test
    void badOptionsNameTheOption() {
        assertEquals("required property is missing", bad("model", "field", "body").reason());
        assertTrue(bad("model", "model", "no-such-model", "field", "body").reason().contains("no-such-model"));
        bad("field", "model", TinyModels.HEADS);
        bad("field", "model", TinyModels.HEADS, "field", "a", "fields", List.of("b"));
        bad("fields", "model", TinyModels.HEADS, "fields", List.of());
        bad("min_score", "model", TinyModels.HEADS, "field", "body", "min_score", 1.5);
        bad("min_score", "model", TinyModels.HEADS, "field", "body", "min_score", "high");
        bad("min_score", "model", TinyModels.HEADS, "field", "body", "min_score", "NaN"); // would drop every span
        bad("field", "model", TinyModels.HEADS, "field", " ");
        bad("max_chars", "model", TinyModels.HEADS, "field", "body", "max_chars", 0);
        bad("max_chars", "model", TinyModels.HEADS, "field", "body", "max_chars", "many");
        bad("ignore_missing", "model", TinyModels.HEADS, "field", "body", "ignore_missing", "yes");
        assertEquals("must be [sentence] or [field], got [paragraph]",
                bad("span_scope", "model", TinyModels.HEADS, "field", "body", "span_scope", "paragraph").reason());
        assertTrue(bad("heads", "model", TinyModels.HEADS, "field", "body", "heads", List.of("medical")).reason().contains("[ner]"));
        assertTrue(bad("labels", "model", TinyModels.HEADS, "field", "body", "labels", List.of("DRUG")).reason().contains("DRUG"));
        bad("targets", "model", TinyModels.HEADS, "field", "body", "targets", Map.of("x", "ner"), "target_field", "y");
        bad("targets", "model", TinyModels.HEADS, "field", "body", "targets", Map.of());
        bad("targets", "model", TinyModels.HEADS, "field", "body", "targets", Map.of("x", 3));
        bad("field", "model", TinyModels.HEADS, "field", 3);
        bad("labels", "model", TinyModels.HEADS, "field", "body", "labels", "PER");
    }

    @Test
    void targetFieldsThatClashAreRefusedWhenThePipelineIsCreated() {
        assertTrue(bad("target_field", "model", TinyModels.HEADS, "field", "body", "target_field", "body").reason()
                .contains("clashes with source field [body]"));
        assertTrue(bad("target_field", "model", TinyModels.HEADS, "field", "doc.text", "target_field", "doc").reason()
                .contains("clashes with source field [doc.text]"));
        assertTrue(bad("target_field", "model", TinyModels.HEADS, "field", "text_by_label", "target_field", "text").reason()
                .contains("target field [text_by_label] clashes with source field [text_by_label]"));
        Map<String, Object> targets = new java.util.LinkedHashMap<>();
        targets.put("ents", "ner");
        targets.put("ents_by_label", "ner");
        assertTrue(bad("targets", "model", TinyModels.HEADS, "field", "body", "targets", targets).reason()
                .contains("target field [ents_by_label] clashes with target field [ents_by_label]"));
        Map<String, Object> nested = new java.util.LinkedHashMap<>();
        nested.put("ents", "ner");
        nested.put("ents.people", "ner");
        assertTrue(bad("targets", "model", TinyModels.HEADS, "field", "body", "targets", nested).reason()
                .contains("clashes with target field [ents.people]"));
        // metadata and paths that are no field path are refused too, not found by the engine after the processor ran
        for (String meta : List.of("_id", "_index", "_routing", "_version", "_ingest.spans")) {
            assertTrue(bad("target_field", "model", TinyModels.HEADS, "field", "body", "target_field", meta).reason()
                    .contains("names the document's metadata"), meta);
        }
        assertTrue(bad("targets", "model", TinyModels.HEADS, "field", "body", "targets", Map.of("_id", "ner")).reason()
                .contains("metadata [_id]"));
        for (String path : List.of("", "..", "a.", ".a", "a..b")) {
            assertTrue(bad("target_field", "model", TinyModels.HEADS, "field", "body", "target_field", path).reason()
                    .contains("is not a field path"), path);
        }
        parse("model", TinyModels.HEADS, "field", "body", "target_field", "doc._spans"); // an underscore inside is a field
        // neighbours that only share a prefix of their names do not clash
        parse("model", TinyModels.HEADS, "field", "body", "target_field", "body_spans");
        parse("model", TinyModels.HEADS, "fields", List.of("a", "b"), "targets", Map.of("spans_a", "ner", "spans_b", "ner"));
    }

    @Test
    void labelsStringsAndListsWithExactOffsetsAndAFlatCopy() throws Exception {
        SpanLabeling labeling = new SpanLabeling(MODELS.get(), parse("model", TinyModels.HEADS, "fields", List.of("title", "body")));
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("title", "Angela Merkel besucht Paris");
        List<String> body = new ArrayList<>(List.of("Barack Obama in Berlin.", "Ein zweiter Satz über Madrid."));
        body.add(1, null);
        fields.put("body", body);
        labeling.execute(doc(fields));

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> spans = (List<Map<String, Object>>) fields.get("spans");
        @SuppressWarnings("unchecked")
        Map<String, List<String>> byLabel = (Map<String, List<String>>) fields.get("spans_by_label");
        assertFalse(spans.isEmpty(), "the tiny model tags some words (random weights, but deterministic)");
        Set<String> expectedFlat = new LinkedHashSet<>();
        for (Map<String, Object> span : spans) {
            String field = (String) span.get("field");
            String text = span.containsKey("index") ? body.get((Integer) span.get("index")) : (String) fields.get(field);
            assertEquals(span.containsKey("index"), field.equals("body"), span::toString);
            assertEquals(text.substring((Integer) span.get("start"), (Integer) span.get("end")), span.get("text"));
            assertEquals("ner", span.get("head"));
            double score = (Double) span.get("score");
            assertTrue(score >= 0 && score <= 1);
            expectedFlat.add(span.get("label") + "\u0000" + span.get("text"));
        }
        Set<String> flat = new LinkedHashSet<>();
        byLabel.forEach((label, texts) -> texts.forEach(t -> flat.add(label + "\u0000" + t)));
        assertEquals(expectedFlat, flat);
    }

    @Test
    void emptyTextGivesNoSpans() throws Exception {
        SpanLabeling labeling = new SpanLabeling(MODELS.get(), parse("model", TinyModels.HEADS, "field", "body", "target_field", "ents"));
        Map<String, Object> fields = new HashMap<>(Map.of("body", "   "));
        labeling.execute(doc(fields));
        assertEquals(List.of(), fields.get("ents"));
        assertEquals(Map.of(), fields.get("ents_by_label"));
    }

    @Test
    void badValuesFailNamingTheFieldAndMissingOnesFollowIgnoreMissing() throws Exception {
        SpanLabeling strict = new SpanLabeling(MODELS.get(), parse("model", TinyModels.HEADS, "field", "body", "max_chars", 5));
        assertEquals("field [body] is missing or null; set ignore_missing to skip such documents",
                assertThrows(IllegalArgumentException.class, () -> strict.execute(doc(new HashMap<>()))).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> strict.execute(doc(new HashMap<>(Map.of("body", 42)))))
                .getMessage().contains("field [body] is of type [Integer]"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> strict.execute(doc(new HashMap<>(Map.of("body", List.of("ok", true)))))).getMessage()
                .contains("field [body] element [1] is of type [Boolean]"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> strict.execute(doc(new HashMap<>(Map.of("body", "too long")))))
                .getMessage().contains("more than max_chars [5]"));

        SpanLabeling lenient = new SpanLabeling(MODELS.get(), parse("model", TinyModels.HEADS, "field", "body", "ignore_missing", true));
        Map<String, Object> untouched = new HashMap<>(Map.of("other", "x"));
        lenient.execute(doc(untouched));
        assertEquals(Map.of("other", "x"), untouched);
        assertNull(lenient.sources(doc(new HashMap<>())));
    }
}
