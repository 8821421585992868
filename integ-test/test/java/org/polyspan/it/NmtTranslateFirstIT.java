package org.polyspan.it;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Translate-first with an installed translation model on a real node: {@code "translate": "tiny-m2m100"} (the tiny
 * random-weight M2M100-style fixture, installed as an extra model) must give, as each translated target, exactly the
 * text of the recipe's Python beam search ({@code translate_reference.json}); the default model projects onto it with
 * exact offsets. The same through {@code _project/index}. Unusable translators answer 400. The translations are word
 * salad: this checks the machinery, not translation quality.
 */
class NmtTranslateFirstIT {
    private static final String MODEL = "tiny-m2m100";
    private static PolyspanRest rest;
    /** The reference's English-to-Spanish cases: text and translation. */
    private static final List<String[]> EN_ES = new ArrayList<>();

    @BeforeAll
    static void setUp() throws Exception {
        rest = new PolyspanRest("nmttranslate");
        rest.get("/_cluster/health?wait_for_status=yellow&timeout=60s").expect(200);
        String models = System.getProperty("polyspan.test.models", "");
        Path file = Path.of(models).resolve(MODEL).resolve("translate_reference.json");
        if (models.isBlank() || !Files.isRegularFile(file)) {
            fail(MODEL + "/translate_reference.json not found under [" + models + "]: run integ-test/run-tests.sh");
        }
        for (JsonElement e : JsonParser.parseString(Files.readString(file)).getAsJsonObject().getAsJsonArray("cases")) {
            JsonObject c = e.getAsJsonObject();
            if (c.get("source_code").getAsString().equals("eng_Latn") && c.get("target_code").getAsString().equals("spa_Latn")) {
                EN_ES.add(new String[] {c.get("text").getAsString(), c.get("translation").getAsString()});
            }
        }
        assertTrue(EN_ES.size() >= 3, "the reference has English-to-Spanish cases");
    }

    @AfterAll
    static void cleanup() {
        rest.cleanup();
    }

    private static Map<String, Object> span(String text, String surface, String label) {
        int start = text.indexOf(surface);
        assertTrue(start >= 0, surface + " in " + text);
        return Map.of("start", start, "end", start + surface.length(), "label", label);
    }

