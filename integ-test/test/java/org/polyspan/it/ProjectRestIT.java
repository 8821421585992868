package org.polyspan.it;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;
import org.polyspan.GoldData;
import org.polyspan.eval.SpanMetrics;
import org.polyspan.labeling.ConllReader;
import org.polyspan.labeling.ConllSentence;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST _plugins/polyspan/_project} on a real node with the default model {@code mbert-ner}: the issue's example
 * in both input forms and both methods with exact offsets, {@code explain}/{@code top_k}, every 400 case naming pair and
 * field, and projection F1 on gold Europarl NER pairs read from {@code ../shared/data}.
 */
class ProjectRestIT {
    private static final PolyspanRest REST = new PolyspanRest("project");
    private static final String PATH = PolyspanRest.API + "/_project";
    private static final String TARGET = "Obama visitó París.";

    private static Map<String, Object> textPair() {
        return Map.of("source", Map.of("text", "Obama visited Paris.", "spans", List.of(
                        Map.of("start", 0, "end", 5, "label", "PER"), Map.of("start", 14, "end", 19, "label", "LOC"))),
                "target", Map.of("text", TARGET));
    }

    private static Map<String, Object> tokenPair() {
        return Map.of("source", Map.of("tokens", List.of("Obama", "visited", "Paris", "."), "tags", List.of("B-PER", "O", "B-LOC", "O")),
                "target", Map.of("tokens", List.of("Obama", "visitó", "París", ".")));
    }

