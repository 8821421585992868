package org.polyspan.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.polyspan.TinyModels;
import org.polyspan.labeling.Document;
import org.polyspan.labeling.TaggedDocument;
import org.polyspan.onnx.HuggingFaceSubwordTokenizer;
import org.polyspan.onnx.OnnxWindowEncoder;

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

    /**
     * The quantised optimum seq2seq exports (a T5-style tagger and an M2M100-style translator): encoder states and
     * first-step decoder logits close to float, run with ONNX Runtime on the same token ids.
     */
    @ParameterizedTest
    @ValueSource(strings = {"tiny-t5", "tiny-m2m100"})
    void int8Seq2SeqExportIsCloseToFloat(String id) throws Exception {
        Path floatDir = TinyModels.fixture(id, "decoder_model.onnx");
        Path int8Dir = TinyModels.fixture(id + "-int8", "decoder_model.onnx");
        long pad = TinyModels.json(floatDir.resolve("config.json")).get("pad_token_id").getAsLong();
        long start = TinyModels.json(floatDir.resolve("config.json")).get("decoder_start_token_id").getAsLong();
        List<String> texts = List.of("Barack Obama visited Paris yesterday .", "The European Commission met in Berlin .",
                "Angela Merkel met the United Nations in Berlin");
        try (HuggingFaceSubwordTokenizer tok = new HuggingFaceSubwordTokenizer(floatDir.resolve("tokenizer.json"), pad)) {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            for (String text : texts) {
                long[] ids = tok.encodeText(text);
                long[] mask = new long[ids.length];
                java.util.Arrays.fill(mask, 1);
                float[][] states = new float[2][];
                float[][] logits = new float[2][];
                Path[] dirs = {floatDir, int8Dir};
                for (int m = 0; m < 2; m++) {
                    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
                        o.setIntraOpNumThreads(1);
                        try (OrtSession enc = env.createSession(dirs[m].resolve("encoder_model.onnx").toString(), o);
                             OrtSession dec = env.createSession(dirs[m].resolve("decoder_model.onnx").toString(), o);
                             OnnxTensor idsT = OnnxTensor.createTensor(env, new long[][] {ids});
                             OnnxTensor maskT = OnnxTensor.createTensor(env, new long[][] {mask});
                             OrtSession.Result e = enc.run(Map.of("input_ids", idsT, "attention_mask", maskT))) {
                            OnnxTensor hidden = (OnnxTensor) e.get("last_hidden_state").orElseThrow();
                            states[m] = flat(hidden);
                            try (OnnxTensor startT = OnnxTensor.createTensor(env, new long[][] {{start}});
                                 OrtSession.Result d = dec.run(Map.of("input_ids", startT, "encoder_hidden_states", hidden,
                                         "encoder_attention_mask", maskT))) {
                                logits[m] = flat((OnnxTensor) d.get("logits").orElseThrow());
                            }
                        }
                    }
                }
                double cs = cosine(states[0], states[1]);
                double cl = cosine(logits[0], logits[1]);
                assertTrue(cs > 0.99, id + " encoder states cosine " + cs + " on " + text);
                // 32 hidden units and random weights: int8 rounding weighs more than in a real model
                assertTrue(cl > 0.97, id + " decoder logits cosine " + cl + " on " + text);
            }
        }
    }

    private static float[] flat(OnnxTensor t) {
        java.nio.FloatBuffer b = t.getFloatBuffer();
        float[] out = new float[b.remaining()];
        b.get(out);
        return out;
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
