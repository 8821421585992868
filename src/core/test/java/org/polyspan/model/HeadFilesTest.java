package org.polyspan.model;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.polyspan.TinyModels;
import org.polyspan.labeling.HiddenLayer;
import org.polyspan.labeling.LinearHead;
import org.polyspan.labeling.SpanDecoding;
import org.polyspan.labeling.SpanUnits;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeadFilesTest {

    @TempDir
    Path dir;

    private static final List<String> LABELS = List.of("O", "B-PER", "I-PER", "B-LOC", "I-LOC");

    private static float[][] randomWeights(Random rnd, int rows, int cols) {
        float[][] w = new float[rows][cols];
        for (float[] r : w) {
            for (int i = 0; i < cols; i++) {
                r[i] = (float) rnd.nextGaussian();
            }
        }
        return w;
    }

    @Test
    void roundTrip() throws IOException {
        Random rnd = new Random(3);
        float[][] w = randomWeights(rnd, LABELS.size(), 7);
        float[] b = {0.5f, -1, 2, Float.MIN_VALUE, 0.25f};
        JsonObject extra = new JsonObject();
        extra.addProperty("trained_on", "synthetic");
        HeadFiles.write(dir.resolve("heads"), "people", LABELS, w, b, LinearHead.Centering.WINDOW_MEAN, extra);
        assertTrue(Files.isRegularFile(dir.resolve("heads/people.bin")));
        assertEquals(4L * LABELS.size() * 8, Files.size(dir.resolve("heads/people.bin")));
        JsonObject json = TinyModels.json(dir.resolve("heads/people.json"));
        assertEquals("synthetic", json.get("trained_on").getAsString());
        assertEquals("window_mean", json.get("centering").getAsString());

        LinearHead head = HeadFiles.read(dir.resolve("heads/people.json"));
        assertEquals("people", head.name());
        assertEquals(LABELS, head.labels().tags());
        assertEquals(7, head.inputDim());
        assertEquals(LinearHead.Centering.WINDOW_MEAN, head.centering());
        float[][] x = randomWeights(rnd, 3, 7);
        float[][] logits = head.logits(x);
        for (int i = 0; i < x.length; i++) {
            for (int k = 0; k < LABELS.size(); k++) {
                double s = b[k];
                for (int d = 0; d < 7; d++) {
                    s += w[k][d] * x[i][d];
                }
                assertEquals(s, logits[i][k], 1e-5);
            }
        }
        // bit-exact weights: the bias alone comes back for a zero input
        float[] zero = head.logits(new float[][] {new float[7]})[0];
        assertArrayEquals(b, zero);
    }

    @Test
    void decodingOptionRoundTrip() throws IOException {
        float[][] w = {{1, 2}, {3, 4}, {5, 6}};
        float[] b = {0, 0, 0};
        List<String> labels = List.of("O", "B-Claim", "I-Claim");
        HeadFiles.write(dir, "plain", labels, w, b, LinearHead.Centering.NONE, null);
        assertEquals(SpanDecoding.WORDS, HeadFiles.read(dir.resolve("plain.json")).decoding());
        for (SpanDecoding d : List.of(new SpanDecoding(SpanUnits.CLAUSES, 4.5f),
                new SpanDecoding(SpanUnits.SENTENCES, Float.POSITIVE_INFINITY, 0.5f))) {
            JsonObject extra = new JsonObject();
            extra.add("decoding", HeadFiles.decodingJson(d));
            HeadFiles.write(dir, "arg", labels, w, b, LinearHead.Centering.NONE, extra);
            assertEquals(d, HeadFiles.read(dir.resolve("arg.json")).decoding());
        }
        Files.writeString(dir.resolve("arg.json"), Files.readString(dir.resolve("arg.json")).replace("sentences", "phrases"));
        IOException e = assertThrows(IOException.class, () -> HeadFiles.read(dir.resolve("arg.json")));
        assertTrue(e.getMessage().contains("phrases"), e.getMessage());
    }

    @Test
    void littleEndianLayoutIsWeightsThenBias() throws IOException {
        float[][] w = {{1, 2}, {3, 4}};
        HeadFiles.write(dir, "h", List.of("O", "B-X"), w, new float[] {5, 6}, LinearHead.Centering.NONE, null);
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("h.bin"))).order(ByteOrder.LITTLE_ENDIAN);
        float[] all = new float[6];
        buf.asFloatBuffer().get(all);
        assertEquals("[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]", Arrays.toString(all));
    }

    @Test
    void wrongBinSizeIsRejectedNamingTheFile() throws IOException {
        HeadFiles.write(dir, "broken", LABELS, randomWeights(new Random(1), LABELS.size(), 4), new float[LABELS.size()],
                LinearHead.Centering.NONE, null);
        Path bin = dir.resolve("broken.bin");
        byte[] bytes = Files.readAllBytes(bin);
        Files.write(bin, Arrays.copyOf(bytes, bytes.length - 4));
        IOException e = assertThrows(IOException.class, () -> HeadFiles.read(dir.resolve("broken.json")));
        assertTrue(e.getMessage().contains("broken.bin"), e.getMessage());
        assertTrue(e.getMessage().contains(String.valueOf(bytes.length)), e.getMessage());

        Files.write(bin, Arrays.copyOf(bytes, bytes.length + 8));
        e = assertThrows(IOException.class, () -> HeadFiles.read(dir.resolve("broken.json")));
        assertTrue(e.getMessage().contains("broken.bin"), e.getMessage());
    }

    @Test
    void weightsFileNameAndCentringDefaults() throws IOException {
        Files.writeString(dir.resolve("x.json"), "{\"name\": \"x\", \"labels\": [\"O\", \"B-A\", \"I-A\"], \"input_dim\": 2, "
                + "\"weights\": \"other.bin\"}");
        ByteBuffer buf = ByteBuffer.allocate(4 * 3 * 3).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 9; i++) {
            buf.putFloat(i);
        }
        Files.write(dir.resolve("other.bin"), buf.array());
        LinearHead head = HeadFiles.read(dir.resolve("x.json"));
        assertEquals(LinearHead.Centering.NONE, head.centering());
        assertArrayEquals(new float[] {6, 7, 8}, head.logits(new float[][] {{0, 0}})[0]);
        assertArrayEquals(new float[] {6 + 1, 7 + 3, 8 + 5}, head.logits(new float[][] {{0, 1}})[0]);
    }

    @Test
    void badLabelsAreRejected() throws IOException {
        HeadFiles.write(dir, "bad", List.of("O", "PERSON"), new float[][] {{1}, {2}}, new float[2], LinearHead.Centering.NONE, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HeadFiles.read(dir.resolve("bad.json")));
        assertTrue(e.getMessage().contains("PERSON"), e.getMessage());
    }

    @Test
    void hiddenLayerRoundTripScoresThroughTanhGelu() throws IOException {
        Random rnd = new Random(5);
        HiddenLayer hidden = new HiddenLayer(randomWeights(rnd, 4, 6), new float[] {0.1f, -0.2f, 0.3f, 0});
        float[][] w = randomWeights(rnd, LABELS.size(), 4);
        float[] b = {1, 0, -1, 0.5f, 0};
        HeadFiles.write(dir, "deep", LABELS, hidden, w, b, LinearHead.Centering.NONE, null);
        assertEquals(4L * (4 * (6 + 1) + LABELS.size() * (4 + 1)), Files.size(dir.resolve("deep.bin")));
        JsonObject json = TinyModels.json(dir.resolve("deep.json"));
        assertEquals(6, json.get("input_dim").getAsInt());
        assertEquals("gelu_tanh", json.getAsJsonObject("hidden").get("activation").getAsString());

        LinearHead head = HeadFiles.read(dir.resolve("deep.json"));
        assertEquals(6, head.inputDim());
        assertEquals(4, head.hidden().size());
        float[] x = {0.5f, -1, 2, 0, 1.5f, -0.25f};
        float[][] w1 = head.hidden().weights();
        float[] h = new float[4];
        for (int j = 0; j < 4; j++) {
            double s = hidden.bias()[j];
            for (int d = 0; d < 6; d++) {
                s += w1[j][d] * x[d];
            }
            // torch.nn.GELU(approximate='tanh')
            h[j] = (float) (0.5 * s * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (s + 0.044715 * s * s * s))));
        }
        float[] logits = head.logits(new float[][] {x})[0];
        for (int k = 0; k < LABELS.size(); k++) {
            double s = b[k];
            for (int j = 0; j < 4; j++) {
                s += w[k][j] * h[j];
            }
            assertEquals(s, logits[k], 1e-5);
        }
        IllegalStateException wrongInput = assertThrows(IllegalStateException.class, () -> head.logits(new float[][] {new float[4]}));
        assertTrue(wrongInput.getMessage().contains("expects 6 features"), wrongInput.getMessage());
    }

    @Test
    void hiddenLayerOfTheWrongSizeOrActivationIsRejected() throws IOException {
        HiddenLayer hidden = new HiddenLayer(new float[3][2], new float[3]);
        HeadFiles.write(dir, "deep", LABELS, hidden, new float[LABELS.size()][3], new float[LABELS.size()], LinearHead.Centering.NONE, null);
        String json = Files.readString(dir.resolve("deep.json"));

        Files.writeString(dir.resolve("deep.json"), json.replace("\"size\":3", "\"size\":2"));
        IOException size = assertThrows(IOException.class, () -> HeadFiles.read(dir.resolve("deep.json")));
        assertTrue(size.getMessage().contains("deep.bin has 116 bytes, expected 84"), size.getMessage());

        Files.writeString(dir.resolve("deep.json"), json.replace("gelu_tanh", "relu"));
        IOException activation = assertThrows(IOException.class, () -> HeadFiles.read(dir.resolve("deep.json")));
        assertTrue(activation.getMessage().contains("bad \"hidden\""), activation.getMessage());
    }
}
