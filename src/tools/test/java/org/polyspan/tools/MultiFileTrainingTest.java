package org.polyspan.tools;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.polyspan.TinyModels;
import org.polyspan.labeling.BioLabels;
import org.polyspan.labeling.LinearHead;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Training a head on gold and silver (projected) files at once: weights, the silver policy, sampling and the cache. */
class MultiFileTrainingTest {
    private static final BioLabels LABELS = new BioLabels(List.of("O", "B-PER", "I-PER"));

    @Test
    void trainingFilesCarryTheirWeights() {
        List<TrainingFile> files = TrainingFile.parse("a.tsv, b.tsv@0.25", true);
        assertEquals(2, files.size());
        assertEquals(1f, files.get(0).weight());
        assertEquals(0.25f, files.get(1).weight());
        assertEquals(Path.of("b.tsv"), files.get(1).path());
        assertTrue(files.get(1).silver());
        assertTrue(TrainingFile.parse("", false).isEmpty());
        IllegalArgumentException notANumber = assertThrows(IllegalArgumentException.class, () -> TrainingFile.parse("a.tsv@x", false));
        assertTrue(notANumber.getMessage().contains("a.tsv@x"), notANumber.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TrainingFile.parse("a.tsv@-1", false));
    }

    /** Two sentences per file: "PER O" and "O O" (tag indices), one feature per word. */
    private static TrainHead.Features twoFiles() {
        TrainHead.Features gold = TrainHead.Features.of(new float[][] {{1}, {0}, {0}, {0}}, null, new int[] {1, 0, 0, 0}, new int[] {0, 2, 4});
        TrainHead.Features silver = TrainHead.Features.of(new float[][] {{1}, {0}, {0}, {0}}, null, new int[] {1, 0, 0, 0}, new int[] {0, 2, 4});
        return TrainHead.Features.concat(List.of(gold, silver));
    }

    @Test
    void silverPolicyWeighsOnlySilverWords() {
        TrainHead.Features f = twoFiles();
        assertArrayEquals(new int[] {0, 0, 1, 1}, f.sentenceFile());
        List<TrainingFile> files = List.of(new TrainingFile(Path.of("gold"), 2f, false), new TrainingFile(Path.of("silver"), 0.5f, true));
        // gold keeps its file weight whatever the policy; silver: file weight x policy weight, O words x O weight
        assertArrayEquals(new float[] {2, 2, 2, 2, 0.5f * 0.8f, 0.5f * 0.8f * 0.25f, 0.5f * 0.8f * 0.25f, 0.5f * 0.8f * 0.25f},
                new SilverPolicy(0.8f, 0.25f, false).wordWeights(f, files), 1e-6f);
        // the silver sentence without an entity is left out entirely
        assertArrayEquals(new float[] {2, 2, 2, 2, 0.5f, 0.5f, 0, 0}, new SilverPolicy(1f, 1f, true).wordWeights(f, files), 1e-6f);
        assertArrayEquals(new float[] {2, 2, 2, 2, 0.5f, 0.5f, 0.5f, 0.5f}, SilverPolicy.NONE.wordWeights(f, files), 1e-6f);
    }

    @Test
    void theHeavierFileDecidesWhereFilesDisagree() {
        // gold: the marked word is a person; silver: the same word is O. Whichever file weighs more wins.
        TrainHead.Features gold = TrainHead.Features.of(new float[][] {{1, 0}, {0, 1}}, null, new int[] {1, 0}, new int[] {0, 2});
        TrainHead.Features silver = TrainHead.Features.of(new float[][] {{1, 0}, {0, 1}}, null, new int[] {0, 0}, new int[] {0, 2});
        TrainHead.Features both = TrainHead.Features.concat(List.of(gold, silver));
        List<TrainingFile> goldHeavy = List.of(new TrainingFile(Path.of("g"), 1f, false), new TrainingFile(Path.of("s"), 0.1f, true));
        List<TrainingFile> silverHeavy = List.of(new TrainingFile(Path.of("g"), 1f, false), new TrainingFile(Path.of("s"), 10f, true));
        assertEquals(1, predicted(both, SilverPolicy.NONE.wordWeights(both, goldHeavy)));
        assertEquals(0, predicted(both, SilverPolicy.NONE.wordWeights(both, silverHeavy)));
        // the same through the policy: silver O words down-weighted give the gold person back
        assertEquals(1, predicted(both, new SilverPolicy(1f, 0.01f, false).wordWeights(both, silverHeavy)));
    }

