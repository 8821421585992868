package org.polyspan.seq2seq;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.polyspan.labeling.Document;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * T-Projection candidate generation on the tiny random-weight T5 export against the Python reference
 * ({@code slot_beam_search} in {@code models/recipe/seq2seq_reference.py}, on torch logits without a cache): same
 * input ids, same ranked outputs token for token, scores within 1e-4, same segments and word ranges.
 */
class TProjectionReferenceTest {
    static Seq2SeqModel model;
    static JsonObject reference;

    @BeforeAll
    static void load() throws Exception {
        Path dir = TinyT5ReferenceTest.dir();
        model = Seq2SeqModel.load(dir, false, 1);
        reference = JsonParser.parseString(Files.readString(dir.resolve("reference.json"))).getAsJsonObject().getAsJsonObject("tproj");
        assertNotNull(reference, "reference.json has no tproj section: regenerate the fixture");
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    @Test
    void generatorReproducesTheReferenceOutputs() {
        int maxWords = reference.get("max_span_words").getAsInt();
        assertEquals(model.options().lengthPenalty(), reference.get("length_penalty").getAsDouble());
        int checked = 0;
        double worst = 0;
        for (JsonElement c : reference.getAsJsonArray("cases")) {
            JsonObject cs = c.getAsJsonObject();
            String text = cs.get("text").getAsString();
            List<String> slots = new ArrayList<>();
            cs.getAsJsonArray("slots").forEach(s -> slots.add(s.getAsString()));
            for (var e : cs.getAsJsonObject("results").entrySet()) {
                int beam = Integer.parseInt(e.getKey());
                TProjectionGenerator gen = new TProjectionGenerator(model.tokenizer(), model.onnx(), model.options(), beam, maxWords);
                TProjectionGenerator.Run run = gen.run(Document.of(text), slots);
                String what = text + " " + slots + " (beam " + beam + ")";
                assertNotNull(run, what);
                assertArrayEquals(TinyT5ReferenceTest.ints(cs.get("input_ids")), run.inputIds(), "input ids of " + what);
                JsonArray expected = e.getValue().getAsJsonArray();
                assertEquals(expected.size(), run.outputs().size(), "outputs of " + what);
                for (int k = 0; k < expected.size(); k++) {
                    JsonObject x = expected.get(k).getAsJsonObject();
                    SlotBeamSearch.Output o = run.outputs().get(k);
                    assertArrayEquals(TinyT5ReferenceTest.ints(x.get("tokens")), o.tokens(), "tokens of output " + k + " of " + what);
                    assertEquals(x.get("score").getAsDouble(), o.score(), 1e-4, "score of output " + k + " of " + what);
                    assertEquals(x.get("sum_log_prob").getAsDouble(), o.sumLogProb(), 1e-4 * o.tokens().length);
                    worst = Math.max(worst, Math.abs(x.get("score").getAsDouble() - o.score()));
                    List<String> expectedChosen = new ArrayList<>();
                    for (JsonElement ch : x.getAsJsonArray("chosen")) {
                        expectedChosen.add(ch.toString().replace(" ", ""));
                    }
                    List<String> chosen = new ArrayList<>();
                    for (SpanSlotAutomaton.Chosen ch : o.chosen()) {
                        StringBuilder sb = new StringBuilder("[" + ch.slot() + ",[");
                        for (int i = 0; i < ch.ranges().size(); i++) {
                            sb.append(i > 0 ? "," : "").append(Arrays.toString(ch.ranges().get(i)).replace(" ", ""));
                        }
                        chosen.add(sb.append("],").append(ch.tokenFrom()).append(",").append(ch.tokenTo()).append("]").toString());
                    }
                    assertEquals(expectedChosen, chosen, "segments of output " + k + " of " + what);
                    checked++;
                }
                // generated spans: every range of every output, exact target words
                Document doc = Document.of(text);
                for (TProjectionGenerator.Generated g : run.spans()) {
                    String span = text.substring(doc.words().get(g.start()).start(), doc.words().get(g.end() - 1).end());
                    assertEquals(String.join(" ", Arrays.asList(text.split(" ")).subList(g.start(), g.end())), span);
                    assertEquals(slots.get(g.slot()), g.label());
                }
            }
        }
        System.out.printf("tiny-t5 T-Projection reference: %d outputs identical, max score difference %.2e%n", checked, worst);
        assertTrue(checked >= reference.getAsJsonArray("cases").size() * 2, "outputs checked: " + checked);
    }

    @Test
    void tagNamesFollowTheModelThenTProjection() {
        TProjectionGenerator gen = new TProjectionGenerator(model.tokenizer(), model.onnx(), model.options(), 2, 4);
        assertArrayEquals(new String[] {"<PER>", "</PER>"}, gen.tags("PER"), "the fixture's configured tags");
        assertArrayEquals(new String[] {"<Miscellaneous>", "</Miscellaneous>"}, gen.tags("MISC"));
        assertArrayEquals(new String[] {"<Claim>", "</Claim>"}, gen.tags("Claim"));
        assertEquals("<PER>[None]</PER><Miscellaneous>[None]</Miscellaneous>", gen.slots(List.of("PER", "MISC")));
        assertEquals(List.of(), gen.generate(Document.of("   "), List.of("PER")), "no words, no candidates");
        assertEquals(List.of(), gen.generate(Document.of("Obama"), List.of()), "no slots, no candidates");
        String longText = "Obama ".repeat(80);
        assertEquals(List.of(), gen.generate(Document.of(longText), List.of("PER")), "over max_input_tokens, no candidates");
    }
}
