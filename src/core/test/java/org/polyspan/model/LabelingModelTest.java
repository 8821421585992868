package org.polyspan.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.polyspan.TinyModels;
import org.polyspan.labeling.Document;
import org.polyspan.labeling.HiddenLayer;
import org.polyspan.labeling.IdentityHead;
import org.polyspan.labeling.LinearHead;
import org.polyspan.labeling.Span;
import org.polyspan.labeling.TagHead;
import org.polyspan.labeling.TaggedDocument;
import org.polyspan.labeling.Word;
import org.polyspan.labeling.WordSplitter;
import org.polyspan.onnx.OnnxWindowEncoder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class LabelingModelTest {
    private static final double TOLERANCE = 1e-3;

    private static LabelingModel heads;
    private static LabelingModel hf;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() throws Exception {
        heads = LabelingModel.load(TinyModels.HEADS, TinyModels.dir(TinyModels.HEADS), OnnxWindowEncoder.Device.CPU, 1);
        hf = LabelingModel.load(TinyModels.HF, TinyModels.dir(TinyModels.HF), OnnxWindowEncoder.Device.CPU, 1);
    }

    @AfterAll
    static void close() {
        if (heads != null) {
            heads.close();
        }
        if (hf != null) {
            hf.close();
        }
    }

    @Test
    void bothLayoutsLoad() {
        assertEquals(List.of("ner"), List.copyOf(heads.heads().keySet()));
        TagHead ner = heads.heads().get("ner");
        assertInstanceOf(LinearHead.class, ner);
        assertEquals(List.of("PER", "ORG", "LOC", "MISC"), ner.labels().entityTypes());
        assertEquals(32, heads.maxLength());
        assertEquals(64, heads.encoder().outputDim());
        assertTrue(heads.description().startsWith("Tiny"), heads.description());
        assertEquals(TinyModels.HEADS, heads.id());

        assertEquals(List.of(LabelingModel.DEFAULT_HEAD), List.copyOf(hf.heads().keySet()));
        TagHead def = hf.heads().get(LabelingModel.DEFAULT_HEAD);
        assertInstanceOf(IdentityHead.class, def);
        assertEquals(List.of("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"), def.labels().tags());
        assertEquals(64, hf.maxLength()); // max_position_embeddings
        assertEquals(9, hf.encoder().outputDim());

        for (LabelingModel m : List.of(heads, hf)) {
            assertArrayEquals(new long[] {2}, m.tokenizer().prefixIds());
            assertArrayEquals(new long[] {3}, m.tokenizer().suffixIds());
            assertEquals(0, m.tokenizer().padId());
        }
    }

    @Test
    void encoderFeaturesMatchTorchReference() throws IOException {
        JsonObject ref = TinyModels.json(TinyModels.dir(TinyModels.HEADS).resolve("reference.json"));
        int hidden = ref.get("hidden_size").getAsInt();
        int layers = ref.get("feature_layers").getAsInt();
        assertEquals(ref.get("feature_dim").getAsInt(), heads.encoder().outputDim());
        List<long[]> inputs = new ArrayList<>();
        for (JsonElement e : ref.getAsJsonArray("cases")) {
            JsonObject c = e.getAsJsonObject();
            long[] ids = TinyModels.longs(c.getAsJsonArray("input_ids"));
            inputs.add(ids);
            String text = c.get("text").getAsString();
            assertArrayEquals(ids, heads.tokenizer().encodeText(text), "tokenizer ids for " + text);
            float[][] out = heads.encoder().encode(new long[][] {ids})[0];
            assertEquals(ids.length, out.length);
            JsonArray first8 = c.getAsJsonArray("features_first8");
            JsonArray blocks = c.getAsJsonArray("features_block_first4");
            double[] sums = TinyModels.doubles(c.getAsJsonArray("features_row_sum"));
            for (int t = 0; t < ids.length; t++) {
                String where = text + ", position " + t;
                double[] exp8 = TinyModels.doubles(first8.get(t).getAsJsonArray());
                for (int d = 0; d < 8; d++) {
                    assertEquals(exp8[d], out[t][d], TOLERANCE, where + ", dim " + d);
                }
                for (int k = 0; k < layers; k++) {
                    double[] exp4 = TinyModels.doubles(blocks.get(t).getAsJsonArray().get(k).getAsJsonArray());
                    for (int d = 0; d < 4; d++) {
                        assertEquals(exp4[d], out[t][k * hidden + d], TOLERANCE, where + ", block " + k + ", dim " + d);
                    }
                }
                double sum = 0;
                for (float v : out[t]) {
                    sum += v;
                }
                assertEquals(sums[t], sum, 5 * TOLERANCE, where + ", row sum");
            }
        }
        // batched with padding gives the same vectors as one sequence at a time
        float[][][] batch = heads.encoder().encode(inputs.toArray(new long[0][]));
        for (int b = 0; b < inputs.size(); b++) {
            float[][] alone = heads.encoder().encode(new long[][] {inputs.get(b)})[0];
            assertEquals(alone.length, batch[b].length);
            for (int t = 0; t < alone.length; t++) {
                for (int d = 0; d < alone[t].length; d++) {
                    assertEquals(alone[t][d], batch[b][t][d], 1e-4, "sequence " + b + ", position " + t);
                }
            }
        }
    }

    @Test
    void classifierLogitsMatchTorchReference() throws IOException {
        JsonObject ref = TinyModels.json(TinyModels.dir(TinyModels.HF).resolve("reference.json"));
        for (JsonElement e : ref.getAsJsonArray("cases")) {
            JsonObject c = e.getAsJsonObject();
            long[] ids = TinyModels.longs(c.getAsJsonArray("input_ids"));
            String text = c.get("text").getAsString();
            assertArrayEquals(ids, hf.tokenizer().encodeText(text), "tokenizer ids for " + text);
            float[][] out = hf.encoder().encode(new long[][] {ids})[0];
            JsonArray logits = c.getAsJsonArray("logits");
            assertEquals(logits.size(), out.length);
            for (int t = 0; t < out.length; t++) {
                double[] exp = TinyModels.doubles(logits.get(t).getAsJsonArray());
                assertEquals(exp.length, out[t].length);
                for (int k = 0; k < exp.length; k++) {
                    assertEquals(exp[k], out[t][k], TOLERANCE, text + ", position " + t + ", label " + k);
                }
            }
        }
    }

    @Test
    void tokenizerReproducesReferenceIds() throws IOException {
        for (LabelingModel m : List.of(heads, hf)) {
            JsonObject ref = TinyModels.json(m.dir().resolve("tokenizer_reference.json"));
            JsonArray cases = ref.getAsJsonArray("cases");
            assertTrue(cases.size() >= 20, "expected the full tokenizer reference, got " + cases.size() + " sentences");
            for (JsonElement e : cases) {
                JsonObject c = e.getAsJsonObject();
                String text = c.get("text").getAsString();
                long[] expected = TinyModels.longs(c.getAsJsonArray("ids"));
                assertArrayEquals(expected, m.tokenizer().encodeText(text), m.id() + ": " + text);
            }
        }
    }

    /**
     * Tokenising word by word (the labelling path) gives BERT's ids too, including where BERT deletes a format
     * character (soft hyphen, zero-width space) and joins its two sides into one word.
     */
    @Test
    void wordByWordTokenisationMatchesReference() throws IOException {
        JsonObject ref = TinyModels.json(heads.dir().resolve("tokenizer_reference.json"));
        int compared = 0;
        for (JsonElement e : ref.getAsJsonArray("cases")) {
            JsonObject c = e.getAsJsonObject();
            String text = c.get("text").getAsString();
            long[] expected = TinyModels.longs(c.getAsJsonArray("ids"));
            Document doc = Document.of(text);
            List<String> words = new ArrayList<>();
            for (Word w : doc.words()) {
                words.add(WordSplitter.tokenizerText(text, w));
            }
            List<Long> got = new ArrayList<>();
            for (long id : heads.tokenizer().prefixIds()) {
                got.add(id);
            }
            for (int[] wordIds : heads.tokenizer().tokenize(words)) {
                for (int id : wordIds) {
                    got.add((long) id);
                }
            }
            for (long id : heads.tokenizer().suffixIds()) {
                got.add(id);
            }
            assertArrayEquals(expected, got.stream().mapToLong(Long::longValue).toArray(), text);
            compared++;
        }
        assertTrue(compared >= 20, "compared " + compared);
    }

    @Test
    void tokenizingManyWordsMatchesWordByWord() {
        String[] vocab = {"Paris", "Straße", "Москва", "北", "😀", "Antidisestablishmentarianism", ",", "\uFFFD", "x", "ünïcödé"};
        Random rnd = new Random(11);
        List<String> words = new ArrayList<>();
        for (int i = 0; i < 9000; i++) { // more than one native call's chunk
            words.add(vocab[rnd.nextInt(vocab.length)]);
        }
        int[][] all = heads.tokenizer().tokenize(words);
        assertEquals(words.size(), all.length);
        Map<String, int[]> single = new java.util.HashMap<>();
        for (String v : vocab) {
            single.put(v, heads.tokenizer().tokenize(List.of(v))[0]);
        }
        for (int i = 0; i < words.size(); i++) {
            assertArrayEquals(single.get(words.get(i)), all[i], "word " + i + " " + words.get(i));
        }
        assertEquals(0, single.get("\uFFFD").length, "U+FFFD is dropped by BERT's text cleaning");
        assertTrue(single.get("Antidisestablishmentarianism").length > 1);
    }

    // ---------------------------------------------------------------- labelling random text end to end

    private static final String[] POOL = {
            "Angela", "Merkel", "Berlin", "a", "Z", "é", "ß", "7", "Ж", "д", "ع", "י", "α", "ก", "क", "ि", "\u0301",
            "北", "京", "ス", "한", "\uD840\uDC00", "😀", "❤", "\u200D", "\u200C", ".", ",", "'", "-", "!", "«", "—",
            " ", " ", " ", " ", "\t", "\n", "\r\n", "\u00A0", "\u3000", "\u200B", "\u00AD", "\u0000", "\uD83D", "\uDE00"
    };

    private static String randomText(Random rnd, int pieces) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < pieces; i++) {
            sb.append(POOL[rnd.nextInt(POOL.length)]);
        }
        return sb.toString();
    }

    /** Checks every span of every head on the texts; returns how many spans there were. */
    private static int checkSpans(LabelingModel m, List<String> texts, String where) {
        int count = 0;
        List<Document> docs = new ArrayList<>();
        texts.forEach(t -> docs.add(Document.of(t)));
        Map<String, List<TaggedDocument>> byHead = m.label(docs, List.of());
        assertEquals(m.heads().keySet(), byHead.keySet());
        for (Map.Entry<String, List<TaggedDocument>> e : byHead.entrySet()) {
            List<String> types = m.heads().get(e.getKey()).labels().entityTypes();
            assertEquals(texts.size(), e.getValue().size());
            for (int d = 0; d < texts.size(); d++) {
                String text = texts.get(d);
                TaggedDocument td = e.getValue().get(d);
                assertEquals(docs.get(d).words().size(), td.tags().length);
                int prevEnd = 0;
                for (Span s : td.spans()) {
                    String w = where + ", head " + e.getKey() + ", doc " + d + ", span " + s;
                    if (s.start() < prevEnd || s.end() <= s.start() || s.end() > text.length()) {
                        fail("bad span offsets: " + w);
                    }
                    assertEquals(text.substring(s.start(), s.end()), s.text(), w);
                    assertTrue(types.contains(s.label()), w);
                    assertEquals(e.getKey(), s.head(), w);
                    assertTrue(s.score() > 0 && s.score() <= 1 + 1e-6, w);
                    prevEnd = s.end();
                    count++;
                }
            }
        }
        return count;
    }

    @Test
    void labelsRandomUnicodeTextWithExactOffsets() {
        long seed = new Random().nextLong();
        Random rnd = new Random(seed);
        for (LabelingModel m : List.of(heads, hf)) {
            int spans = 0;
            for (int iter = 0; iter < 15; iter++) {
                List<String> texts = new ArrayList<>();
                int n = 1 + rnd.nextInt(4);
                for (int d = 0; d < n; d++) {
                    texts.add(randomText(rnd, rnd.nextInt(4) == 0 ? 600 : 40));
                }
                spans += checkSpans(m, texts, "seed " + seed + ", model " + m.id() + ", case " + iter);
            }
            // the random-weight heads tag some words: without spans the checks above would prove nothing
            assertTrue(spans > 0, "seed " + seed + ": " + m.id() + " produced no span in 15 cases");
        }
    }

    @Test
    void labelsHugeWordsAndTextsLongerThanTheModel() {
        String hugeWord = "Ж".repeat(2500) + "x".repeat(2500);
        List<String> texts = List.of(
                hugeWord,
                "Angela Merkel met " + hugeWord + " in Berlin.",
                "北京".repeat(400),
                "Angela Merkel traf Barack Obama in Berlin. ".repeat(60),
                "",
                " \u00A0 ",
                "\uD83D");
        for (LabelingModel m : List.of(heads, hf)) {
            long before = m.inferenceCount();
            assertTrue(checkSpans(m, texts, "model " + m.id()) > 0, m.id() + " produced no span");
            assertEquals(before + texts.size(), m.inferenceCount());
            assertTrue(m.meanLatencyMillis() > 0);
        }
        // every word of the long text gets a tag
        List<TaggedDocument> tagged = heads.label(List.of(Document.of(texts.get(3))), List.of("ner")).get("ner");
        List<String> tags = tagged.get(0).tagNames();
        assertEquals(60 * 8, tags.size());
    }

    @Test
    void unknownHeadIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> heads.label(List.of(Document.of("x")), List.of("nope")));
        assertTrue(e.getMessage().contains("nope") && e.getMessage().contains("ner"), e.getMessage());
    }

    @Test
    void headThatDoesNotFitTheEncoderIsRejected() throws Exception {
        Path copy = TinyModels.copy(TinyModels.HEADS, tmp.resolve("m"));
        HeadFiles.write(copy.resolve("heads"), "narrow", List.of("O", "B-X", "I-X"), new float[3][10], new float[3],
                LinearHead.Centering.NONE, null);
        IOException e = assertThrows(IOException.class,
                () -> LabelingModel.load("m", copy, OnnxWindowEncoder.Device.CPU, 1));
        assertTrue(e.getMessage().contains("narrow") && e.getMessage().contains("10") && e.getMessage().contains("64"),
                e.getMessage());
    }

    @Test
    void headWithAHiddenLayerLoadsAndLabelsAndMustFitTheEncoder() throws Exception {
        Path copy = TinyModels.copy(TinyModels.HEADS, tmp.resolve("m"));
        Random rnd = new Random(11);
        List<String> tags = List.of("O", "B-X", "I-X");
        float[][] hiddenWeights = new float[8][64];
        for (float[] row : hiddenWeights) {
            for (int d = 0; d < row.length; d++) {
                row[d] = (float) rnd.nextGaussian();
            }
        }
        float[][] out = {new float[8], new float[8], new float[8]};
        out[1][0] = 1; // B-X wherever the first hidden unit fires harder than the bias below
        HeadFiles.write(copy.resolve("heads"), "deep", tags, new HiddenLayer(hiddenWeights, new float[8]), out,
                new float[] {0.5f, 0, -5}, LinearHead.Centering.NONE, null);
        assertEquals(List.of("deep", "ner"), List.copyOf(ModelFiles.read("m", copy).heads().keySet()));
        try (LabelingModel m = LabelingModel.load("m", copy, OnnxWindowEncoder.Device.CPU, 1)) {
            LinearHead deep = (LinearHead) m.heads().get("deep");
            assertEquals(8, deep.hidden().size());
            Document doc = Document.of("Alice met Bob in Paris on Monday.");
            TaggedDocument tagged = m.label(List.of(doc), List.of("deep")).get("deep").get(0);
            // I-X never wins, so each word is B-X exactly where GELU of the first hidden unit beats O's 0.5
            int[] expected = new int[doc.words().size()];
            m.encode(List.of(doc), (d, words, vectors, positions) -> {
                for (int k = 0; k < words.length; k++) {
                    double h = 0;
                    for (int i = 0; i < 64; i++) {
                        h += hiddenWeights[0][i] * vectors[positions[k]][i];
                    }
                    double gelu = 0.5 * h * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (h + 0.044715 * h * h * h)));
                    expected[words[k]] = gelu > 0.5 ? 1 : 0;
                }
            });
            assertEquals(2, java.util.Arrays.stream(expected).distinct().count(), "the fixture should tag some words and not others");
            assertArrayEquals(expected, tagged.tags());
        }

        HeadFiles.write(copy.resolve("heads"), "deep", tags, new HiddenLayer(new float[8][10], new float[8]), out,
                new float[3], LinearHead.Centering.NONE, null);
        IOException e = assertThrows(IOException.class, () -> LabelingModel.load("m", copy, OnnxWindowEncoder.Device.CPU, 1));
        assertTrue(e.getMessage().contains("deep") && e.getMessage().contains("10") && e.getMessage().contains("64"),
                e.getMessage());
    }

    @Test
    void missingFilesAreReportedClearly() throws Exception {
        IOException e = assertThrows(IOException.class,
                () -> LabelingModel.load("empty", tmp, OnnxWindowEncoder.Device.CPU, 1));
        assertTrue(e.getMessage().contains("config.json"), e.getMessage());

        Path copy = TinyModels.copy(TinyModels.HF, tmp.resolve("noid2label"));
        JsonObject config = TinyModels.json(copy.resolve("config.json"));
        config.remove("id2label");
        Files.writeString(copy.resolve("config.json"), config.toString());
        e = assertThrows(IOException.class, () -> LabelingModel.load("noid2label", copy, OnnxWindowEncoder.Device.CPU, 1));
        assertTrue(e.getMessage().contains("id2label"), e.getMessage());

        Path wrongOutput = TinyModels.copy(TinyModels.HEADS, tmp.resolve("wrongoutput"));
        JsonObject cfg = TinyModels.json(wrongOutput.resolve("config.json"));
        cfg.getAsJsonObject("polyspan").addProperty("features_output", "hidden");
        Files.writeString(wrongOutput.resolve("config.json"), cfg.toString());
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
                () -> LabelingModel.load("wrongoutput", wrongOutput, OnnxWindowEncoder.Device.CPU, 1));
        assertTrue(e2.getMessage().contains("hidden") && e2.getMessage().contains("features"), e2.getMessage());
    }
}
