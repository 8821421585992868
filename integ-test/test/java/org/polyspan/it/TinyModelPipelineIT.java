package org.polyspan.it;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.polyspan.it.PolyspanRest.doc;
import static org.polyspan.it.PolyspanRest.labeller;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The processor end to end with the tiny random-weight fixtures. Their labels are meaningless, so these tests check
 * structure, offsets and error handling, never which entities are found.
 */
class TinyModelPipelineIT {
    private static PolyspanRest rest;
    private static String index;
    private static String pipeline;          // tiny-heads on [body], no error handling
    private static String onFailurePipeline; // same, with on_failure recording the error

    @BeforeAll
    static void setUp() {
        rest = new PolyspanRest("tiny");
        index = rest.name("docs");
        pipeline = rest.name("plain");
        onFailurePipeline = rest.name("on-failure");
        rest.putPipeline(pipeline, Map.of("description", "integration test", "processors",
                List.of(Map.of("span_labeling", Map.of("model", "tiny-heads", "field", "body"))))).expect(200);
        rest.putPipeline(onFailurePipeline, Map.of("processors",
                List.of(Map.of("span_labeling", Map.of("model", "tiny-heads", "field", "body", "tag", "labeller"))),
                "on_failure", List.of(PolyspanRest.recordFailure("ingest_error"))))
                .expect(200);
        rest.createSpanIndex(index).expect(200);
    }

    @AfterAll
    static void cleanup() {
        if (rest != null) {
            rest.cleanup();
        }
    }



    @Test
    void indexesADocumentWithSpans() {
        String body = "Angela Merkel met Emmanuel Macron in Berlin on Tuesday.";
        rest.index(index, "1", pipeline, doc("body", body, "lang", "en")).expect(201);
        JsonObject source = rest.source(index, "1");
        List<JsonObject> spans = PolyspanRest.checkSpans(source, "spans", "indexed document");
        assertFalse(spans.isEmpty(), "the random tiny model labels every word of this text with some label");
        for (JsonObject s : spans) {
            assertEquals("body", s.get("field").getAsString());
            assertEquals("ner", s.get("head").getAsString());
            assertFalse(s.has("index"), () -> "a plain string field gives spans without [index]: " + s);
        }
        assertEquals(body, source.get("body").getAsString(), "the source text is kept unchanged");
        assertEquals("en", source.get("lang").getAsString());
        // the spans are searchable as nested objects
        JsonObject hits = rest.post("/" + index + "/_search", Map.of("query", Map.of("nested", Map.of("path", "spans",
                "query", Map.of("exists", Map.of("field", "spans.label")))))).expect(200).json().getAsJsonObject("hits");
        assertTrue(hits.getAsJsonObject("total").get("value").getAsInt() >= 1, hits::toString);
    }

    @Test
    void simulateReturnsSpans() {
        List<JsonObject> results = rest.simulate(labeller(Map.of("model", "tiny-hf", "field", "text", "target_field", "ents")),
                List.of(doc("text", "Barack Obama visited London."), doc("text", "Le président visite Marseille.")));
        for (JsonObject r : results) {
            JsonObject source = r.getAsJsonObject("doc").getAsJsonObject("_source");
            List<JsonObject> spans = PolyspanRest.checkSpans(source, "ents", "simulated document");
            assertFalse(spans.isEmpty(), source::toString);
            assertFalse(source.has("spans"), () -> "target_field [ents] replaces the default [spans]: " + source);
        }
    }

    @Test
    void ignoreMissingLeavesTheDocumentUntouched() {
        String p = rest.name("ignore-missing");
        rest.putPipeline(p, labeller(Map.of("model", "tiny-heads", "field", "body", "ignore_missing", true))).expect(200);
        rest.index(index, "ignore-missing", p, doc("title", "no body here")).expect(201);
        JsonObject source = rest.source(index, "ignore-missing");
        assertFalse(source.has("spans"), source::toString);
        assertFalse(source.has("spans_by_label"), source::toString);
        assertEquals("no body here", source.get("title").getAsString());

        rest.index(index, "ignore-missing-null", p, doc("title", "null body", "body", null)).expect(201);
        assertFalse(rest.source(index, "ignore-missing-null").has("spans"));
    }

