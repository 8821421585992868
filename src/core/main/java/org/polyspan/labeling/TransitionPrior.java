package org.polyspan.labeling;

import java.util.List;

/**
 * Tag bigram log-probabilities estimated from a head's training data, scaled by {@code weight} and added to the word
 * scores during Viterbi decoding. The head scores each word on its own; the prior adds what it cannot see, e.g. that
 * two persons rarely follow each other without a word between them, so {@code B-PER B-PER} loses to
 * {@code B-PER I-PER}.
 */
public record TransitionPrior(float[] start, float[][] next, float weight) {

    /** Add-one smoothed estimate over the tag sequences of a training set (tag indices). */
    public static TransitionPrior estimate(List<int[]> sequences, BioLabels labels, float weight) {
        int k = labels.size();
        double[] startCounts = new double[k];
        double[][] counts = new double[k][k];
        for (int[] seq : sequences) {
            if (seq.length == 0) {
                continue;
            }
            startCounts[seq[0]]++;
            for (int i = 1; i < seq.length; i++) {
                counts[seq[i - 1]][seq[i]]++;
            }
        }
        float[] start = logNormalise(startCounts, labels, -1);
        float[][] next = new float[k][];
        for (int from = 0; from < k; from++) {
            next[from] = logNormalise(counts[from], labels, from);
        }
        return new TransitionPrior(start, next, weight);
    }

    /** Smooths over the transitions the tag set allows; forbidden ones stay at 0 (the decoder never takes them). */
    private static float[] logNormalise(double[] counts, BioLabels labels, int from) {
        double total = 0;
        for (int to = 0; to < counts.length; to++) {
            if (from < 0 ? labels.allowedAtStart(to) : labels.allowed(from, to)) {
                total += counts[to] + 1;
            }
        }
        float[] out = new float[counts.length];
        for (int to = 0; to < counts.length; to++) {
            boolean ok = from < 0 ? labels.allowedAtStart(to) : labels.allowed(from, to);
            out[to] = ok ? (float) Math.log((counts[to] + 1) / total) : 0f;
        }
        return out;
    }
}
