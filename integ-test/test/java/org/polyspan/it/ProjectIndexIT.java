package org.polyspan.it;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.polyspan.GoldData;
import org.polyspan.eval.SpanMetrics;
import org.polyspan.eval.StoredSpans;
import org.polyspan.labeling.ConllReader;
import org.polyspan.labeling.ConllSentence;
import org.polyspan.labeling.Document;
import org.polyspan.labeling.Word;
import org.polyspan.projection.SpanConversions;
import org.polyspan.projection.WordSpan;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST _plugins/polyspan/_project/index} on a real node: a source index of English Europarl sentences with their
 * gold spans (stored in the shape {@code span_labeling} writes) and the Spanish translation beside them is projected into
 * a destination index as a background task; progress through {@code GET _tasks/<id>}, re-runs without duplicates,
 * failed documents recorded, cancellation, and 400s before anything starts.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProjectIndexIT {
    private static final PolyspanRest REST = new PolyspanRest("projindex");
    private static final String PATH = PolyspanRest.API + "/_project/index";
    private static final int DOCS = 24;
    private static final int BROKEN = 2;

    private static String source;
    private static String dest;
    private static final Map<String, ConllSentence> GOLD = new LinkedHashMap<>();
    private static final Map<String, ConllSentence> GOLD_DE = new LinkedHashMap<>();
    private static final Map<String, String> SOURCE_TEXTS = new LinkedHashMap<>();

    @BeforeAll
    static void createSourceIndex() throws Exception {
        Path dir = GoldData.file("projection/europarl_ner/en-europarl.test.conll02").getParent();
        GoldData.file("projection/europarl_ner/es-europarl.test.conll02");
        GoldData.file("projection/europarl_ner/de-europarl.test.conll02");
        ConllReader reader = new ConllReader(Map.of(), Set.of());
        List<ConllSentence> en = reader.read(dir.resolve("en-europarl.test.conll02"));
        List<ConllSentence> es = reader.read(dir.resolve("es-europarl.test.conll02"));
        List<ConllSentence> de = reader.read(dir.resolve("de-europarl.test.conll02"));
        source = REST.name("source");
        dest = REST.name("dest");
        String component = REST.name("spans");
        REST.putComponentTemplate(component, REST.get(PolyspanRest.API + "/mapping_template?target_field=spans").expect(200).json()).expect(200);
        REST.putIndexTemplate(REST.name("template"), Map.of("index_patterns", List.of(source), "composed_of", List.of(component),
                "priority", 500, "template", Map.of("settings", Map.of("number_of_replicas", 0)))).expect(200);
        List<Object> docs = new ArrayList<>();
        for (int i = 0; docs.size() < DOCS - BROKEN; i++) {
            if (en.get(i).tags().stream().noneMatch(t -> !t.equals("O")) && i % 3 != 0) {
                continue; // mostly sentences with entities, a few without
            }
            Document d = Document.ofTokens(en.get(i).tokens());
            List<Map<String, Object>> spans = new ArrayList<>();
            for (WordSpan w : SpanConversions.fromTags(en.get(i).tags(), "tags")) {
                Word first = d.words().get(w.start());
                Word last = d.words().get(w.end() - 1);
                spans.add(Map.of("label", w.label(), "text", d.text().substring(first.start(), last.end()), "start", first.start(),
                        "end", last.end(), "score", 1.0, "field", "body", "head", "ner"));
            }
            // a span of another field, as span_labeling writes for several fields: not projected
            spans.add(Map.of("label", "MISC", "text", "x", "start", 0, "end", 1, "score", 1.0, "field", "title", "head", "ner"));
            GOLD.put("s" + i, es.get(i));
            GOLD_DE.put("s" + i, de.get(i));
            SOURCE_TEXTS.put("s" + i, d.text());
            docs.add(Map.of("id", "s" + i, "title", "x", "body", d.text(), "body_es", String.join(" ", es.get(i).tokens()),
                    "body_de", String.join(" ", de.get(i).tokens()), "spans", spans));
        }
        docs.add(Map.of("id", "no-translation", "body", "Obama visited Paris.",
                "spans", List.of(Map.of("label", "PER", "text", "Obama", "start", 0, "end", 5, "score", 1.0, "field", "body", "head", "ner"))));
        docs.add(Map.of("id", "overlapping", "body", "Obama visited Paris.", "body_es", "Obama visitó París.",
                "spans", List.of(Map.of("label", "PER", "start", 0, "end", 13), Map.of("label", "LOC", "start", 6, "end", 19))));
        StringBuilder nd = new StringBuilder();
        for (Object o : docs) {
            @SuppressWarnings("unchecked")
            Map<String, Object> doc = new LinkedHashMap<>((Map<String, Object>) o);
            String id = (String) doc.remove("id");
            nd.append("{\"index\":{\"_index\":\"").append(source).append("\",\"_id\":\"").append(id).append("\"}}\n")
                    .append(PolyspanRest.toJson(doc)).append('\n');
        }
        REST.createIndex(source, null).expectOk();
        JsonObject bulk = REST.request("POST", "/_bulk?refresh=true", nd.toString(), "application/x-ndjson").expect(200).json();
        assertFalse(bulk.get("errors").getAsBoolean(), () -> PolyspanRest.abbreviate(bulk.toString()));
    }

    @AfterAll
    static void cleanup() {
        REST.cleanup();
    }

    private static Map<String, Object> body(String destIndex, Object... extra) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("source_index", source);
        b.put("text_field", "body");
        b.put("spans_field", "spans");
        b.put("target_text_field", "body_es");
        b.put("dest_index", destIndex);
        b.put("copy_fields", List.of("title"));
        b.put("source_language", "en");
        b.put("target_language", "es");
        for (int i = 0; i < extra.length; i += 2) {
            b.put((String) extra[i], extra[i + 1]);
        }
        return b;
    }

    private static String start(Map<String, Object> body) {
        return REST.post(PATH, body).expect(200).json().get("task").getAsString();
    }

    /** Polls {@code GET _tasks/<id>} until the task completes; returns the stored result and the statuses seen on the way. */
    private static JsonObject await(String task, List<JsonObject> seen) throws InterruptedException {
        long deadline = System.nanoTime() + 600_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonObject r = REST.get("/_tasks/" + task).expect(200).json();
            JsonObject status = r.getAsJsonObject("task").getAsJsonObject("status");
            if (status != null) {
                seen.add(status);
            }
            if (r.get("completed").getAsBoolean()) {
                assertFalse(r.has("error"), r::toString);
                return r.getAsJsonObject("response");
            }
            Thread.sleep(250);
        }
        throw new AssertionError("task " + task + " did not finish in 10 minutes");
    }

    private static long count(String index) {
        REST.request("POST", "/" + index + "/_refresh", null, null).expect(200); // no body: Elasticsearch refuses one
        return REST.get("/" + index + "/_count").expect(200).json().get("count").getAsLong();
    }

    @Test
    @Order(1)
    void projectsEveryDocumentAsABackgroundTask() throws Exception {
        String task = start(body(dest, "batch_size", 4));
        assertTrue(task.matches("[^:]+:\\d+"), task);
        List<JsonObject> seen = new ArrayList<>();
        JsonObject response = await(task, seen);
        System.out.println("project/index: " + response);
        assertEquals(DOCS, response.get("total").getAsInt(), response::toString);
        assertEquals(DOCS, response.get("processed").getAsInt(), response::toString);
        assertEquals(DOCS - BROKEN, response.get("projected").getAsInt(), response::toString);
        assertEquals(BROKEN, response.get("failed").getAsInt(), response::toString);
        assertEquals(0, response.get("skipped").getAsInt());
        assertEquals((DOCS + 3) / 4, response.get("batches").getAsInt());
        // every projected source text went through the encoder once (the broken documents fail before)
        assertEquals(DOCS - BROKEN, response.get("source_encodings").getAsInt(), response::toString);
        assertTrue(response.get("target_encodings").getAsInt() > 0, response::toString);
        List<String> failedIds = new ArrayList<>();
        for (JsonElement f : response.getAsJsonArray("failures")) {
            failedIds.add(f.getAsJsonObject().get("id").getAsString());
        }
        assertEquals(Set.of("no-translation", "overlapping"), Set.copyOf(failedIds), response::toString);
        // progress was visible while it ran: counts never go down, and the status has every field
        long last = -1;
        for (JsonObject s : seen) {
            for (String k : List.of("total", "processed", "projected", "skipped", "failed", "spans_projected", "batches")) {
                assertTrue(s.has(k), s::toString);
            }
            assertTrue(s.get("processed").getAsLong() >= last, seen::toString);
            last = s.get("processed").getAsLong();
        }
        assertFalse(seen.isEmpty(), "GET _tasks showed no status");
        // six batches of four take seconds on the default model: some poll caught the task part-way
        assertTrue(seen.stream().anyMatch(s -> s.get("processed").getAsLong() > 0 && s.get("processed").getAsLong() < DOCS),
                () -> "no part-way progress seen: " + seen);

        assertEquals(DOCS, count(dest));
        SpanMetrics metrics = new SpanMetrics();
        for (Map.Entry<String, ConllSentence> e : GOLD.entrySet()) {
            JsonObject doc = REST.source(dest, e.getKey());
            List<JsonObject> spans = PolyspanRest.checkSpans(doc, "spans", e.getKey());
            assertEquals("x", doc.get("title").getAsString(), "copy_fields");
            JsonObject meta = doc.getAsJsonObject("projection");
            assertEquals(source, meta.get("from_index").getAsString());
            assertEquals(e.getKey(), meta.get("from_id").getAsString());
            assertEquals("tproj", meta.get("method").getAsString());
            assertFalse(meta.has("error"), meta::toString);
            for (JsonObject s : spans) {
                assertEquals("body_es", s.get("field").getAsString());
                assertEquals("ner", s.get("head").getAsString());
            }
            // tag the target words from the stored character spans and score against the Spanish gold
            metrics.add(e.getValue().tags(), StoredSpans.tags(e.getValue().tokens(), spans));
        }
        System.out.printf(Locale.ROOT, "project/index Europarl en-es, %d documents: projection F1 %.3f%n", GOLD.size(), metrics.f1());
        assertTrue(metrics.f1() >= 0.8, () -> "F1 " + metrics.f1());
        JsonObject broken = REST.source(dest, "no-translation").getAsJsonObject("projection");
        assertTrue(broken.get("error").getAsString().contains("[body_es] is missing"), broken::toString);
        JsonObject overlapping = REST.source(dest, "overlapping").getAsJsonObject("projection");
        assertTrue(overlapping.get("error").getAsString().contains("source.spans[1]"), overlapping::toString);
        // the destination has the nested span mapping, so nested queries work on it
        JsonObject hits = REST.post("/" + dest + "/_search", Map.of("query", Map.of("nested", Map.of("path", "spans", "query",
                Map.of("term", Map.of("spans.label", "PER")))))).expect(200).json().getAsJsonObject("hits");
        assertTrue(hits.getAsJsonObject("total").get("value").getAsInt() > 0, hits::toString);
    }

    @Test
    @Order(2)
    void reRunsSkipWhatIsDoneAndNeverDuplicate() throws Exception {
        JsonObject again = await(start(body(dest, "batch_size", 8)), new ArrayList<>());
        assertEquals(DOCS - BROKEN, again.get("skipped").getAsInt(), again::toString);
        assertEquals(0, again.get("projected").getAsInt(), again::toString);
        assertEquals(BROKEN, again.get("failed").getAsInt(), "failed documents are tried again: " + again);
        assertEquals(DOCS, count(dest));

        // without resume every document is projected again, overwriting by id; here waiting for the answer
        JsonObject all = REST.post(PATH + "?wait_for_completion=true", body(dest, "resume", false, "method", "align",
                "query", Map.of("ids", Map.of("values", List.copyOf(GOLD.keySet()).subList(0, 5))))).expect(200).json();
        assertEquals(5, all.get("total").getAsInt(), all::toString);
        assertEquals(5, all.get("projected").getAsInt(), all::toString);
        assertEquals(DOCS, count(dest));
        String first = GOLD.keySet().iterator().next();
        assertEquals("align", REST.source(dest, first).getAsJsonObject("projection").get("method").getAsString());
    }

    @Test
    @Order(3)
    void cancelStopsBetweenBatchesAndAResumeFinishes() throws Exception {
        String cancelDest = REST.name("cancelled");
        REST.createIndex(cancelDest, Map.of("settings", Map.of("number_of_replicas", 0))).expectOk();
        String task = start(body(cancelDest, "batch_size", 1));
        // cancel part-way: once a few one-document batches are done
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (true) {
            JsonObject r = REST.get("/_tasks/" + task).expect(200).json();
            assertFalse(r.get("completed").getAsBoolean(), () -> "finished before it could be cancelled: " + r);
            if (r.getAsJsonObject("task").getAsJsonObject("status").get("processed").getAsLong() >= 3) {
                break;
            }
            assertTrue(System.nanoTime() < deadline, "no progress in 5 minutes");
            Thread.sleep(100);
        }
        REST.request("POST", "/_tasks/" + task + "/_cancel", null, null).expect(200);
        JsonObject cancelled = await(task, new ArrayList<>());
        System.out.println("cancelled project/index: " + cancelled);
        assertEquals("by user request", cancelled.get("cancelled").getAsString(), cancelled::toString);
        long done = cancelled.get("processed").getAsLong();
        assertTrue(done >= 3 && done < DOCS, () -> "cancelled between batches, not after every document: " + cancelled);
        assertEquals(done, count(cancelDest));

        JsonObject resumed = await(start(body(cancelDest, "batch_size", 8)), new ArrayList<>());
        assertEquals(cancelled.get("projected").getAsLong(), resumed.get("skipped").getAsLong(), resumed::toString);
        assertEquals(DOCS - BROKEN, resumed.get("skipped").getAsInt() + resumed.get("projected").getAsInt(), resumed::toString);
        assertEquals(DOCS, count(cancelDest));
    }

    @Test
    @Order(4)
    void translateFillsMissingTranslationsWithApertium() {
        String translatedDest = REST.name("translated");
        String stored = GOLD.keySet().iterator().next();
        JsonObject r = REST.post(PATH + "?wait_for_completion=true", body(translatedDest, "translate", true,
                "query", Map.of("ids", Map.of("values", List.of("no-translation", stored))))).expect(200).json();
        assertEquals(2, r.get("projected").getAsInt(), r::toString);
        JsonObject doc = REST.source(translatedDest, "no-translation");
        assertEquals("Obama visitó París.", doc.get("body_es").getAsString(), doc::toString);
        assertEquals("apertium", doc.getAsJsonObject("projection").get("translated_by").getAsString());
        List<JsonObject> spans = PolyspanRest.checkSpans(doc, "spans", "translated");
        assertEquals("[PER \"Obama\" 0-5]", PolyspanRest.describe(spans).toString());
        // a document with a stored translation keeps it
        JsonObject kept = REST.source(translatedDest, stored);
        assertEquals(String.join(" ", GOLD.get(stored).tokens()), kept.get("body_es").getAsString());
        assertFalse(kept.getAsJsonObject("projection").has("translated_by"), kept::toString);
    }

    @Test
    @Order(5)
    void takesTheNmtScorerLikeProject() {
        // the tiny random-weight translation fixture: exercises the path, says nothing of quality
        String nmtDest = REST.name("nmt");
        JsonObject r = REST.post(PATH + "?wait_for_completion=true", body(nmtDest, "scorer", "nmt", "nmt_model", "tiny-m2m100",
                "query", Map.of("ids", Map.of("values", List.copyOf(GOLD.keySet()).subList(0, 3))))).expect(200).json();
        assertEquals(3, r.get("projected").getAsInt(), r::toString);
        int spans = 0;
        for (String id : List.copyOf(GOLD.keySet()).subList(0, 3)) {
            // NMTScore-style scores are ratios, not probabilities: only the offsets are checked here
            JsonObject doc = REST.source(nmtDest, id);
            String target = doc.get("body_es").getAsString();
            for (JsonElement e : doc.getAsJsonArray("spans")) {
                JsonObject s = e.getAsJsonObject();
                assertEquals(target.substring(s.get("start").getAsInt(), s.get("end").getAsInt()), s.get("text").getAsString(), s::toString);
                spans++;
            }
        }
        assertTrue(spans > 0, "no span projected with the NMT scorer");
    }

    /** Projection F1 of the spans stored in {@code index} under {@code field} against the target gold. */
    private static double storedF1(String index, String field, Map<String, ConllSentence> gold) {
        SpanMetrics metrics = new SpanMetrics();
        for (Map.Entry<String, ConllSentence> e : gold.entrySet()) {
            JsonObject doc = REST.source(index, e.getKey());
            assertEquals(String.join(" ", e.getValue().tokens()), doc.get(field).getAsString());
            List<JsonObject> spans = PolyspanRest.checkSpans(doc, "spans", e.getKey());
            for (JsonObject s : spans) {
                assertEquals(field, s.get("field").getAsString());
            }
            metrics.add(e.getValue().tags(), StoredSpans.tags(e.getValue().tokens(), spans));
        }
        return metrics.f1();
    }

    @Test
    @Order(7)
    void oneJobProjectsOntoSeveralLanguagesEncodingEachSourceOnce() {
        String destEs = REST.name("multi-es");
        String destDe = REST.name("multi-de");
        Map<String, Object> b = body(null, "batch_size", 8);
        b.remove("dest_index");
        b.remove("target_text_field");
        b.remove("target_language");
        b.put("targets", List.of(Map.of("target_language", "es", "target_text_field", "body_es", "dest_index", destEs),
                Map.of("target_language", "de", "target_text_field", "body_de", "dest_index", destDe)));
        JsonObject r = REST.post(PATH + "?wait_for_completion=true", b).expect(200).json();
        System.out.println("project/index into two languages: " + r);
        // counts are per destination document
        assertEquals(2 * DOCS, r.get("total").getAsInt(), r::toString);
        assertEquals(2 * (DOCS - BROKEN), r.get("projected").getAsInt(), r::toString);
        assertEquals(2 * BROKEN, r.get("failed").getAsInt(), r::toString);
        // each source text once for both languages; each distinct translation once
        Set<String> sources = Set.copyOf(SOURCE_TEXTS.values());
        Set<String> targets = new java.util.HashSet<>();
        for (String id : GOLD.keySet()) {
            targets.add(String.join(" ", GOLD.get(id).tokens()));
            targets.add(String.join(" ", GOLD_DE.get(id).tokens()));
        }
        targets.removeAll(sources);
        assertEquals(sources.size(), r.get("source_encodings").getAsInt(), r::toString);
        assertEquals(targets.size(), r.get("target_encodings").getAsInt(), r::toString);
        for (JsonElement f : r.getAsJsonArray("failures")) {
            assertTrue(Set.of(destEs, destDe).contains(f.getAsJsonObject().get("index").getAsString()), f::toString);
        }
        assertEquals(DOCS, count(destEs));
        assertEquals(DOCS, count(destDe));
        double f1Es = storedF1(destEs, "body_es", GOLD);
        double f1De = storedF1(destDe, "body_de", GOLD_DE);
        System.out.printf(Locale.ROOT, "project/index Europarl en-es and en-de in one job, %d documents: projection F1 %.3f / %.3f%n",
                GOLD.size(), f1Es, f1De);
        assertTrue(f1Es >= 0.8 && f1De >= 0.7, () -> "F1 " + f1Es + " / " + f1De);

        // a re-run skips what is done in either language
        JsonObject again = REST.post(PATH + "?wait_for_completion=true", b).expect(200).json();
        assertEquals(2 * (DOCS - BROKEN), again.get("skipped").getAsInt(), again::toString);
        assertEquals(0, again.get("source_encodings").getAsInt(), again::toString);

        // a target's bad field is named in its entry
        Map<String, Object> bad = new LinkedHashMap<>(b);
        bad.put("targets", List.of(Map.of("target_text_field", "body_es", "dest_index", destEs),
                Map.of("target_text_field", "body_de", "dest_index", destEs)));
        assertBad(bad, "targets[1].dest_index");
        Map<String, Object> untranslatable = new LinkedHashMap<>(b);
        untranslatable.put("translate", true);
        JsonObject noGerman = REST.post(PATH, untranslatable).expect(400).json().getAsJsonObject("error");
        assertEquals("translate", noGerman.get("field").getAsString(), noGerman::toString); // Apertium has no English-German
        assertTrue(noGerman.get("reason").getAsString().contains("en->de"), noGerman::toString);
    }

    private static void assertBad(Map<String, Object> body, String field) {
        JsonObject r = REST.post(PATH, body).expect(400).json();
        assertEquals(field, r.getAsJsonObject("error").get("field").getAsString(), r::toString);
    }

    @Test
    @Order(6)
    void badRequestsAnswer400BeforeAnythingStarts() {
        Map<String, Object> noDest = body(dest);
        noDest.remove("dest_index");
        assertBad(noDest, "dest_index");
        assertBad(body(source), "dest_index");
        assertBad(body(dest, "source_index", REST.name("missing")), "source_index");
        assertBad(body(dest, "query", Map.of("no_such_query", Map.of())), "query");
        assertBad(body(dest, "methd", "align"), "methd");
        assertBad(body(dest, "method", "nmt"), "method");
        assertBad(body(dest, "model", "no-such-model"), "model");
        assertBad(body(dest, "batch_size", 0), "batch_size");
        assertBad(body(dest, "pairs", List.of()), "pairs");
        assertBad(body(dest, "target_text_field", "body"), "target_text_field");
        assertBad(body(dest, "translate", true, "target_language", "de"), "translate"); // Apertium has no English-German
        assertBad(body(dest, "scorer", "nmt", "nmt_model", "no-such-model"), "nmt_model");
        assertBad(body(dest, "scorer", "nmt", "nmt_model", "tiny-heads"), "nmt_model");
    }

    /**
     * {@code slices} on one node: the slices run as child tasks of the same node and project what one task does;
     * {@code auto} gives one slice per node; a bad value answers 400.
     */
    @Test
    @Order(8)
    void slicesOnOneNodeProjectWhatOneTaskDoes() throws Exception {
        String sliced = REST.name("dest-sliced");
        JsonObject response = await(REST.post(PATH + "?slices=2", body(sliced, "batch_size", 4)).expect(200).json().get("task")
                .getAsString(), new ArrayList<>());
        assertEquals(DOCS, response.get("processed").getAsInt(), response::toString);
        assertEquals(DOCS - BROKEN, response.get("projected").getAsInt(), response::toString);
        assertEquals(BROKEN, response.get("failed").getAsInt(), response::toString);
        JsonArray slices = response.getAsJsonArray("slices");
        assertEquals(2, slices.size(), response::toString);
        int processed = 0;
        for (JsonElement e : slices) {
            assertEquals("completed", e.getAsJsonObject().get("state").getAsString(), response::toString);
            processed += e.getAsJsonObject().get("processed").getAsInt();
        }
        assertEquals(DOCS, processed, response::toString);
        assertEquals(DOCS, count(sliced));
        // the first five documents of dest were projected again with "align" (reRunsSkipWhatIsDoneAndNeverDuplicate)
        List<String> compared = List.copyOf(GOLD.keySet()).subList(5, GOLD.size());
        for (String id : compared) {
            assertEquals(spans(REST.source(dest, id)), spans(REST.source(sliced, id)), "document " + id);
        }
        JsonObject auto = REST.post(PATH + "?slices=auto&wait_for_completion=true", body(sliced)).expect(200).json();
        assertEquals(1, auto.getAsJsonArray("slices").size(), () -> "one node, one slice: " + auto);
        assertEquals(DOCS - BROKEN, auto.get("skipped").getAsInt(), auto::toString);
        for (String bad : List.of("0", "65", "many")) {
            JsonObject r = REST.post(PATH + "?slices=" + bad, body(sliced)).expect(400).json();
            assertEquals("slices", r.getAsJsonObject("error").get("field").getAsString(), r::toString);
        }
    }

    /**
     * A job with several targets in slices: each slice projects its documents onto every language, and the parent's
     * totals and each slice's status count per destination document and carry the encoder counters.
     */
    @Test
    @Order(9)
    void severalTargetsInSlicesCountEveryLanguage() throws Exception {
        String destEs = REST.name("sliced-es");
        String destDe = REST.name("sliced-de");
        Map<String, Object> b = body(null, "batch_size", 4);
        b.remove("dest_index");
        b.remove("target_text_field");
        b.remove("target_language");
        b.put("targets", List.of(Map.of("target_language", "es", "target_text_field", "body_es", "dest_index", destEs),
                Map.of("target_language", "de", "target_text_field", "body_de", "dest_index", destDe)));
        JsonObject r = await(REST.post(PATH + "?slices=2", b).expect(200).json().get("task").getAsString(), new ArrayList<>());
        assertEquals(2 * DOCS, r.get("total").getAsInt(), r::toString);
        assertEquals(2 * DOCS, r.get("processed").getAsInt(), r::toString);
        assertEquals(2 * (DOCS - BROKEN), r.get("projected").getAsInt(), r::toString);
        assertEquals(2 * BROKEN, r.get("failed").getAsInt(), r::toString);
        // each source text once for both languages, in whichever slice it is
        assertEquals(Set.copyOf(SOURCE_TEXTS.values()).size(), r.get("source_encodings").getAsInt(), r::toString);
        assertTrue(r.get("target_encodings").getAsInt() > 0, r::toString);
        for (JsonElement f : r.getAsJsonArray("failures")) {
            assertTrue(Set.of(destEs, destDe).contains(f.getAsJsonObject().get("index").getAsString()), f::toString);
        }
        JsonArray slices = r.getAsJsonArray("slices");
        assertEquals(2, slices.size(), r::toString);
        int processed = 0;
        int sourceEncodings = 0;
        int targetEncodings = 0;
        for (JsonElement e : slices) {
            JsonObject slice = e.getAsJsonObject();
            assertEquals("completed", slice.get("state").getAsString(), r::toString);
            processed += slice.get("processed").getAsInt();
            sourceEncodings += slice.get("source_encodings").getAsInt();
            targetEncodings += slice.get("target_encodings").getAsInt();
        }
        assertEquals(2 * DOCS, processed, r::toString);
        assertEquals(r.get("source_encodings").getAsInt(), sourceEncodings, r::toString);
        assertEquals(r.get("target_encodings").getAsInt(), targetEncodings, r::toString);
        assertEquals(DOCS, count(destEs));
        assertEquals(DOCS, count(destDe));

        // a re-run in slices skips what is done in either language
        JsonObject again = REST.post(PATH + "?slices=2&wait_for_completion=true", b).expect(200).json();
        assertEquals(2 * (DOCS - BROKEN), again.get("skipped").getAsInt(), again::toString);
        assertEquals(0, again.get("source_encodings").getAsInt(), again::toString);
    }

    /** A document's spans as label@start-end, sorted. */
    private static List<String> spans(JsonObject doc) {
        List<String> out = new ArrayList<>();
        for (JsonElement e : doc.getAsJsonArray("spans")) {
            JsonObject s = e.getAsJsonObject();
            out.add(s.get("label").getAsString() + "@" + s.get("start").getAsInt() + "-" + s.get("end").getAsInt());
        }
        out.sort(null);
        return out;
    }
}