    @Test
    void missingFieldFailsTheDocument() {
        PolyspanRest.Response r = rest.index(index, "missing-plain", pipeline, doc("title", "no body"));
        assertEquals(400, r.status(), r::body);
        assertTrue(r.body().contains("body"), () -> "the error should name the field: " + r.body());
        assertEquals(404, rest.get("/" + index + "/_doc/missing-plain").status(), "the failed document is not indexed");
    }

    @Test
    void missingFieldGoesToOnFailureAndTheDocumentIsKept() {
        rest.index(index, "missing", onFailurePipeline, doc("title", "no body")).expect(201);
        JsonObject source = rest.source(index, "missing");
        assertTrue(source.has("ingest_error"), () -> "on_failure should have recorded the error: " + source);
        String error = source.get("ingest_error").getAsString();
        assertTrue(error.contains("body") && error.contains("missing"), () -> "error message: " + error);
        assertEquals("no body", source.get("title").getAsString(), "the document is not lost");
        assertFalse(source.has("spans"), source::toString);
    }

    @Test
    void ignoreFailureKeepsTheDocument() {
        String p = rest.name("ignore-failure");
        rest.putPipeline(p, labeller(Map.of("model", "tiny-heads", "field", "body", "ignore_failure", true))).expect(200);
        rest.index(index, "ignore-failure", p, doc("title", "no body")).expect(201);
        assertEquals("no body", rest.source(index, "ignore-failure").get("title").getAsString());
    }

    @Test
    void nonStringFieldsAreReportedThroughOnFailure() {
        Map<String, Object> cases = new LinkedHashMap<>();
        cases.put("number", 42);
        cases.put("boolean", true);
        cases.put("object", Map.of("text", "Angela Merkel"));
        cases.put("list-with-number", List.of("Angela Merkel", 7));
        for (var c : cases.entrySet()) {
            // the kept [body] values cannot all be mapped: keep them in _source only
            String caseIndex = rest.name("non-string-" + c.getKey());
            rest.createIndex(caseIndex, Map.of("mappings", Map.of("dynamic", false))).expect(200);
            rest.index(caseIndex, "1", onFailurePipeline, doc("body", c.getValue())).expect(201);
            JsonObject source = rest.source(caseIndex, "1");
            assertTrue(source.has("ingest_error"), () -> c.getKey() + ": on_failure should have recorded an error: " + source);
            String error = source.get("ingest_error").getAsString();
            assertTrue(error.contains("body"), () -> c.getKey() + ": error should name the field: " + error);
            assertFalse(source.has("spans"), () -> c.getKey() + ": " + source);
        }
    }

    @Test
    void emptyAndWhitespaceTextsGiveNoSpans() {
        List<String> texts = List.of("", " ", "   ", "\t", "\n\n", " \t\r\n ", "\u00A0", "\u2003\u2009", "\u3000");
        List<Map<String, Object>> sources = new ArrayList<>();
        for (String t : texts) {
            sources.add(doc("body", t));
        }
        List<JsonObject> results = rest.simulate(labeller(Map.of("model", "tiny-heads", "field", "body")), sources);
        for (int i = 0; i < texts.size(); i++) {
            String label = "text #" + i + " " + escape(texts.get(i));
            JsonObject r = results.get(i);
            assertTrue(r.has("doc"), () -> label + ": " + r);
            JsonObject source = r.getAsJsonObject("doc").getAsJsonObject("_source");
            List<JsonObject> spans = PolyspanRest.checkSpans(source, "spans", label);
            assertTrue(spans.isEmpty(), () -> label + ": spans in a blank text: " + spans);
            assertEquals(0, source.getAsJsonObject("spans_by_label").size(), () -> label + ": " + source);
        }
        rest.index(index, "empty", pipeline, doc("body", "")).expect(201);
        JsonObject stored = rest.source(index, "empty");
        assertEquals(0, stored.getAsJsonArray("spans").size(), stored::toString);
    }

