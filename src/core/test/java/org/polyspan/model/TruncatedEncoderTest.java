package org.polyspan.model;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.polyspan.TinyModels;
import org.polyspan.labeling.Document;
import org.polyspan.onnx.OnnxWindowEncoder;
import org.polyspan.projection.ProjectionRequest;
import org.polyspan.projection.ProjectionService;
import org.polyspan.projection.Projector;
import org.polyspan.projection.WordVectors;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The encoder cut after the layer {@code _project} reads ({@code models/recipe/truncate.py}): it computes the full
 * encoder's block exactly, projections do not change, a directory without it falls back to the full encoder, and one
 * whose file computes something else does not load.
 */
class TruncatedEncoderTest {
    /** Real sentences of several scripts and lengths, some beyond the tiny model's 64 positions (windowed). */
    private static final List<String> TEXTS = List.of(
            "Angela Merkel met Barack Obama in Berlin.",
            "Москва и 北京 — zürich, straße 42!",
            "Le président Emmanuel Macron a rencontré les dirigeants de Renault à Paris.",
            "The United Nations and the World Health Organization opened an office in Nairobi, Kenya, on Friday, and the "
                    + "mayor of Nairobi said that the office would employ two hundred people from Kenya, Uganda and Tanzania.",
            "Pedro Sánchez se reunió en Madrid con representantes de Telefónica.");

    @TempDir
    Path tmp;