    /** The tag a head trained on {@code f} with {@code weights} gives the marked word. */
    private static int predicted(TrainHead.Features f, float[] weights) {
        TrainHead.Trained t = TrainHead.train(LinearHead.Centering.NONE, f, weights, null, LABELS, 200, 0.05, 0, 3, List.of(0f),
                SilverPolicy.NONE);
        float[] x = f.row(0, LinearHead.Centering.NONE);
        int best = 0;
        for (int c = 1; c < t.w().length; c++) {
            if (TrainHead.dot(t.w()[c], x) + t.b()[c] > TrainHead.dot(t.w()[best], x) + t.b()[best]) {
                best = c;
            }
        }
        return best;
    }

    @Test
    void silverSamplesDifferPerFileAndRepeat() {
        List<Integer> first = TrainHead.choose(1000, 50, 1);
        assertEquals(50, first.size());
        assertEquals(first, TrainHead.choose(1000, 50, 1));
        assertNotEquals(first, TrainHead.choose(1000, 50, 2));
        List<Integer> sorted = new ArrayList<>(first);
        sorted.sort(null);
        assertEquals(sorted, first); // in file order
        assertEquals(50, first.stream().distinct().count());
        assertEquals(List.of(0, 1, 2), TrainHead.choose(10, 3, 0)); // no seed: the first n
        assertEquals(10, TrainHead.choose(10, 0, 5).size());
    }

    @Test
    void cacheEntriesReadBackAndFollowTheirFile(@TempDir Path dir) throws Exception {
        Path model = Files.createDirectories(dir.resolve("model"));
        Files.writeString(model.resolve("config.json"), "{}");
        Path data = Files.writeString(dir.resolve("train.tsv"), "a O\n");
        FeatureCache cache = new FeatureCache(dir.resolve("cache"), model);
        Path entry = cache.entry(data, List.of(0));
        assertEquals(null, FeatureCache.read(entry));
        short[][] rows = TrainHead.half(new float[][] {{0.5f, -2f, 1e-3f}, {3f, 0f, -0.25f}});
        FeatureCache.write(entry, new FeatureCache.Rows(rows, new int[] {0, 2}));
        FeatureCache.Rows back = FeatureCache.read(entry);
        assertEquals(2, back.raw().length);
        for (int i = 0; i < rows.length; i++) {
            assertArrayEquals(rows[i], back.raw()[i]);
        }
        assertArrayEquals(new int[] {0, 2}, back.sentenceStart());
        assertNotEquals(entry, cache.entry(data, List.of(0, 1)));
        // the self-check file is rewritten whenever a head is written into the model: the encoding, and so the entry, stays
        Files.writeString(model.resolve("self_check.json"), "{}");
        assertEquals(entry, new FeatureCache(dir.resolve("cache"), model).entry(data, List.of(0)));
        Files.writeString(model.resolve("config.json"), "{\"max_length\": 128}");
        assertNotEquals(entry, new FeatureCache(dir.resolve("cache"), model).entry(data, List.of(0)));
        Files.writeString(data, "a O\nb O\n");
        assertNotEquals(entry, cache.entry(data, List.of(0)));
    }

