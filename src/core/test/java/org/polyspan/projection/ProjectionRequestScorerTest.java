package org.polyspan.projection;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The {@code scorer} and {@code nmt_model} options of a {@code _project} body. */
class ProjectionRequestScorerTest {
    private static Map<String, Object> body(Object... keyValues) {
        Map<String, Object> b = new HashMap<>();
        b.put("source_language", "en");
        b.put("target_language", "es");
        b.put("pairs", List.of(Map.of("source", Map.of("tokens", List.of("Obama"), "tags", List.of("B-PER")),
                "target", Map.of("tokens", List.of("Obama")))));
        for (int i = 0; i < keyValues.length; i += 2) {
            if (keyValues[i + 1] == null) {
                b.remove((String) keyValues[i]);
            } else {
                b.put((String) keyValues[i], keyValues[i + 1]);
            }
        }
        return b;
    }

    private static void assertField(String field, Map<String, Object> body) {
        ProjectionRequest.PairException e = assertThrows(ProjectionRequest.PairException.class, () -> ProjectionRequest.parse(body));
        assertEquals(field, e.field(), e.getMessage());
        assertEquals(-1, e.pair());
    }

    @Test
    void encoderIsTheDefault() {
        ProjectionRequest r = ProjectionRequest.parse(body());
        assertEquals(ProjectionOptions.Scorer.ENCODER, r.options().scorer());
        assertNull(r.options().nmtModel());
    }

    @Test
    void nmtNeedsAModelBothLanguagesAndTproj() {
        ProjectionRequest r = ProjectionRequest.parse(body("scorer", "NMT", "nmt_model", "nllb"));
        assertEquals(ProjectionOptions.Scorer.NMT, r.options().scorer());
        assertEquals("nllb", r.options().nmtModel());
        assertField("nmt_model", body("scorer", "nmt"));
        assertField("source_language", body("scorer", "nmt", "nmt_model", "nllb", "source_language", null));
        assertField("target_language", body("scorer", "nmt", "nmt_model", "nllb", "target_language", null));
        assertField("scorer", body("scorer", "nmt", "nmt_model", "nllb", "method", "align"));
        assertField("scorer", body("scorer", "comet"));
        assertField("scorer", body("scorer", 3));
        assertField("nmt_model", body("nmt_model", "nllb"));
    }
}
