package org.polyspan.it;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.polyspan.it.PolyspanRest.doc;
import static org.polyspan.it.PolyspanRest.labeller;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The text-to-text path end to end on a real node: {@code span_labeling} with the tiny random-weight T5 fixtures
 * ({@code tiny-t5}, split decoders; {@code tiny-t5-merged}, optimum's merged decoder; {@code tiny-t5-spm}, a
 * SentencePiece model instead of {@code tokenizer.json}). The expected spans are not
 * written here: {@code models/recipe/tiny_t5.py} labels the same texts with the Python reference of the automaton, the
 * beam search, the word splitting, the sentence windows and the offsets ({@code pipeline_reference.json}), and every
 * span the node stores must equal those (label, text, UTF-16 offsets; score within 1e-4).
 */
class Seq2SeqPipelineIT {
    private static PolyspanRest rest;
    private static String index;
    private static String pipeline;
    private static List<String> texts;
    /** Per text, its expected spans as {label, text, start, end, score}. */
    private static List<List<JsonObject>> expected;

    @BeforeAll
    static void setUp() throws IOException {
        String models = System.getProperty("polyspan.test.models", "");
        if (models.isBlank()) {
            fail("system property polyspan.test.models is not set: run through integ-test/run-tests.sh");
        }
        Path file = Path.of(models, "tiny-t5", "pipeline_reference.json");
        if (!Files.isRegularFile(file)) {
            fail(file + " is missing: models/build-default.sh --tiny " + models + " writes it");
        }
        JsonObject ref = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        texts = new ArrayList<>();
        expected = new ArrayList<>();
        for (JsonElement t : ref.getAsJsonArray("texts")) {
            texts.add(t.getAsJsonObject().get("text").getAsString());
            List<JsonObject> spans = new ArrayList<>();
            t.getAsJsonObject().getAsJsonArray("spans").forEach(s -> spans.add(s.getAsJsonObject()));
            expected.add(spans);
        }
        rest = new PolyspanRest("seq2seq");
        index = rest.name("docs");
        pipeline = rest.name("t5");
        rest.putPipeline(pipeline, labeller(Map.of("model", "tiny-t5", "field", "body"))).expect(200);
        rest.createSpanIndex(index).expect(200);
    }

    @AfterAll
    static void cleanup() {
        if (rest != null) {
            rest.cleanup();
        }
    }



    /** The stored spans of one field (and list element) must be exactly the reference spans of that text. */
    private static void assertReference(List<JsonObject> stored, String field, Integer element, int text, String context) {
        List<JsonObject> got = stored.stream()
                .filter(s -> s.get("field").getAsString().equals(field))
                .filter(s -> element == null ? !s.has("index") : s.has("index") && s.get("index").getAsInt() == element)
                .toList();
        List<JsonObject> want = expected.get(text);
        List<String> gotKeys = got.stream().map(Seq2SeqPipelineIT::key).toList();
        List<String> wantKeys = want.stream().map(Seq2SeqPipelineIT::key).toList();
        assertEquals(wantKeys, gotKeys, () -> context + ": spans differ from the Python reference");
        for (int i = 0; i < got.size(); i++) {
            assertEquals(want.get(i).get("score").getAsDouble(), got.get(i).get("score").getAsDouble(), 1e-4,
                    context + ": score of " + gotKeys.get(i));
            assertEquals("default", got.get(i).get("head").getAsString());
        }
    }

