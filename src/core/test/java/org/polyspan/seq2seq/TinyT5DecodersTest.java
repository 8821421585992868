package org.polyspan.seq2seq;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.polyspan.seq2seq.TinyT5ReferenceTest.ints;
import static org.polyspan.seq2seq.TinyT5ReferenceTest.intss;

/**
 * The tiny T5 export decoded three ways against the Python reference ({@code reference.json}): with the split decoders,
 * with optimum's merged decoder ({@code tiny-t5-merged}, the same weights behind a {@code use_cache_branch} If node),
 * and with every reference input in one padded batch. All must return the reference's tokens and scores. The same
 * model with a SentencePiece model instead of {@code tokenizer.json} ({@code tiny-t5-spm}) must segment every word
 * and tag as the reference does.
 */
class TinyT5DecodersTest {
    static Seq2SeqModel split;
    static Seq2SeqModel merged;
    static JsonObject reference;

    static Path mergedDir() {
        Path dir = TinyT5ReferenceTest.dir().resolveSibling("tiny-t5-merged");
        assertTrue(Files.isRegularFile(dir.resolve("decoder_model_merged.onnx")), "tiny-t5-merged is missing next to tiny-t5");
        return dir;
    }

    @BeforeAll
    static void load() throws Exception {
        split = Seq2SeqModel.load(TinyT5ReferenceTest.dir(), false, 1);
        merged = Seq2SeqModel.load(mergedDir(), false, 1);
        reference = JsonParser.parseString(Files.readString(TinyT5ReferenceTest.dir().resolve("reference.json"))).getAsJsonObject();
    }

    @AfterAll
    static void close() {
        if (split != null) {
            split.close();
        }
        if (merged != null) {
            merged.close();
        }
    }

    private static List<JsonObject> cases() {
        List<JsonObject> out = new ArrayList<>();
        for (JsonElement c : reference.getAsJsonArray("cases")) {
            out.add(c.getAsJsonObject());
        }
        return out;
    }

    private static TagAutomaton automaton(JsonObject c) {
        return new TagAutomaton(intss(c.get("word_ids")), split.labeler().openPaths(), split.labeler().closePaths(), split.options().eos());
    }

    private static void assertReference(JsonObject expected, BeamSearch.Result r, String what) {
        assertArrayEquals(ints(expected.get("tokens")), r.tokens(), "tokens of " + what);
        assertEquals(expected.get("score").getAsDouble(), r.score(), 1e-4, "score of " + what);
        double[] lps = r.logProbs();
        for (int i = 0; i < lps.length; i++) {
            assertEquals(expected.getAsJsonArray("log_probs").get(i).getAsDouble(), lps[i], 1e-4, "log-prob " + i + " of " + what);
        }
    }

