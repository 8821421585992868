package org.polyspan.projection;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.polyspan.projection.WordAlignerTest.mix;
import static org.polyspan.projection.WordAlignerTest.vectors;

class SpanScorerTest {

    @Test
    void candidatesAreEveryNgramUpToTheBound() {
        float[][] src = vectors(8, 0, 1, 2);
        float[][] tgt = vectors(8, 0, 1, 2, 3, 4, 5, 6);
        SpanScorer.Params params = new SpanScorer.Params(0.1, 1, 0.5, 0.05, 2, 2.0);
        SpanScorer scorer = new SpanScorer(src, tgt, WordAligner.similarity(src, tgt), params);
        List<Candidate> c = scorer.candidates(new WordSpan(1, 2, "X")); // length 1: bound max(1+2, 2) = 3
        Set<String> seen = new HashSet<>();
        for (Candidate x : c) {
            assertTrue(x.end() - x.start() <= 3 && x.start() >= 0 && x.end() <= 7);
            assertTrue(seen.add(x.start() + ":" + x.end()), "duplicate " + x);
        }
        assertEquals(7 + 6 + 5, c.size());
        assertEquals(4, params.maxLength(2));
        assertEquals(10, params.maxLength(5));
    }

    @Test
    void bestCandidateIsTheTranslatedRange() {
        // source "a b [c d] e", target "e' [d' c'] x a' b'": the span's words reordered, with unrelated neighbours
        float[][] src = vectors(12, 0, 1, 2, 3, 4);
        float[][] tgt = vectors(12, 4, 3, 2, 9, 0, 1);
        mix(tgt, 3, 2, 0.2f); // a weakly related neighbour should not be swallowed
        SpanScorer scorer = new SpanScorer(src, tgt, WordAligner.similarity(src, tgt), SpanScorer.Params.DEFAULT);
        List<Candidate> c = scorer.candidates(new WordSpan(2, 4, "X"));
        c.sort(GlobalSelector.byScoreDescending());
        assertEquals(1, c.get(0).start());
        assertEquals(3, c.get(0).end());
    }

    @Test
    void tprojProjectsEverySpanWithoutOverlap() {
        float[][] src = vectors(12, 0, 1, 2, 3, 4, 5);
        float[][] tgt = vectors(12, 5, 0, 1, 7, 3, 4);
        Projector p = Projector.defaults(Projector.Method.TPROJ);
        Projector.Result r = p.project(src, List.of(new WordSpan(0, 2, "A"), new WordSpan(3, 5, "B"), new WordSpan(5, 6, "C")), tgt, 3);
        assertEquals(3, r.projections().size());
        assertTrue(r.unprojected().isEmpty());
        Projector.Projection first = r.projections().get(0);
        assertEquals("C", first.label());
        assertEquals(0, first.start());
        assertEquals(1, first.end());
        assertEquals(2, r.projections().get(0).sourceIndex());
        assertEquals(1, r.projections().get(1).start());
        assertEquals(3, r.projections().get(1).end());
        assertEquals(4, r.projections().get(2).start());
        assertEquals(6, r.projections().get(2).end());
        assertTrue(first.alternatives().size() <= 3 && !first.alternatives().isEmpty());
        assertEquals(new Candidate(first.start(), first.end(), first.score()), first.alternatives().get(0));
    }

    @Test
    void proposedRangesScoreExactlyLikeNgrams() {
        float[][] src = vectors(8, 0, 1, 2);
        float[][] tgt = vectors(8, 0, 1, 2, 3, 4, 5, 6);
        SpanScorer.Params params = new SpanScorer.Params(0.1, 1, 0.5, 0.05, 2, 2.0);
        SpanScorer scorer = new SpanScorer(src, tgt, WordAligner.similarity(src, tgt), params);
        WordSpan span = new WordSpan(1, 3, "X");
        for (Candidate c : scorer.candidates(span)) {
            assertEquals(List.of(c), scorer.score(span, List.of(new int[] {c.start(), c.end()})));
        }
        assertEquals(1, scorer.score(span, List.of(new int[] {0, 7})).size(), "no length bound on proposed ranges");
        assertThrows(IllegalArgumentException.class, () -> scorer.score(span, List.of(new int[] {5, 8})));
    }

    @Test
    void proposedCandidatesReplaceOrJoinTheNgrams() {
        float[][] src = vectors(12, 0, 1, 2, 3);
        float[][] tgt = vectors(12, 3, 0, 1, 2);
        Projector p = Projector.defaults(Projector.Method.TPROJ);
        List<WordSpan> spans = List.of(new WordSpan(0, 2, "A"), new WordSpan(3, 4, "B"));
        // the proposal for A is a poor range: alone it is all A can get; with the n-grams the right one wins
        List<List<int[]>> proposed = List.of(List.of(new int[] {1, 2}, new int[] {1, 2}), List.of());
        Projector.Result alone = p.project(src, spans, tgt, 5, proposed, false);
        assertEquals(List.of(1), alone.unprojected(), "B has no proposal");
        assertEquals(1, alone.projections().size());
        assertEquals(1, alone.projections().get(0).start());
        assertEquals(2, alone.projections().get(0).end());
        assertEquals(1, alone.projections().get(0).alternatives().size(), "a range proposed twice is one candidate");
        Projector.Result union = p.project(src, spans, tgt, 5, proposed, true);
        assertEquals(Projector.defaults(Projector.Method.TPROJ).project(src, spans, tgt, 5).projections(), union.projections());
        assertThrows(IllegalArgumentException.class,
                () -> Projector.defaults(Projector.Method.ALIGN).project(src, spans, tgt, 0, proposed, false));
    }
}
