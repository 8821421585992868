package org.polyspan.it;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The int8 quantisation of the default model, installed as {@code mbert-ner-int8}, labels through a pipeline like the
 * fp32 model: the same samples as {@link DefaultModelIT}, with the same tolerance for zero-shot misses.
 */
class Int8ModelIT {
    private static final String MODEL = "mbert-ner-int8";
    private static PolyspanRest rest;

    @BeforeAll
    static void setUp() {
        rest = new PolyspanRest("int8");
    }

    @AfterAll
    static void cleanup() {
        if (rest != null) {
            rest.cleanup();
        }
    }

    @Test
    void findsPersonsAndCitiesInSixLanguages() {
        List<Map<String, Object>> sources = new ArrayList<>();
        for (DefaultModelIT.Sample s : DefaultModelIT.SAMPLES) {
            sources.add(Map.of("body", s.body()));
        }
        List<JsonObject> docs = rest.simulate(Map.of("processors",
                List.of(Map.of("span_labeling", Map.of("model", MODEL, "field", "body")))), sources);
        List<String> perMisses = new ArrayList<>();
        List<String> locMisses = new ArrayList<>();
        for (int i = 0; i < docs.size(); i++) {
            DefaultModelIT.Sample s = DefaultModelIT.SAMPLES.get(i);
            JsonObject doc = docs.get(i);
            assertTrue(doc.has("doc"), () -> s.lang() + ": " + doc);
            List<JsonObject> spans = PolyspanRest.checkSpans(doc.getAsJsonObject("doc").getAsJsonObject("_source"), "spans", s.lang());
            String found = s.lang() + ": \"" + s.body() + "\" -> spans " + PolyspanRest.describe(spans);
            if (spans.stream().noneMatch(x -> x.get("label").getAsString().equals("PER") && x.get("text").getAsString().equals(s.person()))) {
                perMisses.add(found + " (expected PER \"" + s.person() + "\")");
            }
            if (spans.stream().noneMatch(x -> x.get("label").getAsString().equals("LOC") && x.get("text").getAsString().equals(s.city()))) {
                locMisses.add(found + " (expected LOC \"" + s.city() + "\")");
            }
        }
        assertTrue(perMisses.size() <= 1, () -> "PER missed in " + perMisses.size() + " of 6 languages:\n  "
                + String.join("\n  ", perMisses));
        assertTrue(locMisses.size() <= 2, () -> "LOC missed in " + locMisses.size() + " of 6 languages:\n  "
                + String.join("\n  ", locMisses));
    }
}
