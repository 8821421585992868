package org.polyspan.seq2seq;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Unconstrained beam search with forced first tokens (M2M100 / NLLB's target language code) and in batches, on scripted
 * scores: the forced token is taken whatever the model scores it, with log-probability 0 and counted in the length;
 * batches give each input exactly its own result; outputs end with EOS or at the length bound.
 */
class ForcedBeamSearchTest {
    private static final int VOCAB = 14;
    private static final int START = 0;
    private static final int EOS = ScriptedModels.EOS;
    private static final int FORCED = 13;

    /** Pseudo-random scores of (input, prefix); EOS grows likelier with the prefix length; the forced token is scored very low. */
    private static ScriptedModels.ScriptedSource source() {
        return new ScriptedModels.ScriptedSource(VOCAB, (input, prefix) -> {
            long h = 1469598103934665603L;
            for (int t : input) {
                h = (h ^ t) * 1099511628211L;
            }
            for (int t : prefix) {
                h = (h ^ (t + 31)) * 1099511628211L;
            }
            float[] row = new float[VOCAB];
            for (int v = 0; v < VOCAB; v++) {
                long x = (h ^ (v * 0x9E3779B97F4A7C15L)) * 0xBF58476D1CE4E5B9L;
                row[v] = ((x >>> 40) % 1000) / 250f;
            }
            row[EOS] += 0.6f * prefix.size() - 3f;
            row[FORCED] = -50f;
            return row;
        });
    }

    private static int[][] inputs() {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            int[] in = new int[2 + i % 4];
            for (int k = 0; k < in.length; k++) {
                in[k] = 3 + (i * 7 + k * 5) % 9;
            }
            out.add(in);
        }
        return out.toArray(new int[0][]);
    }

    @Test
    void forcedTokenIsTakenWithLogProbabilityZeroAndCountsInTheLength() {
        BeamSearch search = new BeamSearch(3, 1.0, START);
        int[][] in = inputs();
        int[] max = new int[in.length];
        java.util.Arrays.fill(max, 12);
        List<BeamSearch.Result> results;
        try (LogitsSource.BatchSession s = source().openBatch(in)) {
            results = search.searchUnconstrainedBatch(s, EOS, max, new int[] {FORCED});
        }
        int withEos = 0;
        int atBound = 0;
        for (BeamSearch.Result r : results) {
            assertEquals(FORCED, r.tokens()[0]);
            assertEquals(0.0, r.logProbs()[0]);
            double sum = 0;
            for (double lp : r.logProbs()) {
                sum += lp;
            }
            assertEquals(sum, r.sumLogProb(), 1e-12);
            assertEquals(r.sumLogProb() / r.tokens().length, r.score(), 1e-12, "the forced token counts in the length");
            for (int k = 1; k < r.tokens().length; k++) {
                assertTrue(r.tokens()[k] != FORCED || r.logProbs()[k] < -40, "the forced token is not forced again");
            }
            if (r.tokens()[r.tokens().length - 1] == EOS) {
                withEos++;
            } else {
                assertEquals(12, r.tokens().length);
                atBound++;
            }
        }
        assertTrue(withEos > 0, "some outputs end with EOS");
        assertTrue(atBound > 0 || withEos == results.size());
    }

    @Test
    void aBatchGivesEveryInputItsOwnResult() {
        BeamSearch search = new BeamSearch(4, 0.7, START);
        int[][] in = inputs();
        int[] max = new int[in.length];
        for (int i = 0; i < in.length; i++) {
            max[i] = 4 + 3 * i;
        }
        List<BeamSearch.Result> batch;
        try (LogitsSource.BatchSession s = source().openBatch(in)) {
            batch = search.searchUnconstrainedBatch(s, EOS, max, new int[] {FORCED});
        }
        List<BeamSearch.Result> plain;
        try (LogitsSource.BatchSession s = source().openBatch(in)) {
            plain = search.searchUnconstrainedBatch(s, EOS, max, new int[0]);
        }
        for (int i = 0; i < in.length; i++) {
            BeamSearch.Result alone;
            try (LogitsSource.BatchSession s = source().openBatch(new int[][] {in[i]})) {
                alone = search.searchUnconstrainedBatch(s, EOS, new int[] {max[i]}, new int[] {FORCED}).get(0);
            }
            assertArrayEquals(alone.tokens(), batch.get(i).tokens(), "input " + i);
            assertEquals(alone.score(), batch.get(i).score(), 0.0);
            // without forced tokens, the batch search is the single-input search
            try (LogitsSource.Session s = source().open(in[i])) {
                BeamSearch.Result single = search.searchUnconstrained(s, EOS, max[i]);
                assertArrayEquals(single.tokens(), plain.get(i).tokens(), "input " + i);
                assertEquals(single.score(), plain.get(i).score(), 0.0);
            }
            assertTrue(batch.get(i).tokens().length <= max[i]);
        }
    }

    @Test
    void aBoundThatLeavesNoRoomAfterTheForcedTokensIsRefused() {
        BeamSearch search = new BeamSearch(2, 1.0, START);
        try (LogitsSource.BatchSession s = source().openBatch(new int[][] {{3, 4}})) {
            assertThrows(IllegalArgumentException.class, () -> search.searchUnconstrainedBatch(s, EOS, new int[] {1}, new int[] {FORCED}));
        }
    }
}