    @Test
    void listOfStringsGivesSpansWithIndex() {
        List<String> body = List.of("Angela Merkel", "", "met Emmanuel Macron in Paris", "Путин в Москве");
        rest.index(index, "list", pipeline, doc("body", body)).expect(201);
        JsonObject source = rest.source(index, "list");
        List<JsonObject> spans = PolyspanRest.checkSpans(source, "spans", "list of strings");
        assertFalse(spans.isEmpty(), source::toString);
        boolean[] seen = new boolean[body.size()];
        for (JsonObject s : spans) {
            assertTrue(s.has("index"), () -> "span of a list element without [index]: " + s);
            seen[s.get("index").getAsInt()] = true;
        }
        assertFalse(seen[1], "no span in the empty element");
        assertEquals(body.size(), source.getAsJsonArray("body").size());
    }

    @Test
    void severalFieldsAreLabelled() {
        String p = rest.name("fields");
        rest.putPipeline(p, labeller(Map.of("model", "tiny-heads", "fields", List.of("title", "body"), "ignore_missing", true)))
                .expect(200);
        rest.index(index, "fields", p, doc("title", "Merkel in Paris", "body", "Angela Merkel besuchte Paris.")).expect(201);
        List<JsonObject> spans = PolyspanRest.checkSpans(rest.source(index, "fields"), "spans", "two fields");
        assertTrue(spans.stream().anyMatch(s -> s.get("field").getAsString().equals("title")), () -> PolyspanRest.describe(spans));
        assertTrue(spans.stream().anyMatch(s -> s.get("field").getAsString().equals("body")), () -> PolyspanRest.describe(spans));

        rest.index(index, "fields-one-missing", p, doc("title", "Merkel in Paris")).expect(201);
        List<JsonObject> titleOnly = PolyspanRest.checkSpans(rest.source(index, "fields-one-missing"), "spans", "one field missing");
        assertFalse(titleOnly.isEmpty(), "the title labelled above gives spans again");
        assertTrue(titleOnly.stream().allMatch(s -> s.get("field").getAsString().equals("title")));
    }

    @Test
    void labelFilterAndMinScoreAreApplied() {
        String text = "Angela Merkel met Emmanuel Macron and Pedro Sánchez in Berlin, Paris and Madrid last week.";
        List<JsonObject> all = PolyspanRest.checkSpans(rest.simulate(labeller(Map.of("model", "tiny-heads", "field", "body")),
                List.of(doc("body", text))).get(0).getAsJsonObject("doc").getAsJsonObject("_source"), "spans", "unfiltered");
        assertFalse(all.isEmpty());
        String someLabel = all.get(0).get("label").getAsString();
        List<JsonObject> filtered = PolyspanRest.checkSpans(rest.simulate(
                labeller(Map.of("model", "tiny-heads", "field", "body", "labels", List.of(someLabel))),
                List.of(doc("body", text))).get(0).getAsJsonObject("doc").getAsJsonObject("_source"), "spans", "labels filter");
        assertTrue(filtered.stream().allMatch(s -> s.get("label").getAsString().equals(someLabel)), () -> PolyspanRest.describe(filtered));
        assertEquals(all.stream().filter(s -> s.get("label").getAsString().equals(someLabel)).count(), filtered.size());

        List<JsonObject> none = PolyspanRest.checkSpans(rest.simulate(
                labeller(Map.of("model", "tiny-heads", "field", "body", "min_score", 1.0)),
                List.of(doc("body", text))).get(0).getAsJsonObject("doc").getAsJsonObject("_source"), "spans", "min_score 1");
        assertTrue(none.stream().allMatch(s -> s.get("score").getAsDouble() >= 1.0), () -> PolyspanRest.describe(none));
    }

