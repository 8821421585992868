package org.polyspan.projection;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GlobalSelectorTest {

    @Test
    void resolvesConflictsGloballyNotGreedily() {
        // span 0 prefers [0,2) slightly; span 1 can only go to [1,2) or [3,4) (weak): greedy would give 0.9 + 0.3
        List<List<Candidate>> c = List.of(
                List.of(new Candidate(0, 2, 0.9), new Candidate(0, 1, 0.85)),
                List.of(new Candidate(1, 2, 0.8), new Candidate(3, 4, 0.3)));
        Candidate[] chosen = GlobalSelector.select(c, 4, 0.0);
        assertEquals(new Candidate(0, 1, 0.85), chosen[0]);
        assertEquals(new Candidate(1, 2, 0.8), chosen[1]);
    }

    @Test
    void leavesSpanUnprojectedBelowThreshold() {
        List<List<Candidate>> c = List.of(List.of(new Candidate(0, 1, 0.9)), List.of(new Candidate(2, 3, 0.1)));
        Candidate[] chosen = GlobalSelector.select(c, 3, 0.2);
        assertNotNull(chosen[0]);
        assertNull(chosen[1]);
    }

    @Test
    void matchesBruteForceOnRandomInstances() {
        Random random = new Random(7);
        for (int trial = 0; trial < 400; trial++) {
            int n = 1 + random.nextInt(9);
            int k = 1 + random.nextInt(4);
            double threshold = random.nextDouble() * 0.3;
            List<List<Candidate>> c = new ArrayList<>();
            for (int s = 0; s < k; s++) {
                List<Candidate> cs = new ArrayList<>();
                int m = random.nextInt(6);
                for (int i = 0; i < m; i++) {
                    int a = random.nextInt(n);
                    int b = a + 1 + random.nextInt(Math.min(3, n - a));
                    cs.add(new Candidate(a, b, random.nextDouble()));
                }
                c.add(cs);
            }
            Candidate[] chosen = GlobalSelector.select(c, n, threshold);
            assertNoOverlap(chosen);
            for (int s = 0; s < k; s++) {
                assertTrue(chosen[s] == null || c.get(s).contains(chosen[s]));
            }
            double best = brute(c, 0, new Candidate[k], threshold);
            assertEquals(best, GlobalSelector.total(chosen, threshold), 1e-9, "trial " + trial);
        }
    }

    @Test
    void manySpansAreSolvedInGroupsWithoutOverlap() {
        int k = GlobalSelector.MAX_EXACT + 5;
        List<List<Candidate>> c = new ArrayList<>();
        for (int s = 0; s < k; s++) {
            c.add(List.of(new Candidate(s, s + 1, 0.9), new Candidate(s, s + 2, 0.95)));
        }
        Candidate[] chosen = GlobalSelector.select(c, k + 1, 0.0);
        assertNoOverlap(chosen);
        int projected = 0;
        for (Candidate x : chosen) {
            projected += x == null ? 0 : 1;
        }
        // exact within each group of MAX_EXACT spans; a group boundary can cost at most one span here
        assertTrue(projected >= k - 1, projected + " of " + k);
        for (int s = 0; s < GlobalSelector.MAX_EXACT - 1; s++) {
            assertNotNull(chosen[s]);
        }
    }

    private static void assertNoOverlap(Candidate[] chosen) {
        for (int a = 0; a < chosen.length; a++) {
            for (int b = a + 1; b < chosen.length; b++) {
                if (chosen[a] != null && chosen[b] != null) {
                    assertFalse(chosen[a].overlaps(chosen[b]), chosen[a] + " overlaps " + chosen[b]);
                }
            }
        }
    }

    private static double brute(List<List<Candidate>> c, int s, Candidate[] current, double threshold) {
        if (s == c.size()) {
            for (int a = 0; a < current.length; a++) {
                for (int b = a + 1; b < current.length; b++) {
                    if (current[a] != null && current[b] != null && current[a].overlaps(current[b])) {
                        return Double.NEGATIVE_INFINITY;
                    }
                }
            }
            return GlobalSelector.total(current, threshold);
        }
        current[s] = null;
        double best = brute(c, s + 1, current, threshold);
        for (Candidate x : c.get(s)) {
            if (x.score() > threshold) {
                current[s] = x;
                best = Math.max(best, brute(c, s + 1, current, threshold));
            }
        }
        current[s] = null;
        return best;
    }
}
