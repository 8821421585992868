package org.polyspan.labeling;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SpanUnitsTest {

    /** The words where spans may start and the words where they may end, as text. */
    private static List<List<String>> bounds(SpanUnits units, Document doc, int... sentenceStarts) {
        SpanUnits.Boundaries b = units.boundaries(doc.text(), doc.words(), sentenceStarts);
        List<String> starts = new ArrayList<>();
        List<String> ends = new ArrayList<>();
        for (int i = 0; i < doc.words().size(); i++) {
            if (b.mayStart()[i]) {
                starts.add(doc.words().get(i).text(doc.text()));
            }
            if (b.mayEnd()[i]) {
                ends.add(doc.words().get(i).text(doc.text()));
            }
        }
        return List.of(starts, ends);
    }

    @Test
    void clausesWithPunctuationAsWordsOfTheirOwn() {
        Document doc = Document.of("In arm A, pain fell; we think it works. It did: no doubt");
        // words: In arm A , pain fell ; we think it works . It did : no doubt
        assertEquals(List.of(List.of("In", "pain", "we", "It", "no"), List.of("A", ",", "fell", ";", ".", "did", ":", "doubt")),
                bounds(SpanUnits.CLAUSES, doc, 0, 12));
        assertEquals(List.of(List.of("In", "It"), List.of(".", "doubt")), bounds(SpanUnits.SENTENCES, doc, 0, 12));
    }

    @Test
    void clausesWithPunctuationGluedToWords() {
        // the translated AbstRCT files glue punctuation to words and quote some semicolons
        Document doc = Document.ofTokens(List.of("la", "douleur,", "et", "(GEM),", "l'", "effet", "\";\"", "suivi", "1,5", "fois."));
        assertEquals(List.of(List.of("la", "et", "l'", "suivi"), List.of("douleur,", "(GEM),", "effet", "\";\"", "fois.")),
                bounds(SpanUnits.CLAUSES, doc, 0));
    }

    @Test
    void wordsAllowEverything() {
        Document doc = Document.of("a, b");
        assertEquals(List.of(List.of("a", ",", "b"), List.of("a", ",", "b")), bounds(SpanUnits.WORDS, doc, 0));
        assertEquals(List.of(List.of(), List.of()), bounds(SpanUnits.CLAUSES, Document.of(""), 0));
    }

    @Test
    void fullWidthClauseMarks() {
        Document doc = Document.of("東京，大阪；京都");
        assertEquals(List.of(List.of("東", "大", "京"), List.of("京", "，", "阪", "；", "都")), bounds(SpanUnits.CLAUSES, doc, 0));
    }

    @Test
    void parse() {
        assertEquals(SpanUnits.CLAUSES, SpanUnits.parse("Clauses"));
        assertEquals("sentences", SpanUnits.SENTENCES.label());
        assertThrows(IllegalArgumentException.class, () -> SpanUnits.parse("phrases"));
        assertThrows(IllegalArgumentException.class, () -> new SpanDecoding(SpanUnits.CLAUSES, -1f));
        assertThrows(IllegalArgumentException.class, () -> new SpanDecoding(SpanUnits.CLAUSES, Float.NaN));
        assertThrows(IllegalArgumentException.class, () -> new SpanDecoding(SpanUnits.CLAUSES, 1f, -0.5f));
    }
}
