package org.polyspan.projection;

import org.junit.jupiter.api.Test;
import org.polyspan.TinyModels;
import org.polyspan.model.LabelingModel;
import org.polyspan.onnx.OnnxWindowEncoder;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Several requests projected together: each distinct text encoded once, answers in request and pair order. */
class ProjectionServiceTest {
    private static final List<String> SOURCES = List.of(
            "Angela Merkel met Barack Obama in Berlin.",
            "Paris and London are cities.",
            "John Smith works for Google in New York and for Microsoft in Europe on the first year of the new city.",
            "Москва и 北京.");
    private static final Map<String, List<String>> TARGETS = Map.of(
            "es", List.of("Angela Merkel se reunió con Barack Obama en Berlín.", "París y Londres son ciudades.",
                    "John Smith trabaja para Google en Nueva York y para Microsoft en Europa el primer año de la ciudad nueva.",
                    "Moscú y 北京."),
            "de", List.of("Angela Merkel traf Barack Obama in Berlin.", "Paris und London sind Städte.",
                    "John Smith arbeitet für Google in New York und für Microsoft in Europa im ersten Jahr der neuen Stadt.",
                    "Moskau und 北京."));
    private static final List<List<Map<String, Object>>> SPANS = List.of(
            List.of(span(0, 13, "PER"), span(18, 30, "PER"), span(34, 40, "LOC")),
            List.of(span(0, 5, "LOC"), span(10, 16, "LOC")),
            List.of(span(0, 10, "PER"), span(21, 27, "ORG"), span(31, 39, "LOC"), span(48, 57, "ORG"), span(61, 67, "LOC")),
            List.of(span(0, 6, "LOC"), span(9, 11, "LOC")));

    private static Map<String, Object> span(int start, int end, String label) {
        return Map.of("start", start, "end", end, "label", label);
    }

    private static ProjectionRequest request(String language, List<Integer> order) {
        List<Object> pairs = new ArrayList<>();
        for (int i : order) {
            pairs.add(Map.of("source", Map.of("text", SOURCES.get(i), "spans", SPANS.get(i)),
                    "target", Map.of("text", TARGETS.get(language).get(i))));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", TinyModels.HEADS);
        body.put("target_language", language);
        body.put("explain", true);
        body.put("pairs", pairs);
        return ProjectionRequest.parse(body);
    }

    /**
     * The same answer up to float rounding: a text encoded in another batch may differ in the last bits (other matrix
     * shapes), so scores may differ by a rounding step.
     */
    static void assertSameAnswers(Object expected, Object actual, String where) {
        if (expected instanceof Double e && actual instanceof Double a) {
            assertEquals(e, a, 2e-3, where);
        } else if (expected instanceof Map<?, ?> e && actual instanceof Map<?, ?> a) {
            assertEquals(e.keySet(), a.keySet(), where);
            for (Object key : e.keySet()) {
                assertSameAnswers(e.get(key), a.get(key), where + "." + key);
            }
        } else if (expected instanceof List<?> e && actual instanceof List<?> a) {
            assertEquals(e.size(), a.size(), where + ": " + e + " vs " + a);
            for (int i = 0; i < e.size(); i++) {
                assertSameAnswers(e.get(i), a.get(i), where + "[" + i + "]");
            }
        } else {
            assertEquals(expected, actual, where);
        }
    }

    @Test
    void twoTargetLanguagesEncodeEachSourceOnce() throws Exception {
        List<Integer> order = List.of(0, 1, 2, 3);
        try (LabelingModel model = LabelingModel.load(TinyModels.HEADS, TinyModels.dir(TinyModels.HEADS), OnnxWindowEncoder.Device.CPU, 1)) {
            Projector projector = Projector.defaults(Projector.Method.TPROJ);
            WordVectors together = WordVectors.defaults(model);
            ProjectionService.Outcome both = ProjectionService.runAll(List.of(request("es", order), request("de", order)), together,
                    projector, null);
            assertEquals(new ProjectionService.Encodings(SOURCES.size(), 2L * SOURCES.size()), both.encodings());
            assertEquals(3L * SOURCES.size(), together.encodedDocuments(), "the encoder saw each source once and each target once");

            // the same answers as a request per language, which encodes every source again
            WordVectors apart = WordVectors.defaults(model);
            assertSameAnswers(ProjectionService.run(request("es", order), apart, projector), both.answers().get(0), "es");
            assertSameAnswers(ProjectionService.run(request("de", order), apart, projector), both.answers().get(1), "de");
            assertEquals(4L * SOURCES.size(), apart.encodedDocuments());

            // a source repeated within one request is encoded once too
            WordVectors repeated = WordVectors.defaults(model);
            ProjectionService.Outcome twice = ProjectionService.runAll(List.of(request("es", List.of(0, 1, 0))), repeated, projector, null);
            assertEquals(new ProjectionService.Encodings(2, 2), twice.encodings());
            assertEquals(twice.answers().get(0).get(0), twice.answers().get(0).get(2));
        }
    }

    @Test
    void answersFollowThePairOrderWhateverTheLengths() throws Exception {
        // sources of very different lengths in shuffled orders: the encoder sorts them, the answers do not move
        try (LabelingModel model = LabelingModel.load(TinyModels.HEADS, TinyModels.dir(TinyModels.HEADS), OnnxWindowEncoder.Device.CPU, 1)) {
            Projector projector = Projector.defaults(Projector.Method.TPROJ);
            List<Map<String, Object>> alone = new ArrayList<>();
            for (int i = 0; i < SOURCES.size(); i++) {
                alone.add(ProjectionService.run(request("es", List.of(i)), WordVectors.defaults(model), projector).get(0));
            }
            Random random = new Random(3);
            for (int round = 0; round < 3; round++) {
                List<Integer> order = new ArrayList<>(List.of(0, 1, 2, 3));
                Collections.shuffle(order, random);
                List<Map<String, Object>> out = ProjectionService.run(request("es", order), WordVectors.defaults(model), projector);
                for (int k = 0; k < order.size(); k++) {
                    assertSameAnswers(alone.get(order.get(k)), out.get(k), "pair " + k + " of order " + order);
                }
            }
        }
    }
}
