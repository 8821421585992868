package org.polyspan.tools;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.polyspan.eval.SpanMetrics;
import org.polyspan.labeling.ConllReader;
import org.polyspan.labeling.ConllSentence;
import org.polyspan.projection.ProjectionRequest;
import org.polyspan.runtime.ProjectApi;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TranslateTrainTest {
    private static final TranslateTrain.ProjectOptions OPTIONS = new TranslateTrain.ProjectOptions("en", "es", "mbert-ner-int8", "tproj");

    private static ConllSentence sentence(String tokens, String tags) {
        List<String> t = List.of(tokens.split(" "));
        return new ConllSentence(t, List.of(tags.split(" ")), java.util.stream.IntStream.rangeClosed(1, t.size()).boxed().toList());
    }

    private static final List<ConllSentence> SOURCE = List.of(
            sentence("Peter Blackburn visited Brussels .", "B-PER I-PER O B-LOC O"),
            sentence("EU rejects German call .", "B-ORG O B-MISC O O"));

    @Test
    void conllIsTokenTabTagWithABlankLineAfterEachSentenceAndReadsBack() {
        String conll = TranslateTrain.conll(SOURCE);
        assertTrue(conll.startsWith("Peter\tB-PER\nBlackburn\tI-PER\n"), conll);
        assertTrue(conll.contains(".\tO\n\nEU\tB-ORG\n"), conll);
        assertTrue(conll.endsWith(".\tO\n\n"), conll);
        List<ConllSentence> back = ConllReader.parse(conll, ConllReader.Columns.LAST_TWO);
        assertEquals(SOURCE.stream().map(ConllSentence::tokens).toList(), back.stream().map(ConllSentence::tokens).toList());
        assertEquals(SOURCE.stream().map(ConllSentence::tags).toList(), back.stream().map(ConllSentence::tags).toList());
    }

    @Test
    @SuppressWarnings("unchecked")
    void theProjectBodyIsOneTheNodeParsesAsTranslateFirstConllInAndOut() {
        String body = TranslateTrain.projectBody(SOURCE, OPTIONS);
        JsonObject json = JsonParser.parseString(body).getAsJsonObject();
        assertEquals("conll", json.get("format").getAsString());
        assertEquals("conll", json.get("output").getAsString());
        assertTrue(json.get("translate").getAsBoolean());
        assertEquals("mbert-ner-int8", json.get("model").getAsString());
        // what the node makes of it: two pairs without targets, to translate from en to es, answered as CoNLL
        ProjectApi.Parsed parsed = ProjectApi.parse(new Gson().fromJson(body, Map.class));
        assertTrue(parsed.conllOutput());
        ProjectionRequest request = parsed.request();
        assertEquals(2, request.pairs().size());
        assertTrue(request.needsTranslation());
        assertEquals("en", request.options().sourceLanguage());
        assertEquals("es", request.options().targetLanguage());
        assertEquals("mbert-ner-int8", request.options().model());
        assertEquals("Peter Blackburn visited Brussels .", request.pairs().get(0).source().text());
    }

    @Test
    void theAnswerMustHoldOneWellTaggedSentencePerSourceSentence() {
        String answer = "Peter\tB-PER\nBlackburn\tI-PER\nvisitó\tO\nBruselas\tB-LOC\n.\tO\n\nUE\tB-ORG\nrehúsa\tO\n.\tO\n\n";
        List<ConllSentence> targets = TranslateTrain.parseAnswer(answer, 2);
        assertEquals(List.of("Peter", "Blackburn", "visitó", "Bruselas", "."), targets.get(0).tokens());
        assertEquals(List.of("B-ORG", "O", "O"), targets.get(1).tags());
        IllegalStateException count = assertThrows(IllegalStateException.class, () -> TranslateTrain.parseAnswer(answer, 3));
        assertTrue(count.getMessage().contains("2 sentences for 3 sent"), count.getMessage());
        IllegalStateException tag = assertThrows(IllegalStateException.class,
                () -> TranslateTrain.parseAnswer("UE\tB-ORG\nrehúsa\n\n", 1));
        assertTrue(tag.getMessage().contains("line 2"), tag.getMessage());
        assertThrows(IllegalStateException.class, () -> TranslateTrain.parseAnswer("UE\tORG\n\n", 1));
    }

    @Test
    void theProjectionCountsEntitiesPerLabelNamesKeptByTheTranslationAndEntitiesLost() {
        TranslateTrain.Projection p = new TranslateTrain.Projection();
        // the name is kept and projected onto itself; Brussels is translated (Bruselas) and projected there
        p.add(SOURCE.get(0), sentence("Peter Blackburn visitó Bruselas .", "B-PER I-PER O B-LOC O"));
        // EU and German are translated; only one of the two entities comes back
        p.add(SOURCE.get(1), sentence("UE rehúsa llamada alemana .", "B-ORG O O O O"));
        // a sentence the node refused: its entities count in the source only
        p.drop(sentence("Fischler spoke .", "B-PER O O"));
        assertEquals(3, p.sent());
        assertEquals(2, p.returned());
        assertEquals(5, p.sourceEntities());
        assertEquals(3, p.projectedEntities());
        assertArrayEquals(new int[] {2, 1, 1, 1}, p.perLabel().get("PER")); // 2 in the source, 1 projected, 1 kept, 1 onto it
        assertArrayEquals(new int[] {1, 1, 0, 0}, p.perLabel().get("LOC"));
        assertArrayEquals(new int[] {1, 0, 0, 0}, p.perLabel().get("MISC"));
        assertArrayEquals(new int[] {1, 2, 0, 0}, p.lost()); // one sentence lost nothing; two lost one (the MISC, the refused one)
        String report = p.report(2.0);
        assertTrue(report.contains("3 sentences sent, 2 came back (1 dropped) in 2.0 s, 1.5 pairs/s"), report);
        assertTrue(report.contains("| PER | 2 | 1 | 0.500 | 1 (0.500) | 1 (1.000) |"), report);
        assertTrue(report.contains("| all | 5 | 3 | 0.600 | 1 (0.200) | 1 (1.000) |"), report);
    }

    @Test
    void aKeptNameProjectedElsewhereIsNotCountedAsProjectedOntoIt() {
        TranslateTrain.Projection p = new TranslateTrain.Projection();
        // "van" is translated (furgoneta): the name is not kept; Pas is kept but projected with the wrong extent
        p.add(sentence("van der Pas and Pas spoke", "B-PER I-PER I-PER O B-PER O"),
                sentence("furgoneta der Pas y Pas habló", "B-PER I-PER I-PER O O O"));
        assertArrayEquals(new int[] {2, 1, 1, 0}, p.perLabel().get("PER"));
        // words are split as the node splits text: U.S. is four words on the target side
        assertEquals(1, TranslateTrain.Projection.kept(List.of("U.S."), List.of("los", "U", ".", "S", ".")));
        assertEquals(-1, TranslateTrain.Projection.kept(List.of("Werner", "Zwingmann"), List.of("Werner", "de", "Zwingmann")));
    }

    @Test
    void theSimulateBodyRunsBothHeadsInOneProcessorOverTheJoinedTokens() {
        JsonObject body = JsonParser.parseString(TranslateTrain.simulateBody(SOURCE, "mbert-ner", "ner_es", "ner")).getAsJsonObject();
        JsonObject processor = body.getAsJsonObject("pipeline").getAsJsonArray("processors").get(0).getAsJsonObject()
                .getAsJsonObject("span_labeling");
        assertEquals("mbert-ner", processor.get("model").getAsString());
        assertEquals("text", processor.get("field").getAsString());
        assertEquals("[\"ner_es\"]", processor.getAsJsonObject("targets").get(TranslateTrain.TRAINED_FIELD).toString());
        assertEquals("[\"ner\"]", processor.getAsJsonObject("targets").get(TranslateTrain.BASELINE_FIELD).toString());
        JsonArray docs = body.getAsJsonArray("docs");
        assertEquals(2, docs.size());
        assertEquals("EU rejects German call .", docs.get(1).getAsJsonObject().getAsJsonObject("_source").get("text").getAsString());
    }

    @Test
    void theSimulateAnswerScoresEachHeadOverTheGoldTokensWithOtherTypesAsO() {
        // gold as Evaluate reads it for the ner task: MISC dropped
        List<ConllSentence> gold = List.of(sentence("Peter Blackburn visited Brussels .", "B-PER I-PER O B-LOC O"),
                sentence("EU rejects German call .", "B-ORG O O O O"));
        String answer = "{\"docs\":["
                + doc("[" + span(0, 15, "PER") + "," + span(24, 32, "LOC") + "]", "[" + span(0, 5, "PER") + "]")
                + "," + doc("[" + span(0, 2, "ORG") + "," + span(11, 17, "MISC") + "]", "[]") + "]}";
        SpanMetrics trained = new SpanMetrics();
        SpanMetrics baseline = new SpanMetrics();
        TranslateTrain.score(answer, gold, Set.of("PER", "ORG", "LOC"), trained, baseline);
        assertEquals(1.0, trained.f1(), 1e-9); // the MISC span is not counted against it
        assertEquals(3, trained.goldCount());
        assertEquals(0.0, baseline.f1(), 1e-9); // "Peter" alone is not "Peter Blackburn"
        assertThrows(IllegalStateException.class, () -> TranslateTrain.score(answer, gold.subList(0, 1), Set.of("PER"), trained, baseline));
        String failed = "{\"docs\":[{\"error\":{\"type\":\"x\",\"reason\":\"model failed\"}}]}";
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TranslateTrain.score(failed, gold.subList(0, 1), Set.of("PER"), trained, baseline));
        assertTrue(e.getMessage().contains("model failed"), e.getMessage());
        String table = TranslateTrain.table(List.of("ner_es", "ner"), List.of(trained, baseline), Set.of("PER", "ORG", "LOC"));
        assertTrue(table.contains("| ner_es | 1.000 | 1.000 | 1.000 |"), table);
        assertTrue(table.contains("| LOC F1 | ORG F1 | PER F1 |"), table);
    }

    private static String doc(String trained, String baseline) {
        return "{\"doc\":{\"_source\":{\"text\":\"...\",\"" + TranslateTrain.TRAINED_FIELD + "\":" + trained + ",\""
                + TranslateTrain.BASELINE_FIELD + "\":" + baseline + "}}}";
    }

    private static String span(int start, int end, String label) {
        return "{\"start\":" + start + ",\"end\":" + end + ",\"label\":\"" + label + "\"}";
    }

    @Test
    void trainHeadLearnsFromTheGoldAndTheProjectedSilverAndWritesIntoTheModel(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("model");
        List<String> command = TranslateTrain.trainHeadCommand(model, Path.of("en.conll"), Path.of("projected.es.conll"),
                Path.of("es.dev.conll"), "ner_es", new java.util.LinkedHashMap<>(Map.of("silver-weight", "1,0.5")));
        assertEquals(List.of("--model", model.toString(), "--train", "en.conll", "--silver", "projected.es.conll", "--dev", "es.dev.conll",
                "--name", "ner_es", "--out", model.resolve("heads").toString(), "--silver-weight", "1,0.5"), command);
        // every option passed on is one TrainHead takes: it gets past reading its options, to the missing files
        Map<String, String> all = new java.util.LinkedHashMap<>();
        for (String option : TranslateTrain.TRAIN_HEAD_OPTIONS) {
            all.put(option, switch (option) {
                case "silver-drop" -> "none,no_entity";
                case "cache" -> dir.resolve("cache").toString();
                default -> "1";
            });
        }
        List<String> full = TranslateTrain.trainHeadCommand(model, dir.resolve("en.conll"), dir.resolve("projected.es.conll"),
                dir.resolve("es.dev.conll"), "ner_es", all);
        assertThrows(java.nio.file.NoSuchFileException.class, () -> TrainHead.main(full.toArray(String[]::new)));
    }

    @Test
    void aSliceOfTheSourceIsWrittenOnlyWhenItChanges(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("source.en.conll");
        TranslateTrain.writeIfChanged(file, TranslateTrain.conll(SOURCE));
        java.nio.file.attribute.FileTime before = java.nio.file.attribute.FileTime.fromMillis(1_000_000L);
        Files.setLastModifiedTime(file, before);
        TranslateTrain.writeIfChanged(file, TranslateTrain.conll(SOURCE));
        assertEquals(before, Files.getLastModifiedTime(file), "the same slice keeps its file, and the feature cache its entry");
        TranslateTrain.writeIfChanged(file, TranslateTrain.conll(SOURCE.subList(0, 1)));
        assertEquals(TranslateTrain.conll(SOURCE.subList(0, 1)), Files.readString(file));
    }
}