    private static Map<String, Object> body(Object translate, String source, String target, List<?> pairs) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("source_language", source);
        b.put("target_language", target);
        b.put("translate", translate);
        b.put("pairs", pairs);
        return b;
    }

    @Test
    void missingTargetsGetTheModelsTranslation() {
        String first = EN_ES.get(0)[0];
        String second = EN_ES.get(1)[0];
        List<Object> pairs = List.of(
                Map.of("source", Map.of("text", first, "spans", List.of(span(first, "Barack Obama", "PER"), span(first, "Paris", "LOC")))),
                Map.of("source", Map.of("text", second, "spans", List.of(span(second, "European Commission", "ORG")))),
                Map.of("source", Map.of("tokens", List.of(EN_ES.get(2)[0].split(" ")), "tags", List.of("B-PER"))),
                Map.of("source", Map.of("text", "Paris", "spans", List.of(span("Paris", "Paris", "LOC"))),
                        "target", Map.of("text", "París")));
        assertEquals(1, EN_ES.get(2)[0].split(" ").length, "the third case is one word");
        JsonObject r = rest.post(PolyspanRest.API + "/_project", body(MODEL, "en", "es", pairs)).expect(200).json();
        JsonArray answers = r.getAsJsonArray("pairs");
        assertEquals(4, answers.size());
        int projected = 0;
        for (int i = 0; i < 2; i++) {
            JsonObject p = answers.get(i).getAsJsonObject();
            JsonObject target = p.getAsJsonObject("target");
            assertEquals(EN_ES.get(i)[1], target.get("text").getAsString(), "pair " + i);
            assertEquals(MODEL, target.get("translated_by").getAsString());
            int spans = p.getAsJsonArray("spans").size() + p.getAsJsonArray("unprojected").size();
            assertEquals(i == 0 ? 2 : 1, spans, p::toString);
            projected += p.getAsJsonArray("spans").size();
            for (JsonElement e : p.getAsJsonArray("spans")) {
                JsonObject s = e.getAsJsonObject();
                assertEquals(EN_ES.get(i)[1].substring(s.get("start").getAsInt(), s.get("end").getAsInt()), s.get("text").getAsString(),
                        s::toString);
            }
        }
        assertTrue(projected > 0, () -> "nothing projected onto the translations, so no offsets were checked: " + r);
        // token input: the translation's words, tagged
        JsonObject tokenPair = answers.get(2).getAsJsonObject();
        JsonArray tokens = tokenPair.getAsJsonObject("target").getAsJsonArray("tokens");
        List<String> words = new ArrayList<>();
        tokens.forEach(t -> words.add(t.getAsString()));
        assertEquals(List.of(EN_ES.get(2)[1].split(" ")), words);
        assertEquals(words.size(), tokenPair.getAsJsonArray("tags").size());
        assertFalse(answers.get(3).getAsJsonObject().has("target"), "a given target is not echoed");
    }

    private static void assertBad(Object translate, String source, String target, String field, String reasonPart) {
        PolyspanRest.Response r = rest.post(PolyspanRest.API + "/_project",
                body(translate, source, target, List.of(Map.of("source", Map.of("text", "Obama visited Paris.", "spans", List.of())))))
                .expect(400);
        JsonObject error = r.json().getAsJsonObject("error");
        assertEquals(field, error.get("field").getAsString(), r.body());
        assertTrue(error.get("reason").getAsString().contains(reasonPart), r.body());
    }

    @Test
    void unusableTranslatorsAreBadRequests() {
        assertBad("no-such-model", "en", "es", "translate", "no-such-model");
        assertBad("mbert-ner", "en", "es", "translate", "not a translation model");
        assertBad(MODEL, "en", "ja", "target_language", "[ja]");
        assertBad(MODEL, "en", "zh", "target_language", "ambiguous");
        assertBad(MODEL, "qq", "es", "source_language", "[qq]");
        assertBad(42, "en", "es", "translate", "the id of a translation model");
    }

    @Test
    void projectIndexTranslatesWithTheModel() {
        String source = rest.name("source");
        String dest = rest.name("dest");
        rest.createIndex(source, null).expectOk();
        StringBuilder nd = new StringBuilder();
        for (int i = 0; i < 2; i++) {
            String text = EN_ES.get(i)[0];
            String place = i == 0 ? "Paris" : "Berlin";
            Map<String, Object> at = span(text, place, "LOC");
            Map<String, Object> doc = Map.of("body", text, "spans", List.of(Map.of("label", "LOC", "start", at.get("start"),
                    "end", at.get("end"), "text", place, "score", 1.0, "field", "body", "head", "ner")));
            nd.append("{\"index\":{\"_index\":\"").append(source).append("\",\"_id\":\"d").append(i).append("\"}}\n")
                    .append(PolyspanRest.toJson(doc)).append('\n');
        }
        // longer than the fixture's 254 positions: this document fails, the rest of its batch does not
        nd.append("{\"index\":{\"_index\":\"").append(source).append("\",\"_id\":\"long\"}}\n")
                .append(PolyspanRest.toJson(Map.of("body", "Paris ".repeat(300).trim(), "spans", List.of()))).append('\n');
        nd.append("{\"index\":{\"_index\":\"").append(source).append("\",\"_id\":\"stored\"}}\n")
                .append(PolyspanRest.toJson(Map.of("body", "Paris", "body_es", "París", "spans", List.of()))).append('\n');
        JsonObject bulk = rest.request("POST", "/_bulk?refresh=true", nd.toString(), "application/x-ndjson").expect(200).json();
        assertFalse(bulk.get("errors").getAsBoolean(), bulk::toString);
        try {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("source_index", source);
            b.put("dest_index", dest);
            b.put("text_field", "body");
            b.put("spans_field", "spans");
            b.put("target_text_field", "body_es");
            b.put("source_language", "en");
            b.put("target_language", "es");
            b.put("translate", MODEL);
            JsonObject r = rest.post(PolyspanRest.API + "/_project/index?wait_for_completion=true", b).expect(200).json();
            assertEquals(3, r.get("projected").getAsInt(), r::toString);
            assertEquals(1, r.get("failed").getAsInt(), r::toString);
            JsonObject failedDoc = rest.source(dest, "long");
            assertTrue(failedDoc.getAsJsonObject("projection").get("error").getAsString().contains("302 tokens"), failedDoc::toString);
            for (int i = 0; i < 2; i++) {
                JsonObject doc = rest.source(dest, "d" + i);
                assertEquals(EN_ES.get(i)[1], doc.get("body_es").getAsString(), doc::toString);
                assertEquals(MODEL, doc.getAsJsonObject("projection").get("translated_by").getAsString());
                PolyspanRest.checkSpans(doc, "spans", "d" + i);
            }
            JsonObject kept = rest.source(dest, "stored");
            assertEquals("París", kept.get("body_es").getAsString());
            assertFalse(kept.getAsJsonObject("projection").has("translated_by"), kept::toString);

            b.put("target_language", "ja");
            JsonObject error = rest.post(PolyspanRest.API + "/_project/index", b).expect(400).json().getAsJsonObject("error");
            assertEquals("target_language", error.get("field").getAsString(), error::toString);
            b.put("translate", "mbert-ner");
            b.put("target_language", "es");
            error = rest.post(PolyspanRest.API + "/_project/index", b).expect(400).json().getAsJsonObject("error");
            assertEquals("translate", error.get("field").getAsString(), error::toString);
        } finally {
            rest.delete("/" + dest + "?ignore_unavailable=true");
        }
    }
}