    @Test
    void conditionalProcessorRunsOnlyWhenTheConditionHolds() {
        assumeFalse(PolyspanRest.elasticsearch(), "Elasticsearch's integ-test distribution has no lang-painless module, "
                + "so no [if] conditions (the full distribution has it; it is not published on Maven Central)");
        List<JsonObject> results = rest.simulate(
                labeller(Map.of("model", "tiny-heads", "field", "body", "if", "ctx.lang == 'de'")),
                List.of(doc("lang", "de", "body", "Angela Merkel besuchte Paris."), doc("lang", "en", "body", "Obama visited London.")));
        assertTrue(results.get(0).getAsJsonObject("doc").getAsJsonObject("_source").has("spans"), results.get(0)::toString);
        assertFalse(results.get(1).getAsJsonObject("doc").getAsJsonObject("_source").has("spans"), results.get(1)::toString);
    }

    @Test
    void maxCharsRejectsLongerTexts() {
        PolyspanRest.Response r = rest.post("/_ingest/pipeline/_simulate", Map.of(
                "pipeline", labeller(Map.of("model", "tiny-heads", "field", "body", "max_chars", 100)),
                "docs", List.of(Map.of("_source", doc("body", "word ".repeat(40))), Map.of("_source", doc("body", "short text")))));
        JsonObject json = r.expect(200).json();
        JsonObject tooLong = json.getAsJsonArray("docs").get(0).getAsJsonObject();
        assertTrue(tooLong.has("error") && tooLong.toString().contains("max_chars"), tooLong::toString);
        JsonObject ok = json.getAsJsonArray("docs").get(1).getAsJsonObject();
        assertTrue(ok.has("doc"), ok::toString);
    }

    @Test
    void bulkIndexesTheGoodDocumentsAndReportsTheBadOnes() {
        String bulkIndex = rest.name("bulk");
        List<Object> sources = new ArrayList<>();
        sources.add(doc("body", "Angela Merkel besuchte Paris."));
        sources.add(doc("body", 12345));                              // bad: not a string
        sources.add(doc("body", "Barack Obama visited London."));
        sources.add(doc("title", "no body at all"));                 // bad: missing
        sources.add(doc("body", "Pedro Sánchez viajó a Madrid."));
        sources.add(doc("body", Map.of("nested", "object")));        // bad: object
        sources.add(doc("body", List.of("Mark Rutte", "Amsterdam"))); // good: list of strings
        JsonObject r = rest.bulk(bulkIndex, pipeline, sources).expect(200).json();
        assertTrue(r.get("errors").getAsBoolean(), r::toString);
        List<Integer> failed = new ArrayList<>();
        var items = r.getAsJsonArray("items");
        assertEquals(sources.size(), items.size());
        for (int i = 0; i < items.size(); i++) {
            JsonObject item = items.get(i).getAsJsonObject().getAsJsonObject("index");
            if (item.has("error")) {
                failed.add(i);
                assertEquals(400, item.get("status").getAsInt(), item::toString);
                String reason = item.getAsJsonObject("error").toString();
                assertTrue(reason.contains("body"), () -> "per-item error should name the field: " + reason);
            } else {
                assertEquals(201, item.get("status").getAsInt(), item::toString);
            }
        }
        assertEquals(List.of(1, 3, 5), failed, () -> "failed items; response: " + PolyspanRest.abbreviate(r.toString()));
        JsonObject count = rest.get("/" + bulkIndex + "/_count").expect(200).json();
        assertEquals(4, count.get("count").getAsInt(), count::toString);
        int spans = 0;
        for (int good : List.of(0, 2, 4, 6)) {
            spans += PolyspanRest.checkSpans(rest.source(bulkIndex, "bulk-" + good), "spans", "bulk item " + good).size();
        }
        assertTrue(spans > 0, "the good bulk items were indexed without a single span");
    }

