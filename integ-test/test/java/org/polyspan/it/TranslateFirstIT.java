package org.polyspan.it;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code _project} with {@code translate}: the node translates the sources with Apertium (installed from Debian by
 * {@code integ-test/run-tests.sh}) and projects the spans with the default model onto the translations.
 */
class TranslateFirstIT {
    private static PolyspanRest rest;

    @BeforeAll
    static void connect() {
        rest = new PolyspanRest("translate");
        rest.get("/_cluster/health?wait_for_status=yellow&timeout=60s").expect(200);
    }

    private static Map<String, Object> charPair(String text, List<Map<String, Object>> spans) {
        return Map.of("source", Map.of("text", text, "spans", spans));
    }

    private static Map<String, Object> span(String text, String surface, String label) {
        int start = text.indexOf(surface);
        return Map.of("start", start, "end", start + surface.length(), "label", label);
    }

    @Test
    void translatesMissingTargetsAndProjectsOntoThem() {
        String first = "Barack Obama visited Paris yesterday.";
        String second = "The European Commission met in Brussels.";
        Map<String, Object> body = Map.of("source_language", "en", "target_language", "es", "translate", true,
                "pairs", List.of(
                        charPair(first, List.of(span(first, "Barack Obama", "PER"), span(first, "Paris", "LOC"))),
                        charPair(second, List.of(span(second, "European Commission", "ORG"), span(second, "Brussels", "LOC"))),
                        Map.of("source", Map.of("tokens", List.of("Angela", "Merkel", "lives", "in", "Berlin", "."),
                                "tags", List.of("B-PER", "I-PER", "O", "O", "B-LOC", "O")))));
        JsonObject r = rest.post(PolyspanRest.API + "/_project", body).expect(200).json();
        JsonArray pairs = r.getAsJsonArray("pairs");
        assertEquals(3, pairs.size());

        JsonObject p0 = pairs.get(0).getAsJsonObject();
        String t0 = p0.getAsJsonObject("target").get("text").getAsString();
        assertEquals("apertium", p0.getAsJsonObject("target").get("translated_by").getAsString());
        assertEquals("Barack Obama visitó París ayer.", t0);
        assertEquals(List.of("PER=Barack Obama", "LOC=París"), labelled(p0, t0));

        JsonObject p1 = pairs.get(1).getAsJsonObject();
        String t1 = p1.getAsJsonObject("target").get("text").getAsString();
        assertTrue(t1.contains("Bruselas"), t1);
        List<String> l1 = labelled(p1, t1);
        assertTrue(l1.contains("LOC=Bruselas"), () -> l1 + " in " + t1);

        JsonObject p2 = pairs.get(2).getAsJsonObject();
        JsonArray tokens = p2.getAsJsonObject("target").getAsJsonArray("tokens");
        JsonArray tags = p2.getAsJsonArray("tags");
        assertEquals(tokens.size(), tags.size());
        List<String> tagged = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            if (!tags.get(i).getAsString().equals("O")) {
                tagged.add(tokens.get(i).getAsString() + "/" + tags.get(i).getAsString());
            }
        }
        assertEquals(List.of("Angela/B-PER", "Merkel/I-PER", "Berlín/B-LOC"), tagged, () -> "target tokens " + tokens);
    }

    /** {@code LABEL=text} of each projected span, checking that its offsets cut exactly its text from the target. */
    private static List<String> labelled(JsonObject pair, String target) {
        List<String> out = new ArrayList<>();
        for (var e : pair.getAsJsonArray("spans")) {
            JsonObject s = e.getAsJsonObject();
            String text = s.get("text").getAsString();
            assertEquals(target.substring(s.get("start").getAsInt(), s.get("end").getAsInt()), text);
            out.add(s.get("label").getAsString() + "=" + text);
        }
        return out;
    }

    @Test
    void directionWithoutAnApertiumPairIsABadRequest() {
        Map<String, Object> body = Map.of("source_language", "en", "target_language", "de", "translate", true,
                "pairs", List.of(charPair("Obama visited Paris.", List.of())));
        PolyspanRest.Response r = rest.post(PolyspanRest.API + "/_project", body).expect(400);
        JsonObject error = r.json().getAsJsonObject("error");
        assertEquals("translate", error.get("field").getAsString());
        assertTrue(error.get("reason").getAsString().contains("eng-spa"), r.body());
    }

    @Test
    void missingTargetWithoutTranslateNamesTheField() {
        Map<String, Object> body = Map.of("pairs", List.of(Map.of("source", Map.of("text", "Obama", "spans", List.of())),
                charPair("Paris", List.of())));
        JsonObject error = rest.post(PolyspanRest.API + "/_project", body).expect(400).json().getAsJsonObject("error");
        assertEquals(0, error.get("pair").getAsInt());
        assertEquals("target", error.get("field").getAsString());
    }
}
