package org.polyspan.eval;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
