package org.polyspan.translation;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.polyspan.TinyModels;
import org.polyspan.labeling.Document;
import org.polyspan.projection.Candidate;
import org.polyspan.projection.NmtCandidates;
import org.polyspan.projection.Projector;
import org.polyspan.projection.SpanConversions;
import org.polyspan.projection.SpanScorer;
import org.polyspan.projection.WordSpan;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tiny random-weight M2M100-style export (ONNX Runtime, batched forced decoding) against the Python reference of
 * NMTScore's normalised two-way score computed with torch ({@code models/recipe/tiny_m2m100.py}).
 */
class NmtScorerTest {
    /** Relative tolerance: float32 logits, padded batches on both sides. */
    static final double TOLERANCE = 2e-5;

    static TranslationModel model;
    static JsonObject reference;

    static Path dir() {
        return TinyModels.fixture("tiny-m2m100", "nmt_reference.json");
    }

    @BeforeAll
    static void load() throws Exception {
        Path dir = dir();
        model = TranslationModel.load("tiny-m2m100", dir, false, 1);
        reference = JsonParser.parseString(Files.readString(dir.resolve("nmt_reference.json"))).getAsJsonObject();
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    static void assertClose(double expected, double actual, String what) {
        assertEquals(expected, actual, TOLERANCE * Math.abs(expected), what);
    }

    static int[] ints(JsonElement e) {
        JsonArray a = e.getAsJsonArray();
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsInt();
        }
        return out;
    }

    @Test
    void likelihoodsAndScoresMatchTheReferenceCaseByCase() {
        JsonArray cases = reference.getAsJsonArray("cases");
        assertTrue(cases.size() >= 10);
        for (JsonElement e : cases) {
            JsonObject c = e.getAsJsonObject();
            String a = c.get("a").getAsString();
            String b = c.get("b").getAsString();
            assertArrayEquals(ints(c.get("a_ids")), model.tokens(a), "tokens of " + a);
            assertArrayEquals(ints(c.get("b_ids")), model.tokens(b), "tokens of " + b);
            NmtScorer scorer = new NmtScorer(model, model.languageToken(c.get("a_lang").getAsString()),
                    model.languageToken(c.get("b_lang").getAsString()));
            NmtScorer.Likelihoods l = scorer.likelihoods(List.of(a), List.of(List.of(b)))[0][0];
            String what = a + " / " + b;
            assertClose(c.get("p_ab").getAsDouble(), l.pab(), "P(a|b) " + what);
            assertClose(c.get("p_aa").getAsDouble(), l.paa(), "P(a|a) " + what);
            assertClose(c.get("p_ba").getAsDouble(), l.pba(), "P(b|a) " + what);
            assertClose(c.get("p_bb").getAsDouble(), l.pbb(), "P(b|b) " + what);
            assertClose(c.get("score").getAsDouble(), l.score(), "score " + what);
        }
    }

    @Test
    void oneBatchOfManySpansAndCandidatesGivesTheSameScores() {
        JsonArray cases = reference.getAsJsonArray("cases");
        JsonArray expected = reference.getAsJsonArray("batched_eng_spa");
        List<String> spans = new ArrayList<>();
        List<List<String>> candidates = new ArrayList<>();
        for (JsonElement e : cases) {
            spans.add(e.getAsJsonObject().get("a").getAsString());
            candidates.add(List.of(e.getAsJsonObject().get("b").getAsString()));
        }
        double[][] scores = new NmtScorer(model, model.languageToken("en"), model.languageToken("es")).score(spans, candidates);
        for (int i = 0; i < expected.size(); i++) {
            assertClose(expected.get(i).getAsDouble(), scores[i][0], "batched " + spans.get(i));
        }
    }

