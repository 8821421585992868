package org.polyspan.seq2seq;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.polyspan.TinyModels;
import org.polyspan.labeling.Document;
import org.polyspan.labeling.Span;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tiny random-weight T5 export against the Python reference ({@code models/recipe/seq2seq_reference.py}, run on
 * torch logits without a cache): same tokenisation, same output sequences, scores within 1e-4.
 */
class TinyT5ReferenceTest {
    static Seq2SeqModel model;
    static JsonObject reference;

    static Path dir() {
        return TinyModels.fixture("tiny-t5", "reference.json");
    }

    @BeforeAll
    static void load() throws Exception {
        Path dir = dir();
        model = Seq2SeqModel.load(dir, false, 1);
        reference = JsonParser.parseString(Files.readString(dir.resolve("reference.json"))).getAsJsonObject();
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    static int[] ints(JsonElement e) {
        JsonArray a = e.getAsJsonArray();
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsInt();
        }
        return out;
    }

    static int[][] intss(JsonElement e) {
        JsonArray a = e.getAsJsonArray();
        int[][] out = new int[a.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = ints(a.get(i));
        }
        return out;
    }

    @Test
    void tokenizerMatchesTheReferenceSegmentation() {
        assertArrayEquals(intss(reference.get("open_paths")), model.labeler().openPaths());
        assertArrayEquals(intss(reference.get("close_paths")), model.labeler().closePaths());
        for (JsonElement c : reference.getAsJsonArray("cases")) {
            JsonObject cs = c.getAsJsonObject();
            List<String> words = new ArrayList<>();
            cs.getAsJsonArray("words").forEach(w -> words.add(w.getAsString()));
            assertArrayEquals(intss(cs.get("word_ids")), model.tokenizer().tokenize(words), "word ids of " + words);
            List<String> split = Document.of(cs.get("text").getAsString()).words().stream()
                    .map(w -> w.text(cs.get("text").getAsString())).toList();
            assertEquals(words, split, "WordSplitter agrees with the reference words");
        }
    }

    @Test
    void firstStepLogitsMatchTorch() {
        for (JsonElement c : reference.getAsJsonArray("cases")) {
            JsonObject cs = c.getAsJsonObject();
            try (LogitsSource.Session s = model.onnx().open(ints(cs.get("input_ids")))) {
                float[] row = s.step(new int[] {-1}, new int[] {model.options().decoderStart()})[0];
                JsonArray expected = cs.getAsJsonArray("first_logits");
                for (int i = 0; i < expected.size(); i++) {
                    assertEquals(expected.get(i).getAsDouble(), row[i], 1e-4, "logit " + i);
                }
            }
        }
    }

    @Test
    void beamSearchWithCacheReproducesTheReference() {
        int checked = 0;
        double worst = 0;
        double lengthPenalty = reference.get("length_penalty").getAsDouble();
        for (JsonElement c : reference.getAsJsonArray("cases")) {
            JsonObject cs = c.getAsJsonObject();
            for (var e : cs.getAsJsonObject("results").entrySet()) {
                int beam = Integer.parseInt(e.getKey());
                JsonObject expected = e.getValue().getAsJsonObject();
                TagAutomaton automaton = new TagAutomaton(intss(cs.get("word_ids")), model.labeler().openPaths(),
                        model.labeler().closePaths(), model.options().eos());
                BeamSearch.Result r;
                try (LogitsSource.Session s = model.onnx().open(ints(cs.get("input_ids")))) {
                    r = new BeamSearch(beam, lengthPenalty, model.options().decoderStart()).search(s, automaton);
                }
                String what = cs.get("text").getAsString() + " (beam " + beam + ")";
                assertArrayEquals(ints(expected.get("tokens")), r.tokens(), "tokens of " + what);
                assertEquals(expected.get("score").getAsDouble(), r.score(), 1e-4, "score of " + what);
                assertEquals(expected.get("sum_log_prob").getAsDouble(), r.sumLogProb(), 1e-4 * r.tokens().length, "sum of " + what);
                worst = Math.max(worst, Math.abs(expected.get("score").getAsDouble() - r.score()));
                List<List<Integer>> spans = new ArrayList<>();
                for (TagAutomaton.TagSpan sp : automaton.spans(r.state())) {
                    spans.add(List.of(sp.label(), sp.from(), sp.to(), sp.tokenFrom(), sp.tokenTo()));
                }
                List<List<Integer>> expectedSpans = new ArrayList<>();
                for (JsonElement sp : expected.getAsJsonArray("spans")) {
                    expectedSpans.add(Arrays.stream(ints(sp)).boxed().toList());
                }
                assertEquals(expectedSpans, spans, "spans of " + what);
                checked++;
            }
        }
        System.out.printf("tiny-t5 reference: %d decodings identical, max score difference %.2e%n", checked, worst);
        assertEquals(2 * reference.getAsJsonArray("cases").size(), checked);
    }

    @Test
    void labelerReturnsExactSpansFromTheReferenceDecoding() {
        for (JsonElement c : reference.getAsJsonArray("cases")) {
            JsonObject cs = c.getAsJsonObject();
            String text = cs.get("text").getAsString();
            JsonObject expected = cs.getAsJsonObject("results").getAsJsonObject(String.valueOf(model.options().beamWidth()));
            List<Span> spans = model.labeler().label(Document.of(text), "default");
            assertEquals(expected.getAsJsonArray("spans").size(), spans.size(), text);
            List<String> words = new ArrayList<>();
            cs.getAsJsonArray("words").forEach(w -> words.add(w.getAsString()));
            for (int i = 0; i < spans.size(); i++) {
                int[] sp = ints(expected.getAsJsonArray("spans").get(i));
                Span span = spans.get(i);
                assertEquals(model.options().labels().get(sp[0]), span.label());
                assertEquals(String.join(" ", words.subList(sp[1], sp[2])), span.text());
                assertEquals(span.text(), text.substring(span.start(), span.end()));
                assertTrue(span.score() > 0 && span.score() <= 1);
            }
        }
    }
}
