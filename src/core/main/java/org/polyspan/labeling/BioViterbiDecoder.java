package org.polyspan.labeling;

/**
 * Finds the most probable tag sequence among those that {@link BioLabels} allows. Plain per-word argmax can emit
 * {@code O I-PER} or {@code B-ORG I-LOC}; this decoder cannot.
 */
public final class BioViterbiDecoder {
    private final BioLabels labels;
    private final TransitionPrior prior;

    public BioViterbiDecoder(BioLabels labels) {
        this(labels, null);
    }

    /** @param prior tag bigram log-probabilities to add to the word scores, or null */
    public BioViterbiDecoder(BioLabels labels, TransitionPrior prior) {
        this.labels = labels;
        this.prior = prior;
    }

    private double startScore(int to) {
        return prior == null ? 0 : prior.weight() * prior.start()[to];
    }

    private double transitionScore(int from, int to) {
        return prior == null ? 0 : prior.weight() * prior.next()[from][to];
    }

    /** The cost of tag {@code to} at word {@code i} when it begins a span where spans should not begin. */
    private double beginCost(int to, int i, boolean[] mayStart, float penalty) {
        return mayStart != null && !mayStart[i] && labels.isBegin(to) ? penalty : 0;
    }

    /** The cost of a span ending at word {@code i} (tag {@code from}, next tag {@code to}) where spans should not end. */
    private double endCost(int from, int to, int i, boolean[] mayEnd, float penalty) {
        return mayEnd != null && !mayEnd[i] && labels.entityOf(from) != null && !labels.isInside(to) ? penalty : 0;
    }

    /**
     * @param logProbs one row of log-probabilities per word, one column per tag
     * @return the best allowed tag index per word
     */
    public int[] decode(float[][] logProbs) {
        return decode(logProbs, null, null, 0f);
    }

    /**
     * As {@link #decode(float[][])}, paying {@code penalty} for every span that begins at a word where
     * {@code mayStart} is false and for every span whose last word has {@code mayEnd} false (the last word of the
     * sequence may always end one). With an infinite penalty such spans are impossible; all-{@code O} always remains.
     *
     * @param mayStart per word, null for everywhere
     * @param mayEnd   per word, null for everywhere
     */
    public int[] decode(float[][] logProbs, boolean[] mayStart, boolean[] mayEnd, float penalty) {
        int n = logProbs.length;
        int k = labels.size();
        int[] best = new int[n];
        if (n == 0) {
            return best;
        }
        double[] score = new double[k];
        double[] next = new double[k];
        int[][] back = new int[n][k];
        for (int t = 0; t < k; t++) {
            score[t] = labels.allowedAtStart(t) ? logProbs[0][t] + startScore(t) - beginCost(t, 0, mayStart, penalty)
                    : Double.NEGATIVE_INFINITY;
        }
        for (int i = 1; i < n; i++) {
            for (int to = 0; to < k; to++) {
                double bestScore = Double.NEGATIVE_INFINITY;
                int bestFrom = 0;
                for (int from = 0; from < k; from++) {
                    if (labels.allowed(from, to)) {
                        double s = score[from] + transitionScore(from, to) - beginCost(to, i, mayStart, penalty)
                                - endCost(from, to, i - 1, mayEnd, penalty);
                        if (s > bestScore) {
                            bestScore = s;
                            bestFrom = from;
                        }
                    }
                }
                next[to] = bestScore + logProbs[i][to];
                back[i][to] = bestFrom;
            }
            double[] swap = score;
            score = next;
            next = swap;
        }
        int last = 0;
        for (int t = 1; t < k; t++) {
            if (score[t] > score[last]) {
                last = t;
            }
        }
        best[n - 1] = last;
        for (int i = n - 1; i > 0; i--) {
            best[i - 1] = back[i][best[i]];
        }
        return best;
    }
}
