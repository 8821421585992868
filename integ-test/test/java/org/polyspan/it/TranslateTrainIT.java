package org.polyspan.it;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.polyspan.GoldData;
import org.polyspan.labeling.ConllReader;
import org.polyspan.labeling.ConllSentence;
import org.polyspan.labeling.TagChunker;
import org.polyspan.tools.TranslateTrain;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.polyspan.it.PolyspanRest.doc;
import static org.polyspan.it.PolyspanRest.labeller;

/**
 * Translate-train on a real node with Apertium beside it (README, "Projecting labels onto translations";
 * docs/accuracy.md, "Data transfer: the Apertium loop"):
 * <ul>
 *   <li>the CoNLL round trip: English CoNLL-2003 training sentences with their gold tags go to {@code _project}
 *       translate-first, and come back as Spanish CoNLL whose words are Apertium's translation and whose tags are the
 *       projected labels;</li>
 *   <li>{@code models/tool.sh TranslateTrain} on a small slice: it projects, trains a head on English gold plus the
 *       projected Spanish, writes it into a model directory of the node, reloads the model, and scores the head and
 *       the zero-shot {@code ner} head on Spanish test sentences labelled through the node.</li>
 * </ul>
 */
class TranslateTrainIT {
    private static final String EN_TRAIN = "ner/conll2003/en.conll.train.tsv";
    private static final String ES_DEV = "ner/conll2002/es/es.conll.dev.tsv";
    private static final String ES_TEST = "ner/conll2002/es/es.conll.test.tsv";
    private static final String PROJECT = PolyspanRest.API + "/_project";

    private static PolyspanRest rest;

    @BeforeAll
    static void connect() {
        rest = new PolyspanRest("translatetrain");
        rest.get("/_cluster/health?wait_for_status=yellow&timeout=60s").expect(200);
    }

    @AfterAll
    static void cleanup() {
        if (rest != null) {
            rest.cleanup();
        }
    }

