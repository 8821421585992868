package org.polyspan.eval;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpanMetricsTest {

    private static List<String> tags(String s) {
        return s.isEmpty() ? List.of() : List.of(s.split(" "));
    }

    private static SpanMetrics metrics(String gold, String pred) {
        SpanMetrics m = new SpanMetrics();
        m.add(tags(gold), tags(pred));
        return m;
    }

    @Test
    void truncatedSpanIsAMissAndAFalseAlarm() {
        SpanMetrics m = metrics("B-PER I-PER O B-LOC", "B-PER O O B-LOC");
        assertEquals(0.5, m.precision(), 1e-12);
        assertEquals(0.5, m.recall(), 1e-12);
        assertEquals(0.5, m.f1(), 1e-12);
        assertEquals(2, m.goldCount());
    }

    @Test
    void perfectAndEmpty() {
        SpanMetrics m = metrics("B-PER I-PER O B-LOC I-LOC I-LOC", "B-PER I-PER O B-LOC I-LOC I-LOC");
        assertEquals(1.0, m.f1(), 1e-12);
        SpanMetrics none = metrics("O O", "O O");
        assertEquals(0.0, none.precision());
        assertEquals(0.0, none.recall());
        assertEquals(0.0, none.f1());
    }

    @Test
    void wrongTypeCountsTwice() {
        SpanMetrics m = metrics("B-PER I-PER", "B-ORG I-ORG");
        assertEquals(0.0, m.f1());
        assertArrayEquals(new long[] {0, 1, 0}, m.perType().get("PER"));
        assertArrayEquals(new long[] {0, 0, 1}, m.perType().get("ORG"));
    }

    @Test
    void aStrayInsideTagStartsAnEntityAsInSeqeval() {
        // chunking itself is TagChunkerTest's; here: a prediction with a stray I- still matches the gold span
        assertEquals(1.0, metrics("O B-PER I-PER", "O I-PER I-PER").f1(), 1e-12);
        // and BIOES gold is read as whole entities, not split at E-
        assertEquals(1.0, metrics("B-PER E-PER S-LOC", "B-PER I-PER B-LOC").f1(), 1e-12);
    }

    @Test
    void microAveragesOverSentencesAndMerges() {
        SpanMetrics a = new SpanMetrics();
        a.add(tags("B-PER O B-LOC"), tags("B-PER O O"));           // tp 1, gold 2, pred 1
        a.add(tags("O O"), tags("B-ORG O"));                       // tp 0, gold 0, pred 1
        SpanMetrics b = new SpanMetrics();
        b.add(tags("B-LOC I-LOC B-ORG"), tags("B-LOC I-LOC B-ORG")); // tp 2, gold 2, pred 2
        a.addAll(b);
        assertEquals(3.0 / 4, a.precision(), 1e-12);
        assertEquals(3.0 / 4, a.recall(), 1e-12);
        assertEquals(4, a.goldCount());
        assertArrayEquals(new long[] {1, 2, 1}, a.perType().get("LOC"));
        assertArrayEquals(new long[] {1, 1, 2}, a.perType().get("ORG"));
        assertArrayEquals(new long[] {1, 1, 1}, a.perType().get("PER"));
    }

    @Test
    void differentPrecisionAndRecall() {
        SpanMetrics m = metrics("B-PER O B-LOC O B-ORG", "B-PER O B-LOC I-LOC O");
        // pred chunks PER(0,1), LOC(2,4): one matches; gold chunks PER, LOC(2,3), ORG
        assertEquals(0.5, m.precision(), 1e-12);
        assertEquals(1.0 / 3, m.recall(), 1e-12);
        assertEquals(2 * 0.5 / 3 / (0.5 + 1.0 / 3), m.f1(), 1e-12);
    }

    @Test
    void bootstrapIntervalHoldsTheFigureAndNarrowsWithMoreSentences() {
        SpanMetrics few = new SpanMetrics();
        SpanMetrics many = new SpanMetrics();
        for (int i = 0; i < 400; i++) {
            // three sentences in four right: F1 0.75 either way
            String pred = i % 4 == 0 ? "O B-PER" : "B-PER O";
            if (i < 20) {
                few.add(tags("B-PER O"), tags(pred));
            }
            many.add(tags("B-PER O"), tags(pred));
        }
        double[] wide = few.f1Interval(1000, 0.95, 1);
        double[] narrow = many.f1Interval(1000, 0.95, 1);
        assertTrue(wide[0] < 0.75 && 0.75 < wide[1], wide[0] + "-" + wide[1]);
        assertTrue(narrow[0] < 0.75 && 0.75 < narrow[1], narrow[0] + "-" + narrow[1]);
        assertTrue(narrow[1] - narrow[0] < (wide[1] - wide[0]) / 2, "400 sentences give less than half the width of 20");
        assertArrayEquals(narrow, many.f1Interval(1000, 0.95, 1), "the same seed gives the same interval");
        SpanMetrics perfect = metrics("B-PER O", "B-PER O");
        assertArrayEquals(new double[] {1.0, 1.0}, perfect.f1Interval(100, 0.95, 1));
    }

    @Test
    void thePairedBootstrapComparesTwoTaggersOnTheSameResampledSentences() {
        // b finds the entity in every sentence, a in three of four: b is better on any sample that has one of a's misses
        SpanMetrics a = new SpanMetrics();
        SpanMetrics b = new SpanMetrics();
        for (int i = 0; i < 200; i++) {
            a.add(tags("B-PER O"), tags(i % 4 == 0 ? "O O" : "B-PER O"));
            b.add(tags("B-PER O"), tags("B-PER O"));
        }
        double[] d = SpanMetrics.pairedF1Difference(a, b, 1000, 0.95, 1);
        assertEquals(1.0, d[0], 1e-9);
        double observed = b.f1() - a.f1();
        assertTrue(d[1] > 0 && d[1] < observed && observed < d[2], d[1] + ".." + d[2] + " around " + observed);
        double[] reversed = SpanMetrics.pairedF1Difference(b, a, 1000, 0.95, 1);
        assertEquals(0.0, reversed[0], 1e-9);
        assertEquals(-d[2], reversed[1], 1e-9);
        // the same tagger against itself never wins and differs by nothing
        assertArrayEquals(new double[] {0, 0, 0}, SpanMetrics.pairedF1Difference(a, a, 200, 0.95, 3));
        SpanMetrics shorter = new SpanMetrics();
        shorter.add(tags("B-PER O"), tags("B-PER O"));
        assertThrows(IllegalArgumentException.class, () -> SpanMetrics.pairedF1Difference(a, shorter, 10, 0.95, 1));
    }
}