    /** Texts whose characters stress offset bookkeeping: surrogate pairs, combining marks, odd spaces, long words. */
    static List<String> hardTexts() {
        List<String> t = new ArrayList<>();
        t.add("习近平在北京会见了普京。東京大学の田中太郎さんは大阪に住んでいます。");
        t.add("서울에서 문재인 대통령이 기자회견을 열었다.");
        t.add("Владимир Путин прилетел в Санкт-Петербург; Ёлка и ёжик.");
        t.add("التقى محمد بن سلمان مع ماكرون في باريس يوم الثلاثاء.");
        t.add("בנימין נתניהו ביקר בירושלים. Mixed עברית and English.");
        t.add("नरेंद्र मोदी ने नई दिल्ली में भाषण दिया।");
        t.add("นายกรัฐมนตรีประยุทธ์เดินทางไปเชียงใหม่");
        t.add("Ελληνικά: ο Κυριάκος Μητσοτάκης στην Αθήνα.");
        t.add("👩‍👩‍👧‍👦 Angela 🇩🇪 Merkel 😀😀😀 besuchte 🏳️‍🌈 Paris 👍🏽 heute. 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𠀀𠀁");
        t.add("Jose\u0301 Garci\u0301a Ma\u0301rquez visitó Bogota\u0301; Zoe\u0308 Mu\u0308ller in Ko\u0308ln; a\u0300\u0301\u0302\u0303\u0304 x");
        t.add("José García Márquez (precomposed) visitó Bogotá.");
        t.add("Angela\u00A0Merkel\u00A0besuchte\u202FParis\u2009gestern\u2007und\u3000Berlin.");
        t.add("\tAngela\tMerkel\t\tvisited\nParis\r\nand\r\rBerlin\u000B\u000Cand\u0085Rome\u2028London\u2029Madrid");
        t.add("zero\u200Bwidth\u200Cjoiner\u200Dand\uFEFFBOM Angela\u00ADMerkel soft hyphen");
        t.add("x".repeat(5000));
        t.add("Angela Merkel " + "Donaudampfschifffahrtsgesellschaft".repeat(150) + " besuchte Paris.");
        t.add("ab" + "\u0301".repeat(300) + " Paris " + "😀".repeat(700) + " Berlin");
        t.add("   leading and trailing spaces around Angela Merkel   ");
        t.add("URL https://example.org/Angela_Merkel?x=1&y=2 e-mail angela.merkel@example.de #hashtag @mention");
        t.add("Numbers 1,234.56 and 2024-01-01 and ½ ⅓ ¾ and ﬁ ligature and ＦＵＬＬＷＩＤＴＨ Ｔｏｋｙｏ");
        StringBuilder multi = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            multi.append(i % 3 == 0 ? "Angela Merkel besuchte Paris. " : i % 3 == 1 ? "习近平访问了莫斯科。" : "Путин прилетел в Берлин. ");
        }
        t.add(multi.toString()); // longer than the tiny model's 32-token window: exercises windowing
        return t;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tiny-heads", "tiny-hf"})
    void offsetsAreExactInEveryScript(String model) {
        List<String> texts = hardTexts();
        List<Map<String, Object>> sources = new ArrayList<>();
        for (String t : texts) {
            sources.add(doc("body", t));
        }
        List<JsonObject> results = rest.simulate(labeller(Map.of("model", model, "field", "body")), sources);
        int total = 0;
        for (int i = 0; i < texts.size(); i++) {
            String context = model + " text #" + i + " (" + escape(abbreviateText(texts.get(i))) + ")";
            JsonObject r = results.get(i);
            assertTrue(r.has("doc"), () -> context + ": processing failed: " + PolyspanRest.abbreviate(r.toString()));
            JsonObject source = r.getAsJsonObject("doc").getAsJsonObject("_source");
            assertEquals(texts.get(i), source.get("body").getAsString(), () -> context + ": source text changed");
            total += PolyspanRest.checkSpans(source, "spans", context).size();
        }
        assertTrue(total > 0, "the random model should produce some spans over all texts");

        // the same texts indexed in one list field, read back from the index
        String id = "hard-texts-" + model;
        String p = rest.name("hard-" + model);
        rest.putPipeline(p, labeller(Map.of("model", model, "field", "body"))).expect(200);
        rest.index(index, id, p, doc("body", texts)).expect(201);
        List<JsonObject> listed = PolyspanRest.checkSpans(rest.source(index, id), "spans", model + " hard texts as a list");
        assertFalse(listed.isEmpty(), model + ": no span in the hard texts indexed as a list");
    }