    @Test
    void aConllTrainingFileComesBackAsApertiumsSpanishWithProjectedTags() throws Exception {
        Path file = GoldData.file(EN_TRAIN);
        List<ConllSentence> english = new ConllReader(Map.of(), Set.of()).read(file).subList(0, 40);
        StringBuilder source = new StringBuilder();
        for (ConllSentence s : english) {
            for (int i = 0; i < s.tokens().size(); i++) {
                source.append(s.tokens().get(i)).append(' ').append(s.tags().get(i)).append('\n');
            }
            source.append('\n');
        }
        Map<String, Object> body = new java.util.LinkedHashMap<>(Map.of("format", "conll", "translate", true, "source_language", "en",
                "target_language", "es", "source_conll", source.toString()));
        body.put("output", "conll");
        PolyspanRest.Response conll = rest.post(PROJECT, body).expect(200);
        List<ConllSentence> spanish = ConllReader.parse(conll.body(), ConllReader.Columns.LAST_TWO);
        assertEquals(english.size(), spanish.size(), "one CoNLL sentence per English sentence");

        // the same request answered as JSON: the translation Apertium made, and the projected tags over its words. Right
        // after Apertium's service starts, its first requests can translate a few sentences differently from later ones
        // (said: dijo, then dicho), so a sentence may differ between the two answers; where the words agree, so must the tags
        body.put("output", "json");
        JsonArray pairs = rest.post(PROJECT, body).expect(200).json().getAsJsonArray("pairs");
        assertEquals(english.size(), pairs.size());
        int translated = 0;
        int same = 0;
        Map<String, int[]> entities = new TreeMap<>(); // per label: {English, Spanish}
        for (int i = 0; i < english.size(); i++) {
            JsonObject pair = pairs.get(i).getAsJsonObject();
            JsonObject target = pair.getAsJsonObject("target");
            assertEquals("apertium", target.get("translated_by").getAsString(), target::toString);
            List<String> words = strings(target.getAsJsonArray("tokens"));
            int n = i;
            if (words.equals(spanish.get(i).tokens())) {
                same++;
                assertEquals(strings(pair.getAsJsonArray("tags")), spanish.get(i).tags(), "sentence " + n + ": the projected tags");
            }
            if (!spanish.get(i).tokens().equals(english.get(i).tokens())) {
                translated++;
            }
            TagChunker.chunks(english.get(i).tags()).forEach(c -> entities.computeIfAbsent(c.type(), k -> new int[2])[0]++);
            TagChunker.chunks(spanish.get(i).tags()).forEach(c -> entities.computeIfAbsent(c.type(), k -> new int[2])[1]++);
        }
        System.out.printf(Locale.ROOT, "CoNLL-2003 en train, first %d sentences through Apertium: %d translated, %d the same in "
                + "the CoNLL and the JSON answer, entities (en, es) %s%n", english.size(), translated, same,
                entities.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()[0] + "/" + e.getValue()[1]).toList());
        assertTrue(same >= english.size() * 3 / 4, "the CoNLL words are Apertium's translation, as the JSON answer gives it: "
                + same + " of " + english.size() + " sentences the same");
        assertTrue(translated >= english.size() * 3 / 4, "most sentences come back in Spanish: " + translated);
        // one span per English span, unless two would overlap: every label of the source comes back, about as often
        assertEquals(Set.of("LOC", "MISC", "ORG", "PER"), entities.keySet());
        for (Map.Entry<String, int[]> e : entities.entrySet()) {
            int en = e.getValue()[0];
            int es = e.getValue()[1];
            assertTrue(es <= en && es >= en * 9 / 10, () -> e.getKey() + ": " + es + " projected for " + en + " in English");
        }
        // a name Apertium keeps, projected onto itself; a city it translates (BRUSSELS), projected onto the translation
        assertEquals(List.of("Peter", "Blackburn"), spanish.get(1).tokens());
        assertEquals(List.of("B-PER", "I-PER"), spanish.get(1).tags());
        int brussels = spanish.get(2).tokens().indexOf("BRUSELAS");
        assertTrue(brussels >= 0, () -> "Apertium's BRUSSELS: " + spanish.get(2).tokens());
        assertEquals("B-LOC", spanish.get(2).tags().get(brussels));
    }

    @Test
    void translateTrainWritesAHeadTheNodeReloadsAndUses(@TempDir Path work) throws Exception {
        Path source = GoldData.file(EN_TRAIN);
        Path dev = GoldData.file(ES_DEV);
        Path test = GoldData.file(ES_TEST);
        JsonObject models = rest.get(PolyspanRest.API + "/models").expect(200).json();
        Path modelsPath = Path.of(models.get("models_path").getAsString());
        assumeTrue(models.getAsJsonObject("nodes").size() == 1 && Files.isDirectory(modelsPath) && Files.isWritable(modelsPath),
                () -> "models_path [" + modelsPath + "] is not the writable local directory of a single node: this test installs a model there");
        // the int8 model when the node has it (three times faster), else the default one
        String from = rest.model("mbert-ner-int8") != null ? "mbert-ner-int8" : "mbert-ner";
        assertTrue(Files.isRegularFile(modelsPath.resolve(from).resolve("encoder.onnx")), () -> "no model " + from + " in " + modelsPath);
        String id = "translate-train-" + UUID.randomUUID().toString().substring(0, 8);
        Path modelDir = modelsPath.resolve(id);
        String head = "ner_es_it";
        try {
            ModelDirs.copy(modelsPath.resolve(from), modelDir, true);
            long t0 = System.nanoTime();
            TranslateTrain.Result result = TranslateTrain.run("--url", rest.baseUrl(), "--model-id", id, "--model-dir", modelDir.toString(),
                    "--source", source.toString(), "--target-language", "es", "--limit", "200", "--batch", "50",
                    "--dev", dev.toString(), "--dev-limit", "100", "--test", test.toString(), "--test-limit", "100",
                    "--name", head, "--epochs", "6", "--work", work.toString());
            System.out.printf(Locale.ROOT, "TranslateTrain on %s, 200 English sentences: %.1f s, test F1 %.3f (zero-shot ner %.3f)%n", from,
                    (System.nanoTime() - t0) / 1e9, result.trained().f1(), result.baseline().f1());

            // the projection: every sentence came back, with about as many entities
            assertEquals(200, result.projection().sent());
            assertEquals(200, result.projection().returned());
            assertTrue(result.projection().projectedEntities() >= result.projection().sourceEntities() * 9 / 10,
                    () -> result.projection().projectedEntities() + " projected of " + result.projection().sourceEntities());
            List<ConllSentence> projected = new ConllReader(Map.of(), Set.of()).read(result.projected());
            assertEquals(200, projected.size(), "the projected file holds every sentence");
            assertEquals(result.projection().projectedEntities(), projected.stream().mapToInt(s -> TagChunker.chunks(s.tags()).size()).sum());

            // the head: in the node's model directory, chosen on Spanish development data, loaded by the reload
            assertEquals(modelDir.resolve("heads").resolve(head + ".json"), result.headJson());
            assertTrue(Files.isRegularFile(modelDir.resolve("heads").resolve(head + ".bin")));
            String json = Files.readString(result.headJson());
            // trained on the English slice and, as silver, the projected Spanish; chosen on Spanish development data
            assertTrue(json.contains("projected.es.conll (silver)") && json.contains("es.conll.dev.tsv") && json.contains("\"dev_f1\""), json);
            assertTrue(result.devF1() > 0, () -> "development F1 " + result.devF1());
            JsonObject model = rest.model(id);
            assertNotNull(model, id + " is listed");
            assertEquals(List.of("LOC", "MISC", "ORG", "PER"), strings(model.getAsJsonObject("heads").getAsJsonArray(head)).stream().sorted().toList(),
                    model::toString);
            for (Map.Entry<String, JsonElement> node : model.getAsJsonObject("nodes").entrySet()) {
                JsonObject n = node.getValue().getAsJsonObject();
                assertEquals("loaded", n.get("state").getAsString(), n::toString);
                // the tool updated the self-check's expectations for the new head: the node serves the model
                JsonObject check = n.getAsJsonObject("self_check");
                assertEquals("passed", check.get("status").getAsString(), n::toString);
                assertTrue(check.getAsJsonObject("heads").has(head), () -> "the self-check covers the new head: " + check);
            }

            // the node labels with it
            List<JsonObject> docs = rest.simulate(labeller(Map.of("model", id, "field", "body", "heads", List.of(head))),
                    List.of(doc("body", "El presidente Pedro Sánchez viajó a Madrid con el ministro alemán.")));
            JsonObject labelled = docs.get(0).getAsJsonObject("doc").getAsJsonObject("_source");
            List<JsonObject> spans = PolyspanRest.checkSpans(labelled, "spans", "the new head");
            assertFalse(spans.isEmpty(), () -> "no span from the new head: " + labelled);
            spans.forEach(s -> assertEquals(head, s.get("head").getAsString(), s::toString));

            // the figures it printed: both heads on the same 100 test sentences
            assertEquals(result.trained().goldCount(), result.baseline().goldCount());
            assertTrue(result.trained().goldCount() > 100, () -> "gold entities " + result.trained().goldCount());
            assertTrue(result.baseline().f1() > 0.6, () -> "zero-shot ner F1 " + result.baseline().f1());
            // 200 English sentences and their projections teach a head something, not yet as much as the English ner head
            assertTrue(result.trained().f1() > 0.4, () -> "translate-train F1 " + result.trained().f1());
        } finally {
            PolyspanRest.Response unload = rest.request("POST", PolyspanRest.API + "/models/" + id + "/_unload", null, null);
            if (unload.status() != 200 && unload.status() != 404) {
                System.err.println("cleanup: unload of " + id + ": HTTP " + unload.status() + " " + PolyspanRest.abbreviate(unload.body()));
            }
            ModelDirs.delete(modelDir);
        }
    }

    private static List<String> strings(JsonArray a) {
        List<String> out = new ArrayList<>();
        a.forEach(e -> out.add(e.getAsString()));
        return out;
    }
}
