package org.polyspan.tools;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.polyspan.labeling.ConllReader;
import org.polyspan.labeling.ConllSentence;
import org.polyspan.labeling.Document;
import org.polyspan.labeling.Word;
import org.polyspan.projection.SpanConversions;
import org.polyspan.projection.WordSpan;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the soak sends: the Europarl test sentences (English, German, Spanish) as document texts, and up to 50
 * {@code _project} bodies, each an English sentence with gold spans and its Spanish translation.
 *
 * @param texts         the document texts, English first, then German, then Spanish
 * @param projectBodies {@code _project} request bodies
 */
record SoakData(List<String> texts, List<String> projectBodies) {
    private static final int PROJECT_BODIES = 50;

    /** Reads {@code projection/europarl_ner/{en,de,es}-europarl.test.conll02} under {@code data}. */
    static SoakData load(Path data, String model) throws IOException {
        Path dir = data.resolve("projection/europarl_ner");
        ConllReader reader = new ConllReader(Map.of(), Set.of());
        List<ConllSentence> en = reader.read(dir.resolve("en-europarl.test.conll02"));
        List<ConllSentence> es = reader.read(dir.resolve("es-europarl.test.conll02"));
        List<ConllSentence> de = reader.read(dir.resolve("de-europarl.test.conll02"));
        List<String> texts = new ArrayList<>();
        for (List<ConllSentence> language : List.of(en, de, es)) {
            for (ConllSentence s : language) {
                texts.add(Document.ofTokens(s.tokens()).text());
            }
        }
        List<String> projectBodies = new ArrayList<>();
        for (int i = 0; i < Math.min(en.size(), es.size()) && projectBodies.size() < PROJECT_BODIES; i++) {
            if (en.get(i).tags().stream().anyMatch(t -> !t.equals("O"))) {
                projectBodies.add(projectBody(model, en.get(i), es.get(i)));
            }
        }
        return new SoakData(texts, projectBodies);
    }

    /** A {@code _project} body: the English sentence with its gold spans and the Spanish translation. */
    static String projectBody(String model, ConllSentence english, ConllSentence spanish) {
        Document d = Document.ofTokens(english.tokens());
        JsonArray spans = new JsonArray();
        for (WordSpan w : SpanConversions.fromTags(english.tags(), "tags")) {
            Word first = d.words().get(w.start());
            Word last = d.words().get(w.end() - 1);
            JsonObject s = new JsonObject();
            s.addProperty("start", first.start());
            s.addProperty("end", last.end());
            s.addProperty("label", w.label());
            spans.add(s);
        }
        JsonObject source = new JsonObject();
        source.addProperty("text", d.text());
        source.add("spans", spans);
        JsonObject target = new JsonObject();
        target.addProperty("text", Document.ofTokens(spanish.tokens()).text());
        JsonObject pair = new JsonObject();
        pair.add("source", source);
        pair.add("target", target);
        JsonArray pairs = new JsonArray();
        pairs.add(pair);
        JsonObject body = new JsonObject();
        body.addProperty("model", model);
        body.add("pairs", pairs);
        return body.toString();
    }
}