    @Test
    void theSpanOfAWordInAHugeWordIsTheWholeWord() {
        String word = "x".repeat(5000);
        JsonObject source = rest.simulate(labeller(Map.of("model", "tiny-heads", "field", "body")),
                List.of(doc("body", "Before " + word + " after"))).get(0).getAsJsonObject("doc").getAsJsonObject("_source");
        int touching = 0;
        for (JsonObject s : PolyspanRest.checkSpans(source, "spans", "5000-char word")) {
            int start = s.get("start").getAsInt();
            int end = s.get("end").getAsInt();
            boolean inside = start < 7 + word.length() && end > 7;
            if (inside) {
                assertTrue(start >= 7 && end <= 7 + word.length(), () -> "span crosses the word boundary: " + s);
                touching++;
            }
        }
        // the fixture's weights are fixed (seeded): it tags the huge word, so the boundary check above ran
        assertTrue(touching > 0, () -> "no span on the 5000-char word: nothing was checked; " + source);
    }

    @Test
    void processedDocumentsAreSearchable() {
        rest.index(index, "search", pipeline, doc("body", "Angela Merkel besuchte Paris.")).expect(201);
        JsonObject source = rest.source(index, "search");
        List<JsonObject> spans = PolyspanRest.checkSpans(source, "spans", "search");
        JsonObject span = spans.get(0);
        Map<String, Object> query = Map.of("query", Map.of("bool", Map.of(
                "filter", List.of(Map.of("ids", Map.of("values", List.of("search"))),
                        Map.of("nested", Map.of("path", "spans", "query", Map.of("bool", Map.of("filter", List.of(
                                Map.of("term", Map.of("spans.label", span.get("label").getAsString())),
                                Map.of("term", Map.of("spans.text", span.get("text").getAsString())))))))))));
        JsonObject hits = rest.post("/" + index + "/_search", query).expect(200).json().getAsJsonObject("hits");
        assertEquals(1, hits.getAsJsonObject("total").get("value").getAsInt(), hits::toString);
        String label = span.get("label").getAsString();
        JsonObject aggs = rest.post("/" + index + "/_search", Map.of("size", 0, "query", Map.of("ids", Map.of("values", List.of("search"))),
                "aggs", Map.of("t", Map.of("terms", Map.of("field", "spans_by_label." + label))))).expect(200).json();
        List<String> keys = new ArrayList<>();
        for (JsonElement b : aggs.getAsJsonObject("aggregations").getAsJsonObject("t").getAsJsonArray("buckets")) {
            keys.add(b.getAsJsonObject().get("key").getAsString());
        }
        assertTrue(keys.contains(span.get("text").getAsString()), () -> "buckets " + keys + " for " + span);
        assertNull(source.get("ingest_error"));
    }

    private static String abbreviateText(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "... (" + s.length() + " chars)";
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c < 0x20 || (c >= 0x7f && c <= 0xa0) || Character.isWhitespace(c) && c != ' '
                    ? String.format("\\u%04X", (int) c) : String.valueOf(c));
        }
        return b.toString();
    }
}
