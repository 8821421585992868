package org.polyspan.projection;

import org.junit.jupiter.api.Test;
import org.polyspan.labeling.Document;
import org.polyspan.projection.SpanConversions.CharSpan;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SpanConversionsTest {

    @Test
    void readsIob2Iob1AndBioes() {
        assertEquals(List.of(new WordSpan(0, 1, "PER"), new WordSpan(2, 4, "LOC")),
                SpanConversions.fromTags(List.of("B-PER", "O", "B-LOC", "I-LOC"), "tags"));
        assertEquals(List.of(new WordSpan(0, 2, "PER"), new WordSpan(2, 3, "LOC")),
                SpanConversions.fromTags(List.of("I-PER", "I-PER", "I-LOC"), "tags"));
        assertEquals(List.of(new WordSpan(0, 1, "PER"), new WordSpan(1, 3, "LOC"), new WordSpan(3, 4, "LOC")),
                SpanConversions.fromTags(List.of("S-PER", "B-LOC", "E-LOC", "U-LOC"), "tags"));
        assertEquals(List.of(new WordSpan(0, 1, "A"), new WordSpan(1, 2, "A")),
                SpanConversions.fromTags(List.of("B-A", "B-A"), "tags"));
    }

    @Test
    void rejectsUnknownTags() {
        ProjectionInputException e = assertThrows(ProjectionInputException.class,
                () -> SpanConversions.fromTags(List.of("O", "PER"), "source.tags"));
        assertEquals("source.tags[1]", e.field());
        assertThrows(ProjectionInputException.class, () -> SpanConversions.fromTags(List.of("X-PER"), "t"));
    }

    @Test
    void characterSpansMapToWordsAndBackExactly() {
        Document d = Document.of("Ängela 🙂Merkel visitó  São Paulo.");
        List<WordSpan> spans = SpanConversions.toWordSpans(d,
                List.of(new CharSpan(0, 15, "PER"), new CharSpan(24, 33, "LOC")), "source.spans");
        for (WordSpan s : spans) {
            int[] r = SpanConversions.charRange(d, s.start(), s.end());
            String text = d.text().substring(r[0], r[1]);
            assertEquals(s.label().equals("PER") ? "Ängela 🙂Merkel" : "São Paulo", text);
        }
        // a span cutting a word is widened to the word
        List<WordSpan> cut = SpanConversions.toWordSpans(d, List.of(new CharSpan(2, 4, "X")), "s");
        assertEquals(new WordSpan(0, 1, "X"), cut.get(0));
    }

    @Test
    void rejectsBadCharacterSpansNamingTheField() {
        Document d = Document.of("Obama visited Paris.");
        assertEquals("source.spans[0].end", assertThrows(ProjectionInputException.class,
                () -> SpanConversions.toWordSpans(d, List.of(new CharSpan(0, 99, "PER")), "source.spans")).field());
        assertEquals("source.spans[0].start", assertThrows(ProjectionInputException.class,
                () -> SpanConversions.toWordSpans(d, List.of(new CharSpan(-1, 3, "PER")), "source.spans")).field());
        assertEquals("source.spans[0].end", assertThrows(ProjectionInputException.class,
                () -> SpanConversions.toWordSpans(d, List.of(new CharSpan(5, 2, "PER")), "source.spans")).field());
        assertEquals("source.spans[1]", assertThrows(ProjectionInputException.class,
                () -> SpanConversions.toWordSpans(d, List.of(new CharSpan(0, 5, "PER"), new CharSpan(3, 8, "X")), "source.spans")).field());
        assertEquals("source.spans[0].label", assertThrows(ProjectionInputException.class,
                () -> SpanConversions.toWordSpans(d, List.of(new CharSpan(0, 5, "")), "source.spans")).field());
    }

    @Test
    void projectionsBecomeIob2Tags() {
        List<String> tags = SpanConversions.toTags(5, List.of(new Projector.Projection(0, "LOC", 1, 3, 1, List.of()),
                new Projector.Projection(1, "PER", 4, 5, 1, List.of())));
        assertEquals(List.of("O", "B-LOC", "I-LOC", "O", "B-PER"), tags);
    }
}
