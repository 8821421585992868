package org.polyspan.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.polyspan.core.Document;
import org.polyspan.core.TaggedDocument;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The int8 copies of the tiny fixtures, written by {@code models/recipe/quantize.py} with the options the default int8
 * model is built with, load through the ordinary model code and give outputs close to their float originals.
 */
class QuantizedModelTest {

    @ParameterizedTest
    @ValueSource(strings = {TinyModels.HEADS, TinyModels.HF})
    void int8FixtureIsCloseToFloat(String id) throws Exception {
        Path floatDir = TinyModels.dir(id);
        Path int8Dir = TinyModels.fixture(id + "-int8", "config.json");
        String onnx = id.equals(TinyModels.HEADS) ? "encoder.onnx" : "model.onnx";
        // int8 weights and an int8 word-embedding table: well under half the float file
        long floatBytes = Files.size(floatDir.resolve(onnx));
        long int8Bytes = Files.size(int8Dir.resolve(onnx));
        assertTrue(int8Bytes < floatBytes / 2, int8Bytes + " vs " + floatBytes);
        JsonObject config = TinyModels.json(int8Dir.resolve("config.json"));
        if (id.equals(TinyModels.HEADS)) {
            assertTrue(config.getAsJsonObject("polyspan").has("quantization"), config.toString());
        }

        List<String> texts = new ArrayList<>();
        for (JsonElement c : TinyModels.json(floatDir.resolve("tokenizer_reference.json")).getAsJsonArray("cases")) {
            texts.add(c.getAsJsonObject().get("text").getAsString());
        }
        try (LabelingModel fp = LabelingModel.load(id, floatDir, OnnxWindowEncoder.Device.CPU, 1);
             LabelingModel q = LabelingModel.load(id + "-int8", int8Dir, OnnxWindowEncoder.Device.CPU, 1)) {
            assertEquals(fp.heads().keySet(), q.heads().keySet());
            assertEquals(fp.encoder().outputDim(), q.encoder().outputDim());
            assertEquals(fp.maxLength(), q.maxLength());

            long[][] seqs = new long[texts.size()][];
            for (int i = 0; i < seqs.length; i++) {
                long[] ids = fp.tokenizer().encodeText(texts.get(i));
                seqs[i] = ids.length > fp.maxLength() ? java.util.Arrays.copyOf(ids, fp.maxLength()) : ids;
            }
            float[][][] a = fp.encoder().encode(seqs);
            float[][][] b = q.encoder().encode(seqs);
            double sum = 0;
            double min = 1;
            int n = 0;
            for (int s = 0; s < seqs.length; s++) {
                assertEquals(a[s].length, b[s].length);
                for (int p = 0; p < a[s].length; p++) {
                    double c = cosine(a[s][p], b[s][p]);
                    sum += c;
                    min = Math.min(min, c);
                    n++;
                }
            }
            double mean = sum / n;
            assertTrue(mean > 0.995, "mean cosine " + mean);
            assertTrue(min > 0.98, "min cosine " + min);

            // the whole labelling path runs on the int8 graph and mostly agrees with float (random heads have small
            // margins, so a few words may flip)
            List<Document> docs = texts.stream().map(Document::of).toList();
            Map<String, List<TaggedDocument>> x = fp.label(docs, List.of());
            Map<String, List<TaggedDocument>> y = q.label(docs, List.of());
            long same = 0;
            long words = 0;
            for (String head : x.keySet()) {
                for (int i = 0; i < docs.size(); i++) {
                    int[] u = x.get(head).get(i).tags();
                    int[] v = y.get(head).get(i).tags();
                    assertEquals(u.length, v.length);
                    for (int w = 0; w < u.length; w++) {
                        same += u[w] == v[w] ? 1 : 0;
                    }
                    words += u.length;
                }
            }
            assertTrue(words > 100 && same >= 0.9 * words, same + " of " + words + " words tagged alike");
        }
    }

    private static double cosine(float[] a, float[] b) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += (double) a[i] * b[i];
            aa += (double) a[i] * a[i];
            bb += (double) b[i] * b[i];
        }
        return ab / Math.sqrt(aa * bb);
    }
}