    @Test
    void theLayoutIsDetectedFromTheFiles() {
        assertFalse(split.onnx().merged());
        assertTrue(merged.onnx().merged());
        assertEquals(split.onnx().layers(), merged.onnx().layers());
        Path empty = TinyT5ReferenceTest.dir().resolveSibling("no-such-model");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new OnnxSeq2SeqModel(empty, false, 1));
        assertTrue(e.getMessage().contains("decoder_model_merged.onnx"), e.getMessage());
    }

    @Test
    void aBrokenOrMissingTokenizerFailsTheLoadWithTheFileNamed(@TempDir Path dir) throws Exception {
        for (String f : List.of("config.json", "encoder_model.onnx", "decoder_model_merged.onnx")) {
            Files.copy(mergedDir().resolve(f), dir.resolve(f));
        }
        java.io.IOException none = assertThrows(java.io.IOException.class, () -> Seq2SeqModel.load(dir, false, 1));
        assertTrue(none.getMessage().contains("neither tokenizer.json nor a SentencePiece model"), none.getMessage());
        Files.write(dir.resolve("spiece.model"), new byte[] {0, 1, 2});
        java.io.IOException broken = assertThrows(java.io.IOException.class, () -> Seq2SeqModel.load(dir, false, 1));
        assertTrue(broken.getMessage().contains("cannot read SentencePiece model spiece.model"), broken.getMessage());
    }

    @Test
    void theSentencePieceModelSegmentsLikeTheReference() throws Exception {
        Path dir = TinyT5ReferenceTest.dir().resolveSibling("tiny-t5-spm");
        assertFalse(Files.exists(dir.resolve("tokenizer.json")), "tiny-t5-spm has only spiece.model");
        try (Seq2SeqModel spm = Seq2SeqModel.load(dir, false, 1)) {
            assertTrue(spm.subwordTokenizer() instanceof org.polyspan.onnx.SentencePieceSubwordTokenizer);
            assertThrows(IllegalStateException.class, spm::tokenizer);
            assertArrayEquals(intss(reference.get("open_paths")), spm.labeler().openPaths());
            assertArrayEquals(intss(reference.get("close_paths")), spm.labeler().closePaths());
            assertArrayEquals(new long[] {split.options().eos()}, spm.subwordTokenizer().suffixIds());
            for (JsonObject c : cases()) {
                List<String> words = new ArrayList<>();
                c.getAsJsonArray("words").forEach(w -> words.add(w.getAsString()));
                assertArrayEquals(intss(c.get("word_ids")), spm.subwordTokenizer().tokenize(words), "word ids of " + words);
                BeamSearch search = new BeamSearch(3, reference.get("length_penalty").getAsDouble(), spm.options().decoderStart());
                try (LogitsSource.Session s = spm.onnx().open(ints(c.get("input_ids")))) {
                    assertReference(c.getAsJsonObject("results").getAsJsonObject("3"), search.search(s, automaton(c)),
                            "spm " + c.get("text").getAsString());
                }
            }
        }
    }

    @Test
    void mergedAndSplitDecodersGiveTheReferenceBeams() {
        double lengthPenalty = reference.get("length_penalty").getAsDouble();
        int checked = 0;
        double worst = 0;
        for (JsonObject c : cases()) {
            for (var e : c.getAsJsonObject("results").entrySet()) {
                int beam = Integer.parseInt(e.getKey());
                BeamSearch search = new BeamSearch(beam, lengthPenalty, split.options().decoderStart());
                BeamSearch.Result a;
                BeamSearch.Result b;
                try (LogitsSource.Session s = split.onnx().open(ints(c.get("input_ids")))) {
                    a = search.search(s, automaton(c));
                }
                try (LogitsSource.Session s = merged.onnx().open(ints(c.get("input_ids")))) {
                    b = search.search(s, automaton(c));
                }
                String what = c.get("text").getAsString() + " (beam " + beam + ")";
                assertReference(e.getValue().getAsJsonObject(), a, "split " + what);
                assertReference(e.getValue().getAsJsonObject(), b, "merged " + what);
                assertArrayEquals(a.tokens(), b.tokens());
                assertEquals(a.steps(), b.steps());
                worst = Math.max(worst, Math.abs(a.score() - b.score()));
                checked++;
            }
        }
        System.out.printf("merged vs split decoder: %d decodings identical, max score difference %.2e%n", checked, worst);
        assertTrue(worst <= 1e-5, "merged and split decoders agree to 1e-5, got " + worst);
        assertEquals(2 * cases().size(), checked);
    }

    @Test
    void oneBatchOfAllInputsGivesEachInputsReferenceBeam() {
        List<JsonObject> cases = cases();
        int[][] inputs = new int[cases.size()][];
        List<TagAutomaton> automata = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = ints(cases.get(i).get("input_ids"));
            automata.add(automaton(cases.get(i)));
        }
        int lengths = (int) java.util.Arrays.stream(inputs).mapToInt(a -> a.length).distinct().count();
        assertTrue(lengths > 3, "inputs of different lengths, so the batch is padded");
        for (Seq2SeqModel model : List.of(split, merged)) {
            for (String beamKey : List.of("1", "3")) {
                int beam = Integer.parseInt(beamKey);
                BeamSearch search = new BeamSearch(beam, reference.get("length_penalty").getAsDouble(), model.options().decoderStart());
                List<BeamSearch.Result> results;
                try (LogitsSource.BatchSession s = model.onnx().openBatch(inputs)) {
                    results = search.searchBatch(s, automata);
                }
                for (int i = 0; i < inputs.length; i++) {
                    assertReference(cases.get(i).getAsJsonObject("results").getAsJsonObject(beamKey), results.get(i),
                            (model == merged ? "merged" : "split") + " batch, " + cases.get(i).get("text").getAsString() + " (beam " + beam + ")");
                }
            }
        }
    }
}