    private static String key(JsonObject s) {
        return s.get("label").getAsString() + " \"" + s.get("text").getAsString() + "\" " + s.get("start").getAsInt() + "-" + s.get("end").getAsInt();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tiny-t5", "tiny-t5-merged", "tiny-t5-spm"})
    void simulateGivesThePythonReferenceSpans(String model) {
        List<Map<String, Object>> sources = new ArrayList<>();
        for (String t : texts) {
            sources.add(doc("body", t));
        }
        List<JsonObject> results = rest.simulate(labeller(Map.of("model", model, "field", "body")), sources);
        int total = 0;
        for (int i = 0; i < texts.size(); i++) {
            String context = model + " text #" + i;
            JsonObject r = results.get(i);
            assertTrue(r.has("doc"), () -> context + ": " + PolyspanRest.abbreviate(r.toString()));
            JsonObject source = r.getAsJsonObject("doc").getAsJsonObject("_source");
            assertEquals(texts.get(i), source.get("body").getAsString());
            List<JsonObject> spans = PolyspanRest.checkSpans(source, "spans", context);
            assertReference(spans, "body", null, i, context);
            total += spans.size();
        }
        assertTrue(total > 20, "the reference texts carry spans, got " + total);
    }

    @Test
    void indexedDocumentsStoreTheReferenceSpansAndAreSearchable() {
        for (int i = 0; i < texts.size(); i++) {
            rest.index(index, "text-" + i, pipeline, doc("body", texts.get(i), "n", i)).expect(201);
        }
        int longest = 0;
        for (int i = 0; i < texts.size(); i++) {
            JsonObject source = rest.source(index, "text-" + i);
            assertReference(PolyspanRest.checkSpans(source, "spans", "stored text #" + i), "body", null, i, "stored text #" + i);
            longest = texts.get(i).length() > texts.get(longest).length() ? i : longest;
        }
        // the multi-sentence field: find it through one of its spans with a nested query on label and text together
        JsonObject span = expected.get(longest).get(expected.get(longest).size() / 2);
        Map<String, Object> query = Map.of("query", Map.of("nested", Map.of("path", "spans", "query", Map.of("bool", Map.of(
                "filter", List.of(Map.of("term", Map.of("spans.label", span.get("label").getAsString())),
                        Map.of("term", Map.of("spans.text", span.get("text").getAsString())),
                        Map.of("term", Map.of("spans.start", span.get("start").getAsInt()))))))));
        JsonObject hits = rest.post("/" + index + "/_search", query).expect(200).json().getAsJsonObject("hits");
        assertEquals(1, hits.getAsJsonObject("total").get("value").getAsInt(), hits::toString);
        assertEquals("text-" + longest, hits.getAsJsonArray("hits").get(0).getAsJsonObject().get("_id").getAsString());
    }

    @Test
    void listElementsAndSeveralFieldsEachGetTheirReferenceSpans() {
        String p = rest.name("fields");
        rest.putPipeline(p, labeller(Map.of("model", "tiny-t5", "fields", List.of("title", "body")))).expect(200);
        rest.index(index, "fields", p, doc("title", texts.get(1), "body", texts.subList(2, 6))).expect(201);
        List<JsonObject> spans = PolyspanRest.checkSpans(rest.source(index, "fields"), "spans", "title and list body");
        assertReference(spans, "title", null, 1, "title");
        for (int e = 0; e < 4; e++) {
            assertReference(spans, "body", e, 2 + e, "body element " + e);
        }
    }

    @Test
    void bulkIndexesTheGoodDocumentsAndReportsTheBadOnes() {
        String bulkIndex = rest.name("bulk");
        int last = texts.size() - 1;
        List<Object> sources = new ArrayList<>();
        sources.add(doc("body", texts.get(0)));
        sources.add(doc("body", 12345));                 // bad: not a string
        sources.add(doc("body", texts.get(last)));       // the multi-sentence field
        sources.add(doc("title", "no body"));            // bad: missing
        sources.add(doc("body", texts.get(3)));
        JsonObject r = rest.bulk(bulkIndex, pipeline, sources).expect(200).json();
        assertTrue(r.get("errors").getAsBoolean(), r::toString);
        var items = r.getAsJsonArray("items");
        List<Integer> failed = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            JsonObject item = items.get(i).getAsJsonObject().getAsJsonObject("index");
            if (item.has("error")) {
                failed.add(i);
                assertEquals(400, item.get("status").getAsInt(), item::toString);
                assertTrue(item.getAsJsonObject("error").toString().contains("[body]"), item::toString);
            }
        }
        assertEquals(List.of(1, 3), failed, () -> PolyspanRest.abbreviate(r.toString()));
        Map<Integer, Integer> textOf = Map.of(0, 0, 2, last, 4, 3);
        for (var e : textOf.entrySet()) {
            JsonObject source = rest.source(bulkIndex, "bulk-" + e.getKey());
            assertReference(PolyspanRest.checkSpans(source, "spans", "bulk item " + e.getKey()), "body", null, e.getValue(),
                    "bulk item " + e.getKey());
        }
    }

    @Test
    void everyLayoutLoadsAndReportsItsLabels() {
        for (String id : List.of("tiny-t5", "tiny-t5-merged", "tiny-t5-spm")) {
            JsonObject r = rest.request("POST", PolyspanRest.API + "/models/" + id + "/_reload", null, null).expect(200).json();
            assertEquals("loaded", r.get("state").getAsString(), r::toString);
            JsonObject listed = null;
            for (JsonElement m : rest.get(PolyspanRest.API + "/models").expect(200).json().getAsJsonArray("models")) {
                if (m.getAsJsonObject().get("id").getAsString().equals(id)) {
                    listed = m.getAsJsonObject();
                }
            }
            JsonObject model = listed;
            assertTrue(model != null && "loaded".equals(model.get("state").getAsString()), () -> id + " after _reload: " + model);
            assertEquals("[\"PER\",\"ORG\",\"LOC\"]", model.getAsJsonObject("heads").get("default").toString(), model::toString);
        }
    }

    @Test
    void badOptionsAreRejectedWhenThePipelineIsCreated() {
        PolyspanRest.Response r = rest.putPipeline(rest.name("bad-label"),
                labeller(Map.of("model", "tiny-t5", "field", "body", "labels", List.of("PER", "DATE"))));
        assertEquals(400, r.status(), r.body());
        assertTrue(r.body().contains("DATE") && r.body().contains("labels"), r.body());
        assertFalse(r.body().contains("\tat org."), "no stack trace in the answer: " + PolyspanRest.abbreviate(r.body()));
        PolyspanRest.Response h = rest.putPipeline(rest.name("bad-head"),
                labeller(Map.of("model", "tiny-t5-merged", "field", "body", "heads", List.of("ner"))));
        assertEquals(400, h.status(), h.body());
        assertTrue(h.body().contains("ner"), h.body());
    }
}
