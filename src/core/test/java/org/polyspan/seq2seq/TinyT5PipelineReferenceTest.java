package org.polyspan.seq2seq;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.polyspan.labeling.Document;
import org.polyspan.labeling.Span;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whole texts labelled as the processor labels them (words, sentences, windows, spans with offsets) against the Python
 * reference of the same procedure ({@code pipeline_reference.json}, written by {@code models/recipe/tiny_t5.py}): one
 * window at a time, in batches of windows, across documents, with the split and the merged decoder, and with the
 * SentencePiece model in place of {@code tokenizer.json}.
 */
class TinyT5PipelineReferenceTest {

    static JsonObject pipelineReference(Path dir) throws Exception {
        return JsonParser.parseString(Files.readString(dir.resolve("pipeline_reference.json"))).getAsJsonObject();
    }

    static void assertSpans(JsonObject expected, List<Span> spans, String what) {
        List<List<Object>> want = new ArrayList<>();
        for (JsonElement e : expected.getAsJsonArray("spans")) {
            JsonObject s = e.getAsJsonObject();
            want.add(List.of(s.get("label").getAsString(), s.get("text").getAsString(), s.get("start").getAsInt(), s.get("end").getAsInt()));
        }
        List<List<Object>> got = new ArrayList<>();
        for (Span s : spans) {
            got.add(List.of(s.label(), s.text(), s.start(), s.end()));
        }
        assertEquals(want, got, what);
        for (int i = 0; i < spans.size(); i++) {
            assertEquals(expected.getAsJsonArray("spans").get(i).getAsJsonObject().get("score").getAsDouble(), spans.get(i).score(), 1e-4,
                    "score of span " + i + " of " + what);
        }
    }

    @Test
    void labellingReproducesThePythonReference() throws Exception {
        JsonObject ref = pipelineReference(TinyT5ReferenceTest.dir());
        List<JsonObject> texts = new ArrayList<>();
        ref.getAsJsonArray("texts").forEach(t -> texts.add(t.getAsJsonObject()));
        List<Document> docs = texts.stream().map(t -> Document.of(t.get("text").getAsString())).toList();
        for (int i = 0; i < docs.size(); i++) {
            String text = docs.get(i).text();
            List<String> words = docs.get(i).words().stream().map(w -> w.text(text)).toList();
            List<String> expected = new ArrayList<>();
            texts.get(i).getAsJsonArray("words").forEach(w -> expected.add(w.getAsString()));
            assertEquals(expected, words, "WordSplitter agrees with the reference's words");
        }
        int spans = 0;
        int windows = 0;
        for (Path dir : List.of(TinyT5ReferenceTest.dir(), TinyT5DecodersTest.mergedDir(),
                TinyT5ReferenceTest.dir().resolveSibling("tiny-t5-spm"))) {
            try (Seq2SeqModel model = Seq2SeqModel.load(dir, false, 1)) {
                for (int batch : new int[] {1, 3, Seq2SeqLabeler.DEFAULT_BATCH_WINDOWS}) {
                    Seq2SeqLabeler labeler = new Seq2SeqLabeler(model.subwordTokenizer(), model.onnx(), model.options(), batch);
                    for (int i = 0; i < docs.size(); i++) {
                        String what = dir.getFileName() + ", batch " + batch + ": " + docs.get(i).text();
                        assertEquals(texts.get(i).get("windows").getAsInt(), labeler.decode(docs.get(i)).size(), "windows of " + what);
                        List<Span> got = labeler.label(docs.get(i), "default");
                        assertSpans(texts.get(i), got, what);
                        String text = docs.get(i).text();
                        got.forEach(s -> assertEquals(text.substring(s.start(), s.end()), s.text()));
                        spans += got.size();
                        windows += texts.get(i).get("windows").getAsInt();
                    }
                    // every document's windows in shared batches, through the IOB2 view the processor stores
                    List<org.polyspan.labeling.TaggedDocument> tagged = labeler.tagged(docs,
                            new org.polyspan.labeling.IdentityHead("default", labeler.bioLabels()));
                    for (int i = 0; i < docs.size(); i++) {
                        assertSpans(texts.get(i), tagged.get(i).spans(), dir.getFileName() + ", batch " + batch + ", all documents together: "
                                + docs.get(i).text());
                    }
                }
            }
        }
        System.out.printf("tiny-t5 pipeline reference: %d texts, %d windows, %d spans reproduced%n", docs.size(), windows, spans);
        assertTrue(spans > 0);
        assertTrue(texts.stream().anyMatch(t -> t.get("windows").getAsInt() > 4), "a field of several sentences and windows");
    }
}