    private static Map<String, Object> body(String method, Object... extra) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("source_language", "en");
        b.put("target_language", "es");
        b.put("method", method);
        for (int i = 0; i < extra.length; i += 2) {
            b.put((String) extra[i], extra[i + 1]);
        }
        b.putIfAbsent("pairs", List.of(textPair(), tokenPair()));
        return b;
    }

    /** Label and text of every span, checking {@code text == target.substring(start, end)} on the way. */
    private static List<String> spans(JsonObject pair, String target) {
        List<String> out = new ArrayList<>();
        for (JsonElement e : pair.getAsJsonArray("spans")) {
            JsonObject s = e.getAsJsonObject();
            int start = s.get("start").getAsInt();
            int end = s.get("end").getAsInt();
            assertTrue(0 <= start && start < end && end <= target.length(), s::toString);
            assertEquals(target.substring(start, end), s.get("text").getAsString(), s::toString);
            assertTrue(s.has("score") && s.has("source_index"), s::toString);
            out.add(s.get("label").getAsString() + " " + s.get("text").getAsString());
        }
        return out;
    }

    @Test
    void projectsTheIssueExampleWithBothMethods() {
        for (String method : List.of("tproj", "align")) {
            JsonObject r = REST.post(PATH, body(method)).expect(200).json();
            assertEquals(method, r.get("method").getAsString());
            assertEquals("mbert-ner", r.get("model").getAsString());
            JsonArray pairs = r.getAsJsonArray("pairs");
            assertEquals(2, pairs.size());
            JsonObject text = pairs.get(0).getAsJsonObject();
            assertEquals(List.of("PER Obama", "LOC París"), spans(text, TARGET), () -> method + ": " + text);
            assertEquals(0, text.getAsJsonArray("unprojected").size(), text::toString);
            assertFalse(text.getAsJsonArray("spans").get(0).getAsJsonObject().has("alternatives"), "no explain, no alternatives");

            JsonObject tokens = pairs.get(1).getAsJsonObject();
            JsonArray tags = tokens.getAsJsonArray("tags");
            assertEquals(List.of("B-PER", "O", "B-LOC", "O"), PolyspanRest.GSON.fromJson(tags, List.class), () -> method + ": " + tokens);
            // token targets answer token indices [start, end)
            JsonObject loc = tokens.getAsJsonArray("spans").get(1).getAsJsonObject();
            assertEquals(2, loc.get("start").getAsInt());
            assertEquals(3, loc.get("end").getAsInt());
            assertEquals(1, loc.get("source_index").getAsInt());
        }
    }

    @Test
    void explainListsTopKAlternativesBestFirst() {
        JsonObject r = REST.post(PATH, body("tproj", "explain", true, "top_k", 2)).expect(200).json();
        int spans = 0;
        for (JsonElement p : r.getAsJsonArray("pairs")) {
            for (JsonElement e : p.getAsJsonObject().getAsJsonArray("spans")) {
                spans++;
                JsonObject s = e.getAsJsonObject();
                JsonArray alternatives = s.getAsJsonArray("alternatives");
                assertTrue(alternatives != null && alternatives.size() == 2, s::toString);
                double previous = Double.POSITIVE_INFINITY;
                boolean chosenListed = false;
                for (JsonElement a : alternatives) {
                    JsonObject alt = a.getAsJsonObject();
                    double score = alt.get("score").getAsDouble();
                    assertTrue(score <= previous, () -> "alternatives not best first: " + s);
                    previous = score;
                    chosenListed |= alt.get("start").equals(s.get("start")) && alt.get("end").equals(s.get("end"));
                }
                assertTrue(chosenListed, () -> "the chosen span is among the top alternatives here: " + s);
            }
        }
        assertTrue(spans > 0, () -> "nothing projected, so no alternatives were checked: " + r);
        JsonObject text = r.getAsJsonArray("pairs").get(0).getAsJsonObject();
        for (JsonElement e : text.getAsJsonArray("spans")) {
            for (JsonElement a : e.getAsJsonObject().getAsJsonArray("alternatives")) {
                JsonObject alt = a.getAsJsonObject();
                assertEquals(TARGET.substring(alt.get("start").getAsInt(), alt.get("end").getAsInt()), alt.get("text").getAsString());
            }
        }
    }

    private static void assertBad(Map<String, Object> body, Integer pair, String field) {
        JsonObject r = REST.post(PATH, body).expect(400).json();
        JsonObject error = r.getAsJsonObject("error");
        assertEquals(field, error.get("field").getAsString(), r::toString);
        if (pair == null) {
            assertFalse(error.has("pair"), r::toString);
        } else {
            assertEquals(pair.intValue(), error.get("pair").getAsInt(), r::toString);
            assertTrue(error.get("reason").getAsString().startsWith("pair [" + pair + "]"), r::toString);
        }
        assertEquals(400, r.get("status").getAsInt());
    }

    private static Map<String, Object> withSecond(Map<String, Object> pair) {
        return body("tproj", "pairs", List.of(textPair(), pair));
    }

    private static Map<String, Object> textSource(String text, List<Map<String, Object>> spans) {
        return Map.of("source", Map.of("text", text, "spans", spans), "target", Map.of("text", "x y"));
    }

    @Test
    void badInputAnswers400NamingPairAndField() {
        assertBad(withSecond(Map.of("source", Map.of("text", "Obama", "spans", List.of()))), 1, "target");
        assertBad(withSecond(textSource("Obama visited", List.of(Map.of("start", 0, "end", 40, "label", "PER")))), 1, "source.spans[0].end");
        assertBad(withSecond(textSource("Obama visited", List.of(Map.of("start", -1, "end", 5, "label", "PER")))), 1, "source.spans[0].start");
        assertBad(withSecond(textSource("Obama visited", List.of(Map.of("start", 5, "end", 0, "label", "PER")))), 1, "source.spans[0].end");
        assertBad(withSecond(textSource("Obama visited Paris", List.of(Map.of("start", 0, "end", 13, "label", "PER"),
                Map.of("start", 6, "end", 19, "label", "LOC")))), 1, "source.spans[1]");
        assertBad(withSecond(textSource("Obama visited", List.of(Map.of("start", 0, "end", 5)))), 1, "source.spans[0].label");
        assertBad(withSecond(Map.of("source", Map.of("tokens", List.of("Obama"), "tags", List.of("PER")),
                "target", Map.of("tokens", List.of("Obama")))), 1, "source.tags[0]");
        assertBad(withSecond(Map.of("source", Map.of("tokens", List.of("Obama", "x"), "tags", List.of("B-PER")),
                "target", Map.of("tokens", List.of("Obama")))), 1, "source.tags");
        List<Object> tooMany = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            tooMany.add(tokenPair());
        }
        assertBad(body("tproj", "pairs", tooMany), null, "pairs");
        assertBad(body("nmt"), null, "method");
        assertBad(body("tproj", "top_k", 0), null, "top_k");
        JsonObject unknownModel = REST.post(PATH, body("tproj", "model", "no-such-model")).expect(400).json();
        assertEquals("model", unknownModel.getAsJsonObject("error").get("field").getAsString());
        JsonObject notJson = REST.request("POST", PATH, "{\"pairs\": [", "application/json").expect(400).json();
        assertTrue(notJson.has("error"), notJson::toString);
    }

    @Test
    void europarlGoldPairsProjectAboveTheFloor() throws Exception {
        Path dir = GoldData.file("projection/europarl_ner/en-europarl.test.conll02").getParent();
        GoldData.file("projection/europarl_ner/de-europarl.test.conll02");
        GoldData.file("projection/europarl_ner/es-europarl.test.conll02");
        ConllReader reader = new ConllReader(Map.of(), Set.of());
        List<ConllSentence> en = reader.read(dir.resolve("en-europarl.test.conll02"));
        for (String lang : List.of("es", "de")) {
            List<ConllSentence> gold = reader.read(dir.resolve(lang + "-europarl.test.conll02"));
            List<Object> pairs = new ArrayList<>();
            List<ConllSentence> golds = new ArrayList<>();
            // the first 40 aligned sentences with at least one English entity
            for (int i = 0; i < Math.min(en.size(), gold.size()) && pairs.size() < 40; i++) {
                if (en.get(i).tags().stream().anyMatch(t -> !t.equals("O"))) {
                    pairs.add(Map.of("source", Map.of("tokens", en.get(i).tokens(), "tags", en.get(i).tags()),
                            "target", Map.of("tokens", gold.get(i).tokens())));
                    golds.add(gold.get(i));
                }
            }
            for (String method : List.of("tproj", "align")) {
                JsonArray answers = REST.post(PATH, Map.of("method", method, "pairs", pairs)).expect(200).json().getAsJsonArray("pairs");
                SpanMetrics metrics = new SpanMetrics();
                for (int i = 0; i < golds.size(); i++) {
                    List<String> tags = new ArrayList<>();
                    answers.get(i).getAsJsonObject().getAsJsonArray("tags").forEach(t -> tags.add(t.getAsString()));
                    metrics.add(golds.get(i).tags(), tags);
                }
                double f1 = metrics.f1();
                System.out.printf(Locale.ROOT, "Europarl en-%s, %d pairs, %s: projection F1 %.3f%n", lang, golds.size(), method, f1);
                // EvaluateProjection on 400 pairs: tproj 0.93 (es) / 0.92 (de), align 0.90 / 0.89
                double floor = method.equals("tproj") ? 0.8 : 0.7;
                assertTrue(f1 >= floor, () -> String.format(Locale.ROOT, "en-%s %s F1 %.3f below %.2f", lang, method, f1, floor));
            }
        }
    }

    @Test
    void conllTrainingFileInConllOut() throws Exception {
        Path dir = GoldData.file("projection/europarl_ner/en-europarl.test.conll02").getParent();
        GoldData.file("projection/europarl_ner/es-europarl.test.conll02");
        // the raw head of the English gold file (first 60 sentences, -DOCSTART- and all) and the Spanish sentences as text
        String[] blocks = Files.readString(dir.resolve("en-europarl.test.conll02")).split("\n\s*\n");
        String sourceConll = String.join("\n\n", List.of(blocks).subList(0, 60)) + "\n";
        List<ConllSentence> gold = new ConllReader(Map.of(), Set.of()).read(dir.resolve("es-europarl.test.conll02")).subList(0, 60);
        StringBuilder targetText = new StringBuilder();
        for (ConllSentence g : gold) {
            targetText.append(String.join(" ", g.tokens())).append('\n');
        }
        PolyspanRest.Response r = REST.post(PATH, Map.of("format", "conll", "output", "conll", "source_conll", sourceConll,
                "target_text", targetText.toString())).expect(200);
        List<List<String[]>> sentences = new ArrayList<>();
        for (String block : r.body().split("\n\n")) {
            if (block.isBlank()) {
                continue;
            }
            List<String[]> lines = new ArrayList<>();
            for (String line : block.split("\n")) {
                String[] cols = line.split("\t");
                assertEquals(2, cols.length, () -> "token TAB tag expected: [" + line + "]");
                lines.add(cols);
            }
            sentences.add(lines);
        }
        assertEquals(gold.size(), sentences.size(), "one CoNLL sentence per target line");
        SpanMetrics metrics = new SpanMetrics();
        for (int i = 0; i < gold.size(); i++) {
            List<String[]> lines = sentences.get(i);
            // the gold tokens are single words for the word splitter, except where it splits punctuation further
            List<String> tokens = lines.stream().map(l -> l[0]).toList();
            assertEquals(String.join("", gold.get(i).tokens()), String.join("", tokens), "same characters, sentence " + i);
            if (tokens.equals(gold.get(i).tokens())) {
                metrics.add(gold.get(i).tags(), lines.stream().map(l -> l[1]).toList());
            }
        }
        System.out.printf(Locale.ROOT, "CoNLL in/out, Europarl en-es, 60 sentences: projection F1 %.3f (%d gold spans)%n",
                metrics.f1(), metrics.goldCount());
        assertTrue(metrics.f1() >= 0.8, () -> "CoNLL en-es F1 " + metrics.f1());

        // JSON pairs with a text target, answered as CoNLL over the target's words
        String conll = REST.post(PATH, body("tproj", "output", "conll", "pairs", List.of(textPair()))).expect(200).body();
        assertEquals("Obama\tB-PER\nvisitó\tO\nParís\tB-LOC\n.\tO\n\n", conll);

        JsonObject error = REST.post(PATH, Map.of("format", "conll", "source_conll", "Obama B-PER\n\nParis LOC\n",
                "target_text", "Obama\nParís\n")).expect(400).json().getAsJsonObject("error");
        assertEquals("source_conll", error.get("field").getAsString());
        assertEquals(1, error.get("pair").getAsInt());
        assertTrue(error.get("reason").getAsString().contains("line 3"), error::toString);
    }

    @Test
    void conllWithoutTargetsIsTranslatedFirst() {
        String conll = REST.post(PATH, Map.of("format", "conll", "output", "conll", "translate", true, "source_language", "en",
                "target_language", "es", "source_conll", "Barack B-PER\nObama I-PER\nvisited O\nParis B-LOC\nyesterday O\n. O\n"))
                .expect(200).body();
        List<String> lines = List.of(conll.strip().split("\n"));
        assertTrue(lines.contains("Barack\tB-PER") && lines.contains("Obama\tI-PER") && lines.contains("París\tB-LOC"), conll);
        assertTrue(lines.contains("visitó\tO"), () -> "the lines are the words of Apertium's translation: " + conll);
    }
}