    @Test
    void everyProjectionCandidateAndTheGlobalSelectionMatchTheReference() {
        JsonObject projection = reference.getAsJsonObject("projection");
        NmtScorer scorer = new NmtScorer(model, model.languageToken(projection.get("source_language").getAsString()),
                model.languageToken(projection.get("target_language").getAsString()));
        for (JsonElement pe : projection.getAsJsonArray("pairs")) {
            JsonObject p = pe.getAsJsonObject();
            JsonObject pair = p.getAsJsonObject("pair");
            Document source = Document.ofTokens(strings(pair.getAsJsonObject("source").getAsJsonArray("tokens")));
            Document target = Document.ofTokens(strings(pair.getAsJsonObject("target").getAsJsonArray("tokens")));
            List<WordSpan> spans = SpanConversions.fromTags(strings(pair.getAsJsonObject("source").getAsJsonArray("tags")), "tags");
            List<List<Candidate>> scored = NmtCandidates.score(scorer, source, spans, target, SpanScorer.Params.DEFAULT);
            JsonArray expected = p.getAsJsonArray("candidates");
            assertEquals(expected.size(), scored.size());
            for (int s = 0; s < spans.size(); s++) {
                JsonArray exp = expected.get(s).getAsJsonArray();
                assertEquals(exp.size(), scored.get(s).size(), "candidates of span " + s);
                for (int c = 0; c < exp.size(); c++) {
                    JsonObject ec = exp.get(c).getAsJsonObject();
                    Candidate got = scored.get(s).get(c);
                    assertEquals(ec.get("start").getAsInt(), got.start());
                    assertEquals(ec.get("end").getAsInt(), got.end());
                    assertClose(ec.get("score").getAsDouble(), got.score(), "span " + s + " candidate " + ec.get("text"));
                }
            }
            Projector.Result result = Projector.select(spans, scored, target.words().size(), 0.0, 0);
            JsonArray selection = p.getAsJsonArray("selection");
            for (int s = 0; s < spans.size(); s++) {
                JsonElement sel = selection.get(s);
                int index = s;
                Projector.Projection got = result.projections().stream().filter(x -> x.sourceIndex() == index).findFirst().orElse(null);
                if (sel.isJsonNull()) {
                    assertEquals(null, got, "span " + s + " should stay unprojected");
                } else {
                    assertEquals(sel.getAsJsonObject().get("start").getAsInt(), got.start(), "selection of span " + s);
                    assertEquals(sel.getAsJsonObject().get("end").getAsInt(), got.end(), "selection of span " + s);
                }
            }
        }
    }

    @Test
    void languagesMapOntoTheModelsCodes() {
        LanguageCodes codes = model.languages();
        assertEquals("eng_Latn", codes.resolve("en"));
        assertEquals("spa_Latn", codes.resolve("es"));
        assertEquals("spa_Latn", codes.resolve("spa"));
        assertEquals("rus_Cyrl", codes.resolve("ru"));
        assertEquals("spa_Latn", codes.resolve("spa_Latn"));
        IllegalArgumentException ambiguous = assertThrows(IllegalArgumentException.class, () -> codes.resolve("zh"));
        assertTrue(ambiguous.getMessage().contains("zho_Hans"), ambiguous.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> codes.resolve("sw"));
        assertTrue(missing.getMessage().contains("no language code for [sw]"), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> codes.resolve(null));
    }

    @Test
    void m2m100CodesAndAliases() {
        LanguageCodes codes = new LanguageCodes(List.of("__en__", "__es__", "__zh__"), java.util.Map.of("chinese", "__zh__"));
        assertEquals("__es__", codes.resolve("es"));
        assertEquals("__en__", codes.resolve("EN"));
        assertEquals("__zh__", codes.resolve("chinese"));
        assertThrows(IllegalArgumentException.class, () -> codes.resolve("de"));
        assertThrows(IllegalArgumentException.class, () -> new LanguageCodes(List.of("__en__"), java.util.Map.of("x", "__de__")));
    }

    static List<String> strings(JsonArray a) {
        List<String> out = new ArrayList<>();
        a.forEach(e -> out.add(e.getAsString()));
        return out;
    }
}
