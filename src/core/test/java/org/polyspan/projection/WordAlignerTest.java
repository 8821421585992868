package org.polyspan.projection;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WordAlignerTest {

    /** Unit vectors: word i of the source "means" concept c[i]; target words likewise, plus noise-free reordering. */
    static float[][] vectors(int dim, int... concepts) {
        float[][] v = new float[concepts.length][dim];
        for (int i = 0; i < concepts.length; i++) {
            v[i][concepts[i]] = 1f;
        }
        return v;
    }

    static float[][] mix(float[][] v, int row, int concept, float weight) {
        float[] r = v[row];
        r[concept] += weight;
        double n = 0;
        for (float x : r) {
            n += x * x;
        }
        for (int d = 0; d < r.length; d++) {
            r[d] /= (float) Math.sqrt(n);
        }
        return v;
    }

    @Test
    void argmaxKeepsOnlyMutualBestPairs() {
        float[][] sim = {
                {0.9f, 0.1f, 0.0f},
                {0.8f, 0.2f, 0.1f},  // prefers target 0, but target 0 prefers source 0
                {0.0f, 0.3f, 0.7f}};
        boolean[][] a = WordAligner.argmax(sim);
        assertTrue(a[0][0]);
        assertFalse(a[1][0]);
        assertTrue(a[2][2]);
        int links = 0;
        for (boolean[] row : a) {
            for (boolean b : row) {
                links += b ? 1 : 0;
            }
        }
        assertEquals(2, links);
    }

    @Test
    void itermaxAlignsWhatArgmaxLeftOut() {
        float[][] sim = {
                {0.9f, 0.1f, 0.0f, 0.0f},
                {0.7f, 0.65f, 0.1f, 0.0f},
                {0.0f, 0.3f, 0.7f, 0.1f},
                {0.0f, 0.0f, 0.2f, 0.9f}};
        boolean[][] arg = WordAligner.argmax(sim);
        assertFalse(arg[1][1]);
        boolean[][] iter = WordAligner.itermax(sim, 2, 0.9);
        assertTrue(iter[1][1]);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                assertTrue(!arg[i][j] || iter[i][j], "itermax keeps argmax links");
            }
        }
    }

    @Test
    void alignProjectionFillsGapsAndFollowsReordering() {
        // source: "the University of Salamanca said" -> concepts 0 1 2 3 4; target reorders: "said 4, Salamanca 3, X 9, University 1"
        float[][] src = vectors(10, 0, 1, 2, 3, 4);
        float[][] tgt = vectors(10, 4, 3, 9, 1);
        Projector p = new Projector(Projector.Method.ALIGN, SpanScorer.Params.DEFAULT, WordAligner.Mode.ARGMAX, 0.0);
        Projector.Result r = p.project(src, List.of(new WordSpan(1, 4, "ORG")), tgt, 0);
        assertEquals(1, r.projections().size());
        Projector.Projection pr = r.projections().get(0);
        assertEquals(1, pr.start());
        assertEquals(4, pr.end()); // covers 1..3 including the unaligned gap word 2
        assertArrayEquals(new int[0], r.unprojected().stream().mapToInt(Integer::intValue).toArray());
    }
}
