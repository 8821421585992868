package org.polyspan.it;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code _project} with {@code "scorer": "nmt"} on a real node, with the tiny random-weight M2M100-style fixture
 * ({@code tiny-m2m100}, installed as an extra model): the projected spans, their scores and every alternative must
 * equal the NMTScore values that the recipe computed with torch ({@code nmt_reference.json}); bad options answer 400.
 */
class NmtProjectionIT {
    /** Scores are answered rounded to 4 decimals. */
    private static final double TOLERANCE = 6e-5;

    private static PolyspanRest rest;
    private static JsonObject reference;

    @BeforeAll
    static void setUp() throws Exception {
        rest = new PolyspanRest("nmt");
        String models = System.getProperty("polyspan.test.models", "");
        Path file = Path.of(models).resolve("tiny-m2m100").resolve("nmt_reference.json");
        if (models.isBlank() || !Files.isRegularFile(file)) {
            fail("tiny-m2m100/nmt_reference.json not found under [" + models + "]: run integ-test/run-tests.sh");
        }
        reference = JsonParser.parseString(Files.readString(file)).getAsJsonObject().getAsJsonObject("projection");
    }

    private static Map<String, Object> body(String source, String target, Object... more) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("source_language", source);
        b.put("target_language", target);
        b.put("method", "tproj");
        b.put("scorer", "nmt");
        b.put("nmt_model", "tiny-m2m100");
        b.put("explain", true);
        b.put("top_k", 20);
        List<Object> pairs = new ArrayList<>();
        for (JsonElement p : reference.getAsJsonArray("pairs")) {
            pairs.add(PolyspanRest.GSON.fromJson(p.getAsJsonObject().get("pair"), Map.class));
        }
        b.put("pairs", pairs);
        for (int i = 0; i < more.length; i += 2) {
            if (more[i + 1] == null) {
                b.remove((String) more[i]);
            } else {
                b.put((String) more[i], more[i + 1]);
            }
        }
        return b;
    }

    private static void assertMatchesReference(JsonObject answer) {
        assertEquals("nmt", answer.get("scorer").getAsString());
        JsonArray pairs = answer.getAsJsonArray("pairs");
        JsonArray expected = reference.getAsJsonArray("pairs");
        assertEquals(expected.size(), pairs.size());
        int checked = 0;
        for (int p = 0; p < pairs.size(); p++) {
            JsonObject exp = expected.get(p).getAsJsonObject();
            JsonArray spans = pairs.get(p).getAsJsonObject().getAsJsonArray("spans");
            JsonArray selection = exp.getAsJsonArray("selection");
            int projected = 0;
            for (JsonElement sel : selection) {
                projected += sel.isJsonNull() ? 0 : 1;
            }
            assertEquals(projected, spans.size(), "projected spans of pair " + p);
            for (JsonElement e : spans) {
                JsonObject span = e.getAsJsonObject();
                int s = span.get("source_index").getAsInt();
                JsonObject sel = selection.get(s).getAsJsonObject();
                assertEquals(sel.get("start").getAsInt(), span.get("start").getAsInt(), "pair " + p + " span " + s);
                assertEquals(sel.get("end").getAsInt(), span.get("end").getAsInt(), "pair " + p + " span " + s);
                List<JsonObject> candidates = new ArrayList<>();
                exp.getAsJsonArray("candidates").get(s).getAsJsonArray().forEach(c -> candidates.add(c.getAsJsonObject()));
                assertEquals(scoreOf(candidates, sel.get("start").getAsInt(), sel.get("end").getAsInt()),
                        span.get("score").getAsDouble(), TOLERANCE, "score of pair " + p + " span " + s);
                // the alternatives are the reference's best 20 candidates, in order, with its scores
                candidates.sort(Comparator.comparingDouble((JsonObject c) -> -c.get("score").getAsDouble()));
                JsonArray alternatives = span.getAsJsonArray("alternatives");
                assertEquals(Math.min(20, candidates.size()), alternatives.size());
                for (int k = 0; k < alternatives.size(); k++) {
                    JsonObject got = alternatives.get(k).getAsJsonObject();
                    JsonObject want = candidates.get(k);
                    assertEquals(want.get("text").getAsString(), got.get("text").getAsString(), "alternative " + k);
                    assertEquals(want.get("score").getAsDouble(), got.get("score").getAsDouble(), TOLERANCE, "alternative " + k);
                    checked++;
                }
            }
        }
        assertTrue(checked >= 40, "only " + checked + " scores compared");
    }

    private static double scoreOf(List<JsonObject> candidates, int start, int end) {
        for (JsonObject c : candidates) {
            if (c.get("start").getAsInt() == start && c.get("end").getAsInt() == end) {
                return c.get("score").getAsDouble();
            }
        }
        throw new AssertionError("no reference candidate [" + start + ", " + end + ")");
    }

    @Test
    void scoresAndSelectionsEqualThePythonReference() {
        JsonObject answer = rest.post(PolyspanRest.API + "/_project",
                body(reference.get("source_language").getAsString(), reference.get("target_language").getAsString()))
                .expect(200).json();
        assertMatchesReference(answer);
        JsonArray tags = answer.getAsJsonArray("pairs").get(0).getAsJsonObject().getAsJsonArray("tags");
        assertEquals(4, tags.size());
    }

    @Test
    void theModelsOwnLanguageCodesWorkToo() {
        assertMatchesReference(rest.post(PolyspanRest.API + "/_project",
                body(reference.get("source_code").getAsString(), reference.get("target_code").getAsString())).expect(200).json());
    }

    private static void assertBad(Map<String, Object> body, String field, String reasonPart) {
        PolyspanRest.Response r = rest.post(PolyspanRest.API + "/_project", body).expect(400);
        JsonObject error = r.json().getAsJsonObject("error");
        assertEquals(field, error.get("field").getAsString(), r.body());
        assertTrue(error.get("reason").getAsString().contains(reasonPart), r.body());
        assertFalse(r.body().contains("Exception\":") || r.body().contains("\tat "), "no stack trace: " + r.body());
    }

    @Test
    void badOptionsAnswer400NamingTheField() {
        assertBad(body("en", "es", "scorer", "bleu"), "scorer", "[encoder] or [nmt]");
        assertBad(body("en", "es", "nmt_model", null), "nmt_model", "is required");
        assertBad(body("en", "es", "method", "align"), "scorer", "tproj");
        assertBad(body("en", "es", "scorer", "encoder"), "nmt_model", "only with scorer [nmt]");
        assertBad(body(null, "es"), "source_language", "is required");
        assertBad(body("en", "es", "nmt_model", "no-such-model"), "nmt_model", "unknown model [no-such-model]");
        assertBad(body("en", "es", "nmt_model", "tiny-heads"), "nmt_model", "not a translation model");
        assertBad(body("en", "es", "nmt_model", "tiny-t5"), "nmt_model", "[tiny-t5] is a text-to-text model, not a translation model");
        // the translation model as the encoder of the default scorer (was a 500)
        assertBad(body("en", "es", "scorer", null, "nmt_model", null, "source_language", null, "target_language", null,
                "model", "tiny-m2m100"), "model",
                "[tiny-m2m100] is a translation model, not an encoder model");
        assertBad(body("en", "sw"), "target_language", "no language code for [sw]");
        assertBad(body("zh", "es"), "source_language", "ambiguous");
        // asking for a labelling model as a translation model does not mark it broken
        for (JsonElement m : rest.get(PolyspanRest.API + "/models").expect(200).json().getAsJsonArray("models")) {
            if (m.getAsJsonObject().get("id").getAsString().equals("tiny-heads")) {
                assertFalse(m.getAsJsonObject().get("state").getAsString().equals("failed"), m.toString());
            }
        }
    }
}
