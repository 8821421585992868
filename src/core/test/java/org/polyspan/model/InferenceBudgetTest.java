package org.polyspan.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InferenceBudgetTest {
    private static InferenceBudget of(int processors, int pool, int intra) {
        return InferenceBudget.of(processors, pool, intra, "pool.size", "intra_op_threads");
    }

    @Test
    void defaultsNeverExceedTheProcessors() {
        int[][] expected = {{1, 1, 1}, {2, 1, 2}, {3, 1, 3}, {4, 2, 2}, {8, 4, 2}, {16, 8, 2}, {64, 32, 2}};
        for (int[] e : expected) {
            InferenceBudget b = of(e[0], InferenceBudget.defaultPoolThreads(e[0]), 0);
            assertEquals(e[1], b.poolThreads(), "pool threads on " + e[0]);
            assertEquals(e[2], b.intraOpThreads(), "intra-op threads on " + e[0]);
        }
        for (int p = 1; p <= 128; p++) {
            InferenceBudget b = of(p, InferenceBudget.defaultPoolThreads(p), 0);
            assertTrue(b.poolThreads() * b.intraOpThreads() <= p, "budget on " + p);
        }
    }

    @Test
    void intraOpThreadsFillWhatThePoolLeaves() {
        assertEquals(1, of(8, 8, 0).intraOpThreads());
        assertEquals(4, of(8, 2, 0).intraOpThreads());
        assertEquals(3, of(8, 2, 3).intraOpThreads());
    }

    @Test
    void anOversubscribedBudgetNamesBothSettings() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> of(4, 2, 4));
        assertTrue(e.getMessage().contains("[pool.size] (2) x [intra_op_threads] (4) = 8 exceeds the node's 4 allocated processors"),
                e.getMessage());
        IllegalArgumentException pool = assertThrows(IllegalArgumentException.class, () -> of(2, 3, 0));
        assertTrue(pool.getMessage().contains("[pool.size] is 3 but the node has 2 allocated processors"), pool.getMessage());
        assertThrows(IllegalArgumentException.class, () -> of(2, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> of(2, 1, -1));
    }
}
