package org.polyspan.it;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.polyspan.GoldData;
import org.polyspan.labeling.ConllReader;
import org.polyspan.labeling.ConllSentence;
import org.polyspan.labeling.Document;
import org.polyspan.labeling.Word;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whole AbstRCT abstracts indexed as one field, several windows long, with entities and argument components sent to
 * separate fields from one encoder pass. Argument components are sentence-long spans: merging the windows must keep
 * them whole. Token F1 against the gold components over the long field was 0.76 when measured, against 0.89 for
 * the same sentences labelled one by one; 0.67 before windows were cut at sentence ends. The bound is 0.7.
 */
class MedicalArgumentIT {
    private static final PolyspanRest REST = new PolyspanRest("medarg");
    private static final int SENTENCES = 60;

    @AfterAll
    static void cleanUp() {
        REST.cleanup();
    }

    @Test
    void longAbstractFieldKeepsArgumentSpansAcrossWindows() throws Exception {
        Path file = GoldData.file("medical/abstrct/EN/argument_components/original_data/neoplasm_test.tsv");
        List<ConllSentence> gold = new ConllReader(Map.of(), Set.of("Claim", "Premise")).read(file).subList(0, SENTENCES);

        // one text made of the sentences; gold tag per word with its character range
        StringBuilder text = new StringBuilder();
        List<int[]> goldWords = new java.util.ArrayList<>();
        List<String> goldTypes = new java.util.ArrayList<>();
        for (ConllSentence s : gold) {
            Document d = Document.ofTokens(s.tokens());
            int offset = text.length() == 0 ? 0 : text.length() + 1;
            if (text.length() > 0) {
                text.append(' ');
            }
            text.append(d.text());
            for (int i = 0; i < d.words().size(); i++) {
                Word w = d.words().get(i);
                goldWords.add(new int[] {offset + w.start(), offset + w.end()});
                String tag = s.tags().get(i);
                goldTypes.add(tag.equals("O") ? null : tag.substring(2));
            }
        }

        String pipeline = REST.name("pipeline");
        PolyspanRest.Response created = REST.putPipeline(pipeline, Map.of("processors", List.of(Map.of("span_labeling",
                Map.of("model", "mbert-ner", "field", "abstract",
                        "targets", Map.of("entities", List.of("ner", "medical"), "arguments", List.of("argument")))))));
        assertEquals(200, created.status(), created::body);
        String index = REST.name("abstracts");
        REST.index(index, "1", pipeline, Map.of("abstract", text.toString())).expect(201);
        JsonObject source = REST.source(index, "1");

        List<JsonObject> arguments = PolyspanRest.checkSpans(source, "arguments", "arguments");
        List<JsonObject> entities = PolyspanRest.checkSpans(source, "entities", "entities");
        assertFalse(arguments.isEmpty(), "no argument component found in " + SENTENCES + " sentences");
        arguments.forEach(s -> assertEquals("argument", s.get("head").getAsString(), s::toString));
        entities.forEach(s -> assertTrue(Set.of("ner", "medical").contains(s.get("head").getAsString()), s::toString));
        assertTrue(arguments.stream().anyMatch(s -> s.get("start").getAsInt() > text.length() * 3 / 4),
                "no argument span in the last quarter of a " + text.length() + "-character field");

        // token-level agreement with the gold components over the whole field
        long tp = 0, predicted = 0, goldCount = 0;
        for (int i = 0; i < goldWords.size(); i++) {
            int[] w = goldWords.get(i);
            String predictedType = null;
            for (JsonObject s : arguments) {
                if (s.get("start").getAsInt() <= w[0] && w[1] <= s.get("end").getAsInt()) {
                    predictedType = s.get("label").getAsString();
                }
            }
            if (goldTypes.get(i) != null) {
                goldCount++;
            }
            if (predictedType != null) {
                predicted++;
                if (predictedType.equals(goldTypes.get(i))) {
                    tp++;
                }
            }
        }
        double p = predicted == 0 ? 0 : (double) tp / predicted;
        double r = goldCount == 0 ? 0 : (double) tp / goldCount;
        double f1 = p + r == 0 ? 0 : 2 * p * r / (p + r);
        System.out.printf("AbstRCT %d sentences as one %d-character field: %d argument spans, token F1 %.3f%n",
                SENTENCES, text.length(), arguments.size(), f1);
        assertTrue(f1 >= 0.7, "token F1 over the long field " + f1 + " (0.89 when the same sentences are labelled one by one)");
    }
}
