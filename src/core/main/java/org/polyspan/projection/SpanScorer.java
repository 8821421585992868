package org.polyspan.projection;

import java.util.ArrayList;
import java.util.List;

/**
 * The encoder scorer of T-Projection-style projection: every target word n-gram up to a length bound is a candidate
 * for a source span, scored by
 * <ul>
 *   <li><b>soft alignment F</b>: with {@code P(j|i)} a softmax over target words of the source word's similarities
 *       (temperature {@code tau}) and {@code P(i|j)} the reverse, recall is the share of the span's alignment mass
 *       that falls inside the candidate and precision the mean share of each candidate word's mass that falls inside
 *       the span; their harmonic mean rewards the range that the span, and only the span, translates to;</li>
 *   <li><b>span cosine</b>: cosine of the mean word vectors of span and candidate;</li>
 *   <li><b>length prior</b>: {@code -|ln(len(candidate) / len(span))|}.</li>
 * </ul>
 * Score = {@code wAlign * F + wCos * cos + wLen * prior}. Prefix sums make each candidate O(1) for F and O(dim) for
 * the cosine.
 */
public final class SpanScorer {

    /**
     * @param tau         softmax temperature over cosine similarities
     * @param maxExtra    candidates up to {@code max(len + maxExtra, maxFactor * len)} words
     */
    public record Params(double tau, double wAlign, double wCos, double wLen, int maxExtra, double maxFactor) {
        public static final Params DEFAULT = new Params(0.05, 1.0, 0.0, 0.05, 2, 2.0);

        public int maxLength(int spanLength) {
            return (int) Math.max(spanLength + maxExtra, Math.ceil(maxFactor * spanLength));
        }
    }

    private final Params params;
    private final float[][] sim;
    private final double[][] forward;   // P(j | i), rows sum to 1
    private final double[][] backward;  // P(i | j) stored as [i][j], columns sum to 1
    private final float[][] target;
    private final float[][] source;
    private final double[][] targetPrefix; // prefix sums of target vectors

    public SpanScorer(float[][] source, float[][] target, float[][] sim, Params params) {
        this.params = params;
        this.sim = sim;
        this.source = source;
        this.target = target;
        int m = source.length;
        int n = target.length;
        forward = new double[m][n];
        backward = new double[m][n];
        for (int i = 0; i < m; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                max = Math.max(max, sim[i][j]);
            }
            double sum = 0;
            for (int j = 0; j < n; j++) {
                forward[i][j] = Math.exp((sim[i][j] - max) / params.tau());
                sum += forward[i][j];
            }
            for (int j = 0; j < n; j++) {
                forward[i][j] /= sum;
            }
        }
        for (int j = 0; j < n; j++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < m; i++) {
                max = Math.max(max, sim[i][j]);
            }
            double sum = 0;
            for (int i = 0; i < m; i++) {
                backward[i][j] = Math.exp((sim[i][j] - max) / params.tau());
                sum += backward[i][j];
            }
            for (int i = 0; i < m; i++) {
                backward[i][j] /= sum;
            }
        }
        int dim = n == 0 ? 0 : target[0].length;
        targetPrefix = new double[n + 1][];
        targetPrefix[0] = new double[dim];
        if (params.wCos() != 0) {
            for (int j = 0; j < n; j++) {
                double[] next = targetPrefix[j].clone();
                for (int d = 0; d < dim; d++) {
                    next[d] += target[j][d];
                }
                targetPrefix[j + 1] = next;
            }
        }
    }

    /** All candidates for the span, in no particular order. */
    public List<Candidate> candidates(WordSpan span) {
        SpanTerms terms = terms(span);
        int n = target.length;
        int maxLen = Math.min(n, params.maxLength(span.length()));
        List<Candidate> out = new ArrayList<>();
        for (int a = 0; a < n; a++) {
            for (int b = a + 1; b <= Math.min(n, a + maxLen); b++) {
                out.add(new Candidate(a, b, terms.score(a, b)));
            }
        }
        return out;
    }

    /**
     * The given target ranges {@code [start, end)} as candidates for the span, scored exactly as {@link #candidates}
     * scores them (no length bound: the ranges come from elsewhere, e.g. a text-to-text generator).
     */
    public List<Candidate> score(WordSpan span, List<int[]> ranges) {
        SpanTerms terms = terms(span);
        List<Candidate> out = new ArrayList<>(ranges.size());
        for (int[] r : ranges) {
            if (r[0] < 0 || r[1] <= r[0] || r[1] > target.length) {
                throw new IllegalArgumentException("range [" + r[0] + ", " + r[1] + ") outside the " + target.length + " target words");
            }
            out.add(new Candidate(r[0], r[1], terms.score(r[0], r[1])));
        }
        return out;
    }

    /** Per-span prefix sums that make each candidate's score O(1) (plus O(dim) for the cosine). */
    private final class SpanTerms {
        final int len;
        final double[] recallPrefix;
        final double[] precisionPrefix;
        final double[] spanMean;
        final double spanNorm;

        SpanTerms(WordSpan span) {
            int n = target.length;
            len = span.length();
            recallPrefix = new double[n + 1];
            precisionPrefix = new double[n + 1];
            for (int j = 0; j < n; j++) {
                double f = 0;
                double b = 0;
                for (int i = span.start(); i < span.end(); i++) {
                    f += forward[i][j];
                    b += backward[i][j];
                }
                recallPrefix[j + 1] = recallPrefix[j] + f / len;
                precisionPrefix[j + 1] = precisionPrefix[j] + b;
            }
            if (params.wCos() != 0) {
                spanMean = new double[source[0].length];
                for (int i = span.start(); i < span.end(); i++) {
                    for (int d = 0; d < spanMean.length; d++) {
                        spanMean[d] += source[i][d];
                    }
                }
                spanNorm = norm(spanMean);
            } else {
                spanMean = null;
                spanNorm = 0;
            }
        }

        double score(int a, int b) {
            double recall = recallPrefix[b] - recallPrefix[a];
            double precision = (precisionPrefix[b] - precisionPrefix[a]) / (b - a);
            double f = recall + precision == 0 ? 0 : 2 * recall * precision / (recall + precision);
            double score = params.wAlign() * f;
            if (spanMean != null) {
                score += params.wCos() * cosine(spanMean, spanNorm, a, b);
            }
            return score - params.wLen() * Math.abs(Math.log((double) (b - a) / len));
        }
    }

    private SpanTerms terms(WordSpan span) {
        return new SpanTerms(span);
    }

    private double cosine(double[] spanMean, double spanNorm, int a, int b) {
        double dot = 0;
        double nn = 0;
        double[] hi = targetPrefix[b];
        double[] lo = targetPrefix[a];
        for (int d = 0; d < spanMean.length; d++) {
            double v = hi[d] - lo[d];
            dot += v * spanMean[d];
            nn += v * v;
        }
        return spanNorm == 0 || nn == 0 ? 0 : dot / (spanNorm * Math.sqrt(nn));
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    float[][] similarity() {
        return sim;
    }
}
