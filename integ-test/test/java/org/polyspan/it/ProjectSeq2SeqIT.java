package org.polyspan.it;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.polyspan.labeling.Document;
import org.polyspan.projection.GeneratedCandidates;
import org.polyspan.projection.SpanScorer;
import org.polyspan.projection.WordSpan;
import org.polyspan.seq2seq.Seq2SeqModel;
import org.polyspan.seq2seq.TProjectionGenerator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code _project} with T-Projection's text-to-text candidate generator on a real node: the tiny random-weight T5
 * fixture ({@code tiny-t5}, installed from the test models) generates, the default encoder scores. The candidates the
 * node offers must be exactly those the Java core generates in this JVM from the same files, and every projected span
 * an exact substring of its target. The fixture's weights are random, so which span wins is not checked.
 */
class ProjectSeq2SeqIT {
    private static final String GENERATOR = "tiny-t5";
    private static PolyspanRest rest;
    private static Seq2SeqModel t5;
    private static GeneratedCandidates core;

    @BeforeAll
    static void setUp() throws Exception {
        rest = new PolyspanRest("project-s2s");
        String models = System.getProperty("polyspan.test.models", "");
        Path dir = Path.of(models).resolve(GENERATOR);
        assertTrue(Files.isRegularFile(dir.resolve("config.json")), "tiny-t5 fixture missing under [" + models + "]");
        t5 = Seq2SeqModel.load(dir, false, 1);
        core = new GeneratedCandidates(new TProjectionGenerator(t5.tokenizer(), t5.onnx(), t5.options(),
                t5.options().beamWidth(), Integer.MAX_VALUE), SpanScorer.Params.DEFAULT);
    }

    @AfterAll
    static void cleanup() {
        if (t5 != null) {
            t5.close();
        }
        if (rest != null) {
            rest.cleanup();
        }
    }

    private static Map<String, Object> textPair(String source, List<Map<String, Object>> spans, String target) {
        return Map.of("source", Map.of("text", source, "spans", spans), "target", Map.of("text", target));
    }

    private static Map<String, Object> span(int start, int end, String label) {
        return Map.of("start", start, "end", end, "label", label);
    }

    @Test
    void seq2seqCandidatesAreTheCoreGeneratorsRangesAndExactSubstrings() {
        String target1 = "Angela Merkel traf Barack Obama in Berlin .";
        String target2 = "Москва и Путин , 北京 .";
        List<Map<String, Object>> pairs = List.of(
                textPair("Angela Merkel met Barack Obama in Berlin .",
                        List.of(span(0, 13, "PER"), span(18, 30, "PER"), span(34, 40, "LOC")), target1),
                textPair("Moscow and Putin , Beijing .", List.of(span(0, 6, "LOC"), span(11, 16, "PER"), span(19, 26, "LOC")), target2),
                Map.of("source", Map.of("tokens", List.of("Obama", "visited", "Paris", "."), "tags", List.of("B-PER", "O", "B-LOC", "O")),
                        "target", Map.of("tokens", List.of("Obama", "visitó", "París", "."))));
        List<Document> targets = List.of(Document.of(target1), Document.of(target2), Document.ofTokens(List.of("Obama", "visitó", "París", ".")));
        List<List<WordSpan>> sourceSpans = List.of(
                List.of(new WordSpan(0, 2, "PER"), new WordSpan(3, 5, "PER"), new WordSpan(6, 7, "LOC")),
                List.of(new WordSpan(0, 1, "LOC"), new WordSpan(2, 3, "PER"), new WordSpan(4, 5, "LOC")),
                List.of(new WordSpan(0, 1, "PER"), new WordSpan(2, 3, "LOC")));
        JsonObject body = rest.post(PolyspanRest.API + "/_project", Map.of("method", "tproj", "candidates", "seq2seq",
                "generator_model", GENERATOR, "explain", true, "top_k", 20, "pairs", pairs)).expect(200).json();
        assertEquals("seq2seq", body.get("candidates").getAsString());
        assertEquals(GENERATOR, body.get("generator_model").getAsString());
        JsonArray answers = body.getAsJsonArray("pairs");
        assertEquals(3, answers.size());
        int projected = 0;
        for (int p = 0; p < 3; p++) {
            Document doc = targets.get(p);
            boolean tokens = p == 2;
            List<List<int[]>> proposed = core.propose(doc, sourceSpans.get(p));
            JsonObject answer = answers.get(p).getAsJsonObject();
            JsonArray spans = answer.getAsJsonArray("spans");
            assertEquals(sourceSpans.get(p).size(), spans.size() + answer.getAsJsonArray("unprojected").size());
            for (JsonElement e : spans) {
                JsonObject s = e.getAsJsonObject();
                int index = s.get("source_index").getAsInt();
                Set<String> expected = new TreeSet<>();
                for (int[] r : proposed.get(index)) {
                    expected.add(tokens ? r[0] + "-" + r[1] : doc.words().get(r[0]).start() + "-" + doc.words().get(r[1] - 1).end());
                }
                Set<String> offered = new TreeSet<>();
                for (JsonElement a : s.getAsJsonArray("alternatives")) {
                    JsonObject alt = a.getAsJsonObject();
                    offered.add(alt.get("start").getAsInt() + "-" + alt.get("end").getAsInt());
                    assertExact(doc, tokens, alt);
                }
                assertEquals(expected, offered, "pair " + p + ": the node offers exactly the core generator's ranges for " + s);
                assertTrue(expected.contains(s.get("start").getAsInt() + "-" + s.get("end").getAsInt()));
                assertExact(doc, tokens, s);
                projected++;
            }
            if (tokens) {
                assertEquals(4, answer.getAsJsonArray("tags").size());
            }
        }
        assertTrue(projected > 0, "something was projected");
    }

