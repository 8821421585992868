package org.polyspan.model;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.polyspan.TinyModels;
import org.polyspan.labeling.Document;
import org.polyspan.labeling.LanguageCentroids;
import org.polyspan.labeling.LinearHead;
import org.polyspan.onnx.OnnxWindowEncoder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LanguageCentroidFilesTest {

    @TempDir
    Path tmp;

    private static final List<String> LABELS = List.of("O", "B-X", "I-X");

    private static LanguageCentroids centroids(int dim, long seed) {
        Random rnd = new Random(seed);
        float[][] c = new float[3][dim];
        for (float[] row : c) {
            for (int d = 0; d < dim; d++) {
                row[d] = (float) rnd.nextGaussian();
            }
        }
        return new LanguageCentroids(List.of("de", "en", "fr"), c, "en", 0.25f, 0.75f);
    }

    @Test
    void roundTrip() throws IOException {
        LanguageCentroids c = centroids(6, 1);
        JsonObject extra = new JsonObject();
        extra.addProperty("source", "synthetic");
        LanguageCentroidFiles.write(tmp, c, extra);
        assertEquals(4L * 3 * 6, Files.size(tmp.resolve("language_centroids.bin")));
        assertEquals("synthetic", TinyModels.json(tmp.resolve(LanguageCentroidFiles.JSON)).get("source").getAsString());
        LanguageCentroids back = LanguageCentroidFiles.read(tmp.resolve(LanguageCentroidFiles.JSON));
        assertEquals(List.of("de", "en", "fr"), back.languages());
        assertEquals("en", back.reference());
        assertEquals(0.25f, back.minCosine());
        assertEquals(0.75f, back.strength());
        for (int l = 0; l < 3; l++) {
            assertArrayEquals(c.centroid(l), back.centroid(l));
        }
    }

    @Test
    void aHeadCentredByLanguageReadsTheCentroidsBesideIt() throws IOException {
        Path heads = tmp.resolve("heads");
        HeadFiles.write(heads, "arg", LABELS, new float[3][6], new float[3], LinearHead.Centering.LANGUAGE, null);
        IOException e = assertThrows(IOException.class, () -> HeadFiles.read(heads.resolve("arg.json")));
        assertTrue(e.getMessage().contains("arg") && e.getMessage().contains("language_centroids.json"), e.getMessage());

        LanguageCentroidFiles.write(heads, centroids(6, 2), null);
        LinearHead head = HeadFiles.read(heads.resolve("arg.json"));
        assertEquals(LinearHead.Centering.LANGUAGE, head.centering());
        assertEquals(List.of("de", "en", "fr"), head.languageCentroids().languages());
        HeadFiles.write(heads, "plain", LABELS, new float[3][6], new float[3], LinearHead.Centering.NONE, null);
        assertNull(HeadFiles.read(heads.resolve("plain.json")).languageCentroids());
    }

    @Test
    void brokenCentroidFilesAreLoadErrors() throws IOException {
        Path heads = tmp.resolve("heads");
        HeadFiles.write(heads, "arg", LABELS, new float[3][6], new float[3], LinearHead.Centering.LANGUAGE, null);
        // centroids of another size than the head's input
        LanguageCentroidFiles.write(heads, centroids(5, 3), null);
        IllegalArgumentException wrongSize = assertThrows(IllegalArgumentException.class, () -> HeadFiles.read(heads.resolve("arg.json")));
        assertTrue(wrongSize.getMessage().contains("6") && wrongSize.getMessage().contains("5"), wrongSize.getMessage());
        // a truncated vector file
        LanguageCentroidFiles.write(heads, centroids(6, 3), null);
        Files.write(heads.resolve("language_centroids.bin"), new byte[10]);
        IOException e = assertThrows(IOException.class, () -> HeadFiles.read(heads.resolve("arg.json")));
        assertTrue(e.getMessage().contains("language_centroids.bin") && e.getMessage().contains("72"), e.getMessage());
        // a reference language with no centroid
        LanguageCentroidFiles.write(heads, centroids(6, 3), null);
        JsonObject json = TinyModels.json(heads.resolve(LanguageCentroidFiles.JSON));
        json.addProperty("reference", "xx");
        Files.writeString(heads.resolve(LanguageCentroidFiles.JSON), json.toString());
        e = assertThrows(IOException.class, () -> HeadFiles.read(heads.resolve("arg.json")));
        assertTrue(e.getMessage().contains("xx"), e.getMessage());
    }

    @Test
    void theModelLoadsCentroidsAsPartOfItsHeadsNotAsAHead() throws Exception {
        Path model = TinyModels.copy(TinyModels.HEADS, tmp.resolve("m"));
        Path heads = model.resolve("heads");
        LinearHead ner = HeadFiles.read(heads.resolve("ner.json"));
        HeadFiles.write(heads, "lang", ner.labels().tags(), new float[ner.labels().size()][ner.inputDim()],
                new float[ner.labels().size()], LinearHead.Centering.LANGUAGE, null);

        ModelFilesException missing = assertThrows(ModelFilesException.class, () -> ModelFiles.read("m", model));
        assertTrue(missing.getMessage().contains("lang") && missing.getMessage().contains("language_centroids.json"), missing.getMessage());
        IOException notLoaded = assertThrows(IOException.class, () -> LabelingModel.load("m", model, OnnxWindowEncoder.Device.CPU, 1));
        assertTrue(notLoaded.getMessage().contains("language_centroids.json"), notLoaded.getMessage());

        LanguageCentroidFiles.write(heads, centroids(ner.inputDim(), 4), null);
        assertEquals(List.of("lang", "ner"), List.copyOf(ModelFiles.read("m", model).heads().keySet()));
        try (LabelingModel m = LabelingModel.load("m", model, OnnxWindowEncoder.Device.CPU, 1)) {
            assertEquals(List.of("lang", "ner"), List.copyOf(m.heads().keySet()));
            LinearHead lang = (LinearHead) m.heads().get("lang");
            assertSame(LinearHead.Centering.LANGUAGE, lang.centering());
            assertEquals(2, m.label(List.of(Document.of("Ein kurzer Satz. Une phrase courte.")), List.of("lang", "ner")).size());
        }
    }
}
