package org.polyspan.projection;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Picks at most one candidate per source span so that no two chosen target ranges overlap and the total score is
 * maximal. Only candidates scoring above {@code threshold} are worth choosing (a span may stay unprojected, worth 0);
 * the gain of a candidate is {@code score - threshold}.
 *
 * <p>Exact: dynamic programming over target word positions and subsets of spans ({@code dp[p][mask]} = best gain with
 * every chosen range inside {@code [0, p)} and the spans of {@code mask} placed). Sentences have few spans; above
 * {@link #MAX_EXACT} spans the spans are solved in consecutive groups of that size, each group excluding the target
 * words taken by earlier groups (exact within a group, not across groups).</p>
 */
public final class GlobalSelector {
    public static final int MAX_EXACT = 12;

    private GlobalSelector() {}

    /**
     * @param candidates per source span, its candidates (any order)
     * @param targetLength number of target words
     * @return per source span, the chosen candidate or {@code null}
     */
    public static Candidate[] select(List<List<Candidate>> candidates, int targetLength, double threshold) {
        int k = candidates.size();
        Candidate[] chosen = new Candidate[k];
        boolean[] taken = new boolean[targetLength];
        for (int from = 0; from < k; from += MAX_EXACT) {
            int to = Math.min(k, from + MAX_EXACT);
            List<List<Candidate>> group = new ArrayList<>();
            for (int s = from; s < to; s++) {
                List<Candidate> free = new ArrayList<>();
                for (Candidate c : candidates.get(s)) {
                    if (c.score() > threshold && c.start() >= 0 && c.end() <= targetLength && c.end() > c.start() && isFree(taken, c)) {
                        free.add(c);
                    }
                }
                group.add(free);
            }
            Candidate[] part = exact(group, targetLength, threshold);
            for (int s = 0; s < part.length; s++) {
                chosen[from + s] = part[s];
                if (part[s] != null) {
                    Arrays.fill(taken, part[s].start(), part[s].end(), true);
                }
            }
        }
        return chosen;
    }

    private static boolean isFree(boolean[] taken, Candidate c) {
        for (int i = c.start(); i < c.end(); i++) {
            if (taken[i]) {
                return false;
            }
        }
        return true;
    }

    /** Exact search for at most {@link #MAX_EXACT} spans over candidates already above the threshold. */
    static Candidate[] exact(List<List<Candidate>> candidates, int n, double threshold) {
        int k = candidates.size();
        int masks = 1 << k;
        // candidates grouped by end position
        List<List<int[]>> byEnd = new ArrayList<>(n + 1); // {span, candidate index}
        for (int p = 0; p <= n; p++) {
            byEnd.add(new ArrayList<>());
        }
        for (int s = 0; s < k; s++) {
            List<Candidate> cs = candidates.get(s);
            for (int c = 0; c < cs.size(); c++) {
                byEnd.get(cs.get(c).end()).add(new int[] {s, c});
            }
        }
        double[][] dp = new double[n + 1][masks];
        int[][] fromSpan = new int[n + 1][masks]; // -1: carried over from p-1
        int[][] fromCand = new int[n + 1][masks];
        for (double[] row : dp) {
            Arrays.fill(row, Double.NEGATIVE_INFINITY);
        }
        dp[0][0] = 0;
        for (int p = 1; p <= n; p++) {
            for (int m = 0; m < masks; m++) {
                dp[p][m] = dp[p - 1][m];
                fromSpan[p][m] = -1;
            }
            for (int[] sc : byEnd.get(p)) {
                int s = sc[0];
                Candidate c = candidates.get(s).get(sc[1]);
                double gain = c.score() - threshold;
                int bit = 1 << s;
                for (int m = 0; m < masks; m++) {
                    if ((m & bit) == 0) {
                        continue;
                    }
                    double prev = dp[c.start()][m ^ bit];
                    if (prev == Double.NEGATIVE_INFINITY) {
                        continue;
                    }
                    if (prev + gain > dp[p][m]) {
                        dp[p][m] = prev + gain;
                        fromSpan[p][m] = s;
                        fromCand[p][m] = sc[1];
                    }
                }
            }
        }
        int best = 0;
        for (int m = 1; m < masks; m++) {
            if (dp[n][m] > dp[n][best]) {
                best = m;
            }
        }
        Candidate[] out = new Candidate[k];
        int p = n;
        int m = best;
        while (p > 0 && m != 0) {
            int s = fromSpan[p][m];
            if (s < 0) {
                p--;
                continue;
            }
            Candidate c = candidates.get(s).get(fromCand[p][m]);
            out[s] = c;
            m ^= 1 << s;
            p = c.start();
        }
        return out;
    }

    /** Total gain of a selection; used by tests and callers that compare selections. */
    public static double total(Candidate[] chosen, double threshold) {
        double t = 0;
        for (Candidate c : chosen) {
            if (c != null) {
                t += c.score() - threshold;
            }
        }
        return t;
    }

    static Comparator<Candidate> byScoreDescending() {
        return Comparator.comparingDouble(Candidate::score).reversed().thenComparingInt(Candidate::start).thenComparingInt(Candidate::end);
    }
}