    private static LabelingModel load(String id, Path dir) throws Exception {
        return LabelingModel.load(id, dir, OnnxWindowEncoder.Device.CPU, 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {TinyModels.HEADS, TinyModels.HEADS + "-int8"})
    void theTruncatedEncoderEmitsTheFullEncodersFirstBlock(String id) throws Exception {
        Path dir = TinyModels.fixture(id, "encoder_truncated.onnx");
        try (LabelingModel model = load(id, dir)) {
            TruncatedEncoder cut = model.truncatedEncoder();
            assertNotNull(cut, () -> id + " loads its truncated encoder: " + model.projectionEncoder());
            assertArrayEquals(new int[] {0}, cut.blocks());
            int hidden = JsonParser.parseString(Files.readString(dir.resolve("config.json"))).getAsJsonObject().get("hidden_size").getAsInt();
            assertEquals(hidden, cut.encoder().outputDim());
            assertTrue(model.encoder().outputDim() > hidden, "the full encoder emits more than one block");

            // the same batch through both: the cut's output is the full output's block 0 at every position
            long[][] seqs = new long[TEXTS.size()][];
            for (int i = 0; i < seqs.length; i++) {
                long[] ids = model.tokenizer().encodeText(TEXTS.get(i));
                seqs[i] = ids.length > model.maxLength() ? Arrays.copyOf(ids, model.maxLength()) : ids;
            }
            float[][][] full = model.encoder().encode(seqs);
            float[][][] truncated = cut.encoder().encode(seqs);
            int positions = 0;
            for (int s = 0; s < seqs.length; s++) {
                assertEquals(full[s].length, truncated[s].length);
                for (int p = 0; p < full[s].length; p++) {
                    assertArrayEquals(Arrays.copyOfRange(full[s][p], 0, hidden), truncated[s][p], 1e-5f, "sentence " + s + " position " + p);
                    positions++;
                }
            }
            assertTrue(positions > 100, "compared " + positions + " positions");

            // the load-time check saw the same, and the models API shows it
            Map<String, Object> shown = model.projectionEncoder();
            assertEquals("encoder_truncated.onnx", shown.get("file"));
            @SuppressWarnings("unchecked")
            Map<String, Object> check = (Map<String, Object>) shown.get("check");
            assertTrue((double) check.get("min_cosine") >= TruncatedEncoder.MIN_COSINE, shown::toString);
            assertTrue((long) check.get("positions") > 0, shown::toString);
        }
    }

    @Test
    void wordVectorsAndProjectionsAreTheSameOnBothEncoders() throws Exception {
        try (LabelingModel model = load(TinyModels.HEADS, TinyModels.fixture(TinyModels.HEADS, "encoder_truncated.onnx"))) {
            WordVectors cut = WordVectors.defaults(model);
            WordVectors full = WordVectors.defaults(model, WordVectors.Encoder.FULL);
            assertTrue(cut.truncated());
            assertFalse(full.truncated());
            List<Document> docs = TEXTS.stream().map(Document::of).toList();
            List<float[][]> a = cut.encode(docs);
            List<float[][]> b = full.encode(docs);
            for (int d = 0; d < docs.size(); d++) {
                assertEquals(a.get(d).length, b.get(d).length);
                for (int w = 0; w < a.get(d).length; w++) {
                    assertArrayEquals(b.get(d)[w], a.get(d)[w], 1e-5f, "document " + d + " word " + w);
                }
            }
            ProjectionRequest request = request(TinyModels.HEADS);
            for (Projector.Method method : Projector.Method.values()) {
                assertEquals(ProjectionService.run(request, full, Projector.defaults(method)),
                        ProjectionService.run(request, cut, Projector.defaults(method)), method.toString());
            }
        }
    }

    @Test
    void aDirectoryWithoutTheTruncatedEncoderProjectsWithTheFullEncoder() throws Exception {
        Path named = TinyModels.copy(TinyModels.HEADS, tmp.resolve("named"));
        Files.delete(named.resolve("encoder_truncated.onnx")); // config.json still names it
        Path unnamed = TinyModels.copy(TinyModels.HEADS, tmp.resolve("unnamed"));
        Files.delete(unnamed.resolve("encoder_truncated.onnx"));
        JsonObject config = JsonParser.parseString(Files.readString(unnamed.resolve("config.json"))).getAsJsonObject();
        config.getAsJsonObject("polyspan").remove(TruncatedEncoder.CONFIG_KEY);
        Files.writeString(unnamed.resolve("config.json"), config.toString());

        List<Map<String, Object>> expected;
        try (LabelingModel model = load(TinyModels.HEADS, TinyModels.dir(TinyModels.HEADS))) {
            expected = ProjectionService.run(request(TinyModels.HEADS), WordVectors.defaults(model), Projector.defaults(Projector.Method.TPROJ));
        }
        for (Path dir : List.of(named, unnamed)) {
            try (LabelingModel model = load(TinyModels.HEADS, dir)) {
                assertNull(model.truncatedEncoder());
                WordVectors vectors = WordVectors.defaults(model);
                assertFalse(vectors.truncated());
                assertEquals("full encoder", model.projectionEncoder().get("file"));
                String reason = (String) model.projectionEncoder().get("reason");
                assertTrue(dir == named ? reason.contains("encoder_truncated.onnx") && reason.contains("not in the model directory")
                        : reason.contains(TruncatedEncoder.CONFIG_KEY), reason);
                assertEquals(expected, ProjectionService.run(request(TinyModels.HEADS), vectors, Projector.defaults(Projector.Method.TPROJ)),
                        "the full encoder projects as the truncated one");
                assertThrows(IllegalStateException.class, () -> model.encodeTruncated(List.of(Document.of("a")), (d, w, v, p) -> {}));
            }
        }
    }

    @Test
    void aMissingTruncatedEncoderIsReportedAsAWarningAndInTheModelsApi() throws Exception {
        Path named = TinyModels.copy(TinyModels.HEADS, tmp.resolve("missing"));
        Files.delete(named.resolve("encoder_truncated.onnx")); // config.json still names it
        // System.Logger's default backend is java.util.logging: the loader's warning is captured where it logs
        Logger logger = Logger.getLogger(LabelingModel.class.getName());
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(capture);
        try (LabelingModel model = load("missing", named)) {
            assertNull(model.truncatedEncoder());
            assertEquals("encoder_truncated.onnx", model.projectionEncoder().get("missing_file"));
        } finally {
            logger.removeHandler(capture);
        }
        List<String> warnings = warnings(records, "missing");
        assertEquals(1, warnings.size(), records.toString());
        assertTrue(warnings.get(0).contains("encoder_truncated.onnx") && warnings.get(0).contains("full encoder"), warnings.get(0));

        // a model whose config names no truncated encoder is not a fallback: no warning, no missing file
        records.clear();
        logger.addHandler(capture);
        try (LabelingModel model = load(TinyModels.HF, TinyModels.dir(TinyModels.HF))) {
            assertNull(model.projectionEncoder().get("missing_file"));
        } finally {
            logger.removeHandler(capture);
        }
        assertEquals(List.of(), warnings(records, TinyModels.HF));
    }

    /** The warnings among {@code records} about model {@code id}. */
    private static List<String> warnings(List<LogRecord> records, String id) {
        return records.stream().filter(r -> r.getLevel() == Level.WARNING).map(LogRecord::getMessage)
                .filter(m -> m.contains("model [" + id + "]")).toList();
    }

    @Test
    void aTruncatedEncoderThatComputesSomethingElseFailsTheLoad() throws Exception {
        // tiny-heads-broken's truncated encoder: the same graph cut from an encoder of other weights
        Path dir = TinyModels.copy(TinyModels.HEADS, tmp.resolve("m"));
        Files.copy(TinyModels.fixture("tiny-heads-broken", "encoder_truncated.onnx").resolve("encoder_truncated.onnx"),
                dir.resolve("encoder_truncated.onnx"), StandardCopyOption.REPLACE_EXISTING);
        Exception e = assertThrows(Exception.class, () -> load("m", dir).close());
        assertTrue(e.getMessage().contains("encoder_truncated.onnx does not compute block(s) [0]"), e.getMessage());
        assertTrue(e.getMessage().contains("min cosine"), e.getMessage());

        // so does a new encoder beside the old truncated one
        Path replaced = TinyModels.copy(TinyModels.HEADS, tmp.resolve("replaced"));
        Files.copy(TinyModels.fixture("tiny-heads-broken", "encoder.onnx").resolve("encoder.onnx"),
                replaced.resolve("encoder.onnx"), StandardCopyOption.REPLACE_EXISTING);
        Exception again = assertThrows(Exception.class, () -> load("replaced", replaced).close());
        assertTrue(again.getMessage().contains("encoder_truncated.onnx does not compute"), again.getMessage());
    }

    @Test
    void aConfigEntryThatDoesNotFitTheEncoderFailsTheLoad() throws Exception {
        for (String blocks : List.of("[5]", "[0, 1]", "[]")) {
            Path dir = TinyModels.copy(TinyModels.HEADS, tmp.resolve("b" + blocks.hashCode()));
            JsonObject config = JsonParser.parseString(Files.readString(dir.resolve("config.json"))).getAsJsonObject();
            config.getAsJsonObject("polyspan").getAsJsonObject(TruncatedEncoder.CONFIG_KEY)
                    .add("blocks", JsonParser.parseString(blocks));
            Files.writeString(dir.resolve("config.json"), config.toString());
            Exception e = assertThrows(Exception.class, () -> load("b", dir).close(), blocks);
            assertTrue(e.getMessage().contains("model [b]"), e.getMessage());
        }
    }

    private static ProjectionRequest request(String model) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", model);
        body.put("explain", true);
        body.put("pairs", List.of(
                Map.of("source", Map.of("text", "Angela Merkel met Barack Obama in Berlin.", "spans",
                                List.of(Map.of("start", 0, "end", 13, "label", "PER"), Map.of("start", 34, "end", 40, "label", "LOC"))),
                        "target", Map.of("text", "Angela Merkel traf Barack Obama in Berlin.")),
                Map.of("source", Map.of("tokens", List.of("Москва", "и", "Пекин"), "tags", List.of("B-LOC", "O", "B-LOC")),
                        "target", Map.of("tokens", List.of("Moscow", "and", "北京")))));
        return ProjectionRequest.parse(body);
    }
}