    /**
     * End to end on the tiny model: a head trained with silver data differs from the gold-only head, and silver of
     * weight 0 gives exactly the gold-only head; a second run from the feature cache gives the same head again.
     */
    @Test
    void silverDataChangesTheHeadAndItsWeightIsHonoured(@TempDir Path dir) throws Exception {
        Path model = TinyModels.dir(TinyModels.HEADS);
        Path gold = Files.writeString(dir.resolve("gold.tsv"), conll(List.of("Anna lives in Rome .", "Bob met Anna ."),
                List.of("B-PER O O B-LOC O", "B-PER O B-PER O")));
        Path silver = Files.writeString(dir.resolve("silver.tsv"), conll(List.of("Anna anaishi Roma .", "Bob alikutana na Anna .", "hakuna mtu ."),
                List.of("B-PER O B-LOC O", "B-PER O O O O", "O O O")));
        byte[] goldOnly = trainTo(dir.resolve("gold-only"), model, "--train", gold.toString());
        byte[] zeroSilver = trainTo(dir.resolve("zero-silver"), model, "--train", gold.toString(), "--silver", silver + "@0");
        byte[] withSilver = trainTo(dir.resolve("with-silver"), model, "--train", gold.toString(), "--silver", silver.toString(),
                "--cache", dir.resolve("cache").toString());
        byte[] fromCache = trainTo(dir.resolve("from-cache"), model, "--train", gold.toString(), "--silver", silver.toString(),
                "--cache", dir.resolve("cache").toString());
        assertArrayEquals(goldOnly, zeroSilver);
        assertFalse(Arrays.equals(goldOnly, withSilver));
        assertArrayEquals(withSilver, fromCache);
        try (var entries = Files.list(dir.resolve("cache"))) {
            assertEquals(2, entries.filter(p -> p.toString().endsWith(".f16")).count()); // one entry per file
        }
        String json = Files.readString(dir.resolve("with-silver").resolve("ner_x.json"));
        assertTrue(json.contains("silver.tsv (silver)"), json);
    }

    /** The head's metadata counts the sentences it trained on: silver sentences the policy left out are counted apart. */
    @Test
    void metadataCountsOnlyTheSentencesTrainedOn(@TempDir Path dir) throws Exception {
        Path model = TinyModels.dir(TinyModels.HEADS);
        Path gold = Files.writeString(dir.resolve("gold.tsv"), conll(List.of("Anna lives in Rome .", "Bob met Anna ."),
                List.of("B-PER O O B-LOC O", "B-PER O B-PER O")));
        Path silver = Files.writeString(dir.resolve("silver.tsv"), conll(List.of("Anna anaishi Roma .", "hakuna mtu .", "hapa ni ."),
                List.of("B-PER O B-LOC O", "O O O", "O O O")));
        trainTo(dir.resolve("dropped"), model, "--train", gold.toString(), "--silver", silver.toString(), "--silver-drop", "no_entity");
        JsonObject dropped = JsonParser.parseString(
                Files.readString(dir.resolve("dropped").resolve("ner_x.json"))).getAsJsonObject();
        assertEquals(3, dropped.get("sentences").getAsInt(), dropped.toString());
        assertEquals(2, dropped.get("silver_sentences_dropped").getAsInt(), dropped.toString());
        trainTo(dir.resolve("kept"), model, "--train", gold.toString(), "--silver", silver.toString());
        JsonObject kept = JsonParser.parseString(
                Files.readString(dir.resolve("kept").resolve("ner_x.json"))).getAsJsonObject();
        assertEquals(5, kept.get("sentences").getAsInt(), kept.toString());
        assertFalse(kept.has("silver_sentences_dropped"), kept.toString());
    }

    private static byte[] trainTo(Path out, Path model, String... files) throws Exception {
        List<String> args = new ArrayList<>(List.of("--model", model.toString(), "--name", "ner_x", "--epochs", "3", "--lr", "0.01",
                "--types", "PER,LOC", "--out", out.toString()));
        args.addAll(List.of(files));
        TrainHead.main(args.toArray(String[]::new));
        return Files.readAllBytes(out.resolve("ner_x.bin"));
    }

    private static String conll(List<String> sentences, List<String> tags) {
        StringBuilder out = new StringBuilder();
        for (int s = 0; s < sentences.size(); s++) {
            String[] words = sentences.get(s).split(" ");
            String[] t = tags.get(s).split(" ");
            for (int i = 0; i < words.length; i++) {
                out.append(words[i]).append(' ').append(t[i]).append('\n');
            }
            out.append('\n');
        }
        return out.toString();
    }
}