    private static void assertExact(Document doc, boolean tokens, JsonObject s) {
        int start = s.get("start").getAsInt();
        int end = s.get("end").getAsInt();
        // token targets answer token indices; text targets UTF-16 offsets
        String text = tokens ? doc.text().substring(doc.words().get(start).start(), doc.words().get(end - 1).end())
                : doc.text().substring(start, end);
        assertEquals(text, s.get("text").getAsString());
        if (!tokens) {
            assertTrue(doc.words().stream().anyMatch(w -> w.start() == start), "starts on a word");
            assertTrue(doc.words().stream().anyMatch(w -> w.end() == end), "ends on a word");
        }
    }

    @Test
    void unionWithNgramsOffersMoreAndStaysExact() {
        String target = "Obama visitó París .";
        JsonObject body = rest.post(PolyspanRest.API + "/_project", Map.of("candidates", "seq2seq+ngrams", "generator_model", GENERATOR,
                "explain", true, "top_k", 20, "pairs", List.of(textPair("Obama visited Paris .", List.of(span(0, 5, "PER")), target))))
                .expect(200).json();
        JsonObject s = body.getAsJsonArray("pairs").get(0).getAsJsonObject().getAsJsonArray("spans").get(0).getAsJsonObject();
        assertEquals(target.substring(s.get("start").getAsInt(), s.get("end").getAsInt()), s.get("text").getAsString());
        // n-grams of a 1-word span: up to 3 words over 4 target words = 4 + 3 + 2
        assertEquals(9, s.getAsJsonArray("alternatives").size());
    }

    @Test
    void badGeneratorOptionsAnswer400NamingTheField() {
        Map<String, Object> pair = textPair("Obama visited Paris .", List.of(span(0, 5, "PER")), "Obama visitó París .");
        assertBad(Map.of("candidates", "seq2seq", "pairs", List.of(pair)), "generator_model");
        assertBad(Map.of("candidates", "seq2seq", "generator_model", "no-such-model", "pairs", List.of(pair)), "generator_model");
        assertBad(Map.of("candidates", "seq2seq", "generator_model", "mbert-ner", "pairs", List.of(pair)), "generator_model");
        assertBad(Map.of("candidates", "mt5", "generator_model", GENERATOR, "pairs", List.of(pair)), "candidates");
        assertBad(Map.of("method", "align", "candidates", "seq2seq", "generator_model", GENERATOR, "pairs", List.of(pair)), "candidates");
        assertBad(Map.of("generator_model", GENERATOR, "pairs", List.of(pair)), "generator_model");
    }

    /** A text-to-text model where {@code _project} needs an encoder was a 500 (NullPointerException in WordVectors). */
    @Test
    void aTextToTextModelAsEncoderAnswers400SayingWhichKindIsNeeded() {
        Map<String, Object> pair = textPair("Obama visited Paris .", List.of(span(0, 5, "PER")), "Obama visitó París .");
        for (String method : List.of("tproj", "align")) {
            String reason = assertBad(Map.of("model", GENERATOR, "method", method, "pairs", List.of(pair)), "model");
            assertTrue(reason.contains("[tiny-t5] is a text-to-text model, not an encoder model"), reason);
            assertTrue(reason.contains("[generator_model]"), () -> "says where a text-to-text model goes: " + reason);
        }
        String reason = assertBad(Map.of("model", "tiny-heads", "candidates", "seq2seq", "generator_model", "tiny-heads",
                "pairs", List.of(pair)), "generator_model");
        assertTrue(reason.contains("[tiny-heads] is an encoder model, not a text-to-text model"), reason);
    }

    /** Asserts a 400 naming {@code field}, without a stack trace; returns the reason. */
    private static String assertBad(Map<String, Object> request, String field) {
        PolyspanRest.Response r = rest.post(PolyspanRest.API + "/_project", request).expect(400);
        JsonObject error = r.json().getAsJsonObject("error");
        assertEquals(field, error.get("field").getAsString(), r.body());
        assertFalse(r.body().contains("\tat "), "no stack trace: " + r.body());
        return error.get("reason").getAsString();
    }
}
