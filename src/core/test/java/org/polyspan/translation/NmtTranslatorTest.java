package org.polyspan.translation;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link NmtTranslator} on the tiny random-weight M2M100-style export (ONNX Runtime with the key/value cache, batched)
 * against the Python beam search on torch logits recomputed without a cache ({@code translate_reference.json} from
 * {@code models/recipe/tiny_m2m100.py}): the same tokens, scores within 1e-4, the same decoded text.
 */
class NmtTranslatorTest {
    static final double TOLERANCE = 1e-4;

    static TranslationModel model;
    static JsonArray cases;

    @BeforeAll
    static void load() throws Exception {
        Path dir = NmtScorerTest.dir();
        model = TranslationModel.load("tiny-m2m100", dir, false, 1);
        JsonObject reference = JsonParser.parseString(Files.readString(dir.resolve("translate_reference.json"))).getAsJsonObject();
        assertEquals(reference.get("num_beams").getAsInt(), model.generation().numBeams());
        assertEquals(reference.get("length_penalty").getAsDouble(), model.generation().lengthPenalty());
        cases = reference.getAsJsonArray("cases");
        assertTrue(cases.size() >= 5);
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    private static int[] ints(JsonArray a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsInt();
        }
        return out;
    }

    private static void check(JsonObject c, NmtTranslator.Output o) {
        String what = c.get("source_code").getAsString() + "->" + c.get("target_code").getAsString() + " " + c.get("text");
        assertArrayEquals(ints(c.getAsJsonArray("tokens")), o.tokens(), what);
        assertEquals(c.get("sum_log_prob").getAsDouble(), o.sumLogProb(), TOLERANCE, what);
        assertEquals(c.get("score").getAsDouble(), o.score(), TOLERANCE, what);
        assertEquals(c.get("translation").getAsString(), o.text(), what);
    }

    @Test
    void inputsAreFramedAsM2M100Does() {
        for (JsonElement e : cases) {
            JsonObject c = e.getAsJsonObject();
            int[] input = ints(c.getAsJsonArray("input_ids"));
            int[] tokens = model.tokens(c.get("text").getAsString());
            assertEquals(model.languageToken(c.get("source_code").getAsString()), input[0]);
            assertArrayEquals(tokens, java.util.Arrays.copyOfRange(input, 1, input.length - 1));
            assertEquals(model.eos(), input[input.length - 1]);
            assertEquals(c.get("max_length").getAsInt(), model.generation().maxOutputTokens(tokens.length));
        }
    }

    @Test
    void eachTextAloneMatchesTheReference() throws Exception {
        NmtTranslator translator = new NmtTranslator(model);
        for (JsonElement e : cases) {
            JsonObject c = e.getAsJsonObject();
            NmtTranslator.Output o = translator.generate(List.of(c.get("text").getAsString()),
                    c.get("source_code").getAsString(), c.get("target_code").getAsString()).get(0);
            assertEquals(model.languageToken(c.get("target_code").getAsString()), o.tokens()[0], "forced target language code first");
            check(c, o);
        }
    }

    @Test
    void aBatchOfOneDirectionMatchesTheReferenceAndKeepsTheOrder() throws Exception {
        // every eng_Latn -> spa_Latn case in one call: padded encoder batch, one decoder call per step for all beams
        List<JsonObject> sel = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (JsonElement e : cases) {
            JsonObject c = e.getAsJsonObject();
            if (c.get("source_code").getAsString().equals("eng_Latn") && c.get("target_code").getAsString().equals("spa_Latn")) {
                sel.add(c);
                texts.add(c.get("text").getAsString());
            }
        }
        assertTrue(sel.size() >= 3);
        // ISO codes map to the model's codes; the answer follows the input order, not the length order of the batches
        List<NmtTranslator.Output> outs = new NmtTranslator(model).generate(texts, "en", "es");
        for (int i = 0; i < sel.size(); i++) {
            check(sel.get(i), outs.get(i));
        }
        List<String> strings = new NmtTranslator(model).translate(texts, "eng_Latn", "spa_Latn");
        for (int i = 0; i < sel.size(); i++) {
            assertEquals(sel.get(i).get("translation").getAsString(), strings.get(i));
        }
    }

    @Test
    void moreTextsThanOneBatch() throws Exception {
        // the same texts repeated over several batches give the same translations
        List<String> texts = new ArrayList<>();
        List<JsonObject> expected = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            for (JsonElement e : cases) {
                JsonObject c = e.getAsJsonObject();
                if (c.get("source_code").getAsString().equals("eng_Latn") && c.get("target_code").getAsString().equals("spa_Latn")) {
                    texts.add(c.get("text").getAsString());
                    expected.add(c);
                }
            }
        }
        assertTrue(texts.size() > NmtTranslator.BATCH);
        List<NmtTranslator.Output> outs = new NmtTranslator(model).generate(texts, "en", "es");
        for (int i = 0; i < texts.size(); i++) {
            check(expected.get(i), outs.get(i));
        }
    }

    @Test
    void languagesAndLimits() {
        NmtTranslator translator = new NmtTranslator(model);
        assertEquals("tiny-m2m100", translator.name());
        assertTrue(translator.supports("en", "es"));
        assertTrue(translator.supports("eng_Latn", "rus_Cyrl"));
        assertFalse(translator.supports("en", "ja"));
        assertFalse(translator.supports("en", "zh"), "zh is ambiguous: zho_Hans and zho_Hant");
        TranslationException unknown = assertThrows(TranslationException.class, () -> translator.translate(List.of("Paris"), "en", "ja"));
        assertTrue(unknown.getMessage().contains("[ja]"), unknown.getMessage());
        String longText = "Paris ".repeat(model.generation().maxInputTokens());
        TranslationException tooLong = assertThrows(TranslationException.class, () -> translator.translate(List.of("Obama", longText), "en", "es"));
        assertTrue(tooLong.getMessage().contains("text [1]"), tooLong.getMessage());
    }
}
