package org.polyspan.model;

import org.junit.jupiter.api.Test;
import org.polyspan.TinyModels;
import org.polyspan.labeling.Document;
import org.polyspan.labeling.Span;
import org.polyspan.labeling.TaggedDocument;
import org.polyspan.onnx.OnnxWindowEncoder;
import org.polyspan.seq2seq.Seq2SeqModel;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The processor's entry point, {@link LabelingModel}, loads a seq2seq directory and yields the same spans. */
class Seq2SeqLabelingModelTest {

    private static Path tinyT5() {
        return TinyModels.fixture("tiny-t5", "reference.json");
    }

    @Test
    void labelingModelLoadsTheSeq2SeqLayout() throws Exception {
        List<Document> docs = List.of(Document.of("Angela Merkel met Barack Obama in Berlin."),
                Document.of("Москва и Путин — 北京, 東京!"), Document.of("   "),
                Document.of("Amina Mohammed visited Nairobi, Kenya. ".repeat(12)));
        try (LabelingModel model = LabelingModel.load("tiny-t5", tinyT5(), OnnxWindowEncoder.Device.CPU, 1);
             Seq2SeqModel direct = Seq2SeqModel.load(tinyT5(), false, 1)) {
            assertNull(model.encoder());
            assertEquals(List.of(LabelingModel.DEFAULT_HEAD), List.copyOf(model.heads().keySet()));
            assertEquals(List.of("PER", "ORG", "LOC"), model.heads().get(LabelingModel.DEFAULT_HEAD).labels().entityTypes());
            Map<String, List<TaggedDocument>> out = model.label(docs, List.of());
            List<TaggedDocument> tagged = out.get(LabelingModel.DEFAULT_HEAD);
            int total = 0;
            for (int d = 0; d < docs.size(); d++) {
                List<Span> viaModel = tagged.get(d).spans();
                List<Span> viaLabeler = direct.labeler().label(docs.get(d), LabelingModel.DEFAULT_HEAD);
                assertEquals(viaLabeler.size(), viaModel.size());
                for (int i = 0; i < viaModel.size(); i++) {
                    Span a = viaModel.get(i);
                    Span b = viaLabeler.get(i);
                    assertEquals(List.of(a.label(), a.text(), a.start(), a.end()), List.of(b.label(), b.text(), b.start(), b.end()));
                    assertEquals(b.score(), a.score(), 1e-6);
                    assertEquals(a.text(), docs.get(d).text().substring(a.start(), a.end()));
                }
                total += viaModel.size();
            }
            assertTrue(total > 0, "the tiny model tags something");
            assertTrue(tagged.get(2).spans().isEmpty());
            // the long document needs several windows of max_input_tokens (64)
            assertTrue(direct.labeler().decode(docs.get(3)).size() > 1);
            assertFalse(model.heads().isEmpty());
        }
    }
}
