package org.polyspan.projection;

import org.junit.jupiter.api.Test;
import org.polyspan.TinyModels;
import org.polyspan.labeling.Document;
import org.polyspan.model.LabelingModel;
import org.polyspan.onnx.OnnxWindowEncoder;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WordVectorsTest {

    private static Path tinyHeads() {
        return TinyModels.fixture(TinyModels.HEADS, "config.json");
    }

    @Test
    void wordVectorsHaveUnitNormPerBlockAndAreEncodedOnce() throws Exception {
        try (LabelingModel model = LabelingModel.load("tiny-heads", tinyHeads(), OnnxWindowEncoder.Device.CPU, 1)) {
            WordVectors vectors = WordVectors.defaults(model);
            Document a = Document.of("Obama visited Paris 🙂 yesterday.");
            Document b = Document.ofTokens(List.of("Obama", "visitó", "París", "."));
            List<float[][]> out = vectors.encode(List.of(a, b, a));
            assertEquals(3, out.size());
            assertSame(out.get(0), out.get(2));
            assertEquals(a.words().size(), out.get(0).length);
            assertEquals(b.words().size(), out.get(1).length);
            for (float[][] doc : out) {
                for (float[] w : doc) {
                    assertEquals(vectors.dim(), w.length);
                    double n = 0;
                    for (float x : w) {
                        n += x * x;
                    }
                    assertEquals(1.0, n, 1e-4);
                }
            }
            // the same words in another batch give the same vectors
            assertArrayEquals(out.get(1)[2], vectors.encode(List.of(b)).get(0)[2], 1e-4f);
        }
    }

    @Test
    void projectsWithOffsetsIntoTheTargetText() throws Exception {
        try (LabelingModel model = LabelingModel.load("tiny-heads", tinyHeads(), OnnxWindowEncoder.Device.CPU, 1)) {
            ProjectionRequest request = ProjectionRequest.parse(Map.of("model", "tiny-heads", "explain", true, "pairs", List.of(Map.of(
                    "source", Map.of("text", "Ángela Merkel met Ōsaka’s mayor.", "spans",
                            List.of(Map.of("start", 0, "end", 13, "label", "PER"), Map.of("start", 18, "end", 23, "label", "LOC"))),
                    "target", Map.of("text", "Ángela Merkel se reunió con el alcalde de 大阪 🙂 ayer.")))));
            for (Projector.Method method : Projector.Method.values()) {
                List<java.util.Map<String, Object>> out = ProjectionService.run(request, WordVectors.defaults(model), Projector.defaults(method));
                String target = "Ángela Merkel se reunió con el alcalde de 大阪 🙂 ayer.";
                @SuppressWarnings("unchecked")
                List<java.util.Map<String, Object>> spans = (List<java.util.Map<String, Object>>) out.get(0).get("spans");
                List<?> unprojected = (List<?>) out.get(0).get("unprojected");
                assertEquals(2, spans.size() + unprojected.size(), method + ": every source span is projected or unprojected");
                assertFalse(spans.isEmpty(), method + " projected nothing: the offset checks saw no span");
                for (java.util.Map<String, Object> s : spans) {
                    assertEquals(target.substring((Integer) s.get("start"), (Integer) s.get("end")), s.get("text"));
                    assertTrue(s.containsKey("alternatives"));
                }
            }
        }
    }

    private static final class Map {
        static java.util.Map<String, Object> of(Object... kv) {
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
            for (int i = 0; i < kv.length; i += 2) {
                m.put((String) kv[i], kv[i + 1]);
            }
            return m;
        }
    }
}
