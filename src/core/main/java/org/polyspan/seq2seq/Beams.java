package org.polyspan.seq2seq;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The live and finished hypotheses of one beam search, advanced one decoder step at a time by the step rules that
 * {@link BeamSearch} documents (candidate score = running sum + log-softmax over the full vocabulary in double
 * precision; sorted by score, ties by beam then token; EOS candidates finish; at most {@code beamWidth} live; early
 * stopping once {@code beamWidth} finished; finished score = {@code sum / n^lengthPenalty}). {@link BeamSearch} and
 * {@link SlotBeamSearch} share it so that their steps cannot drift apart; they differ only in the {@link Rules} and in
 * what they make of the finished hypotheses.
 *
 * @param <S> the constraint's state per hypothesis ({@code null} throughout when unconstrained)
 */
final class Beams<S> {
    /** What a search decides per step: which tokens a hypothesis may take and when it finishes. */
    interface Rules<S> {
        /** The tokens to score for a hypothesis in {@code state}, ascending; {@code row} is its decoder output. */
        int[] tokens(S state, float[] row);

        /**
         * The token forced on a hypothesis of {@code length} tokens, or -1: a forced token is its only candidate, with
         * log-probability 0 (see {@link BeamSearch}).
         */
        default int forced(int length) {
            return -1;
        }

        /** The state after {@code token}. */
        S advance(S state, int token);

        /** Whether a hypothesis that has just taken {@code token}, reaching {@code length} tokens, is finished. */
        boolean finishes(int token, int length);
    }

    /** A hypothesis: its last token and that token's log-probability, the running sum, and its length in tokens. */
    record Hyp<S>(Hyp<S> parent, int token, double logProb, double sum, int length, S state) {
        int[] tokens() {
            int[] out = new int[length];
            for (Hyp<S> h = this; h.length > 0; h = h.parent) {
                out[h.length - 1] = h.token;
            }
            return out;
        }

        double[] logProbs() {
            double[] out = new double[length];
            for (Hyp<S> h = this; h.length > 0; h = h.parent) {
                out[h.length - 1] = h.logProb;
            }
            return out;
        }
    }

    /** A finished hypothesis and its length-normalised score; finished hypotheses are listed in the order they finished. */
    record Finished<S>(Hyp<S> hyp, double score) {}

    private record Candidate(double score, int beam, int token, double logProb) {}

    private final int beamWidth;
    private final double lengthPenalty;
    private final Rules<S> rules;
    private List<Hyp<S>> live;
    private int[] parents = {-1};
    private int[] feed;
    private final List<Finished<S>> finished = new ArrayList<>();
    private int steps;
    private long rows;

    Beams(int beamWidth, double lengthPenalty, int decoderStart, S start, Rules<S> rules) {
        this.beamWidth = beamWidth;
        this.lengthPenalty = lengthPenalty;
        this.rules = rules;
        this.live = List.of(new Hyp<>(null, decoderStart, 0, 0, 0, start));
        this.feed = new int[] {decoderStart};
    }

    boolean done() {
        return live.isEmpty() || finished.size() >= beamWidth;
    }

    /** Per row of the next decoder call, the row of the previous call it extends (-1 for the first call). */
    int[] parents() {
        return parents;
    }

    /** Per row of the next decoder call, the token it feeds. */
    int[] feed() {
        return feed;
    }

    List<Finished<S>> finished() {
        return finished;
    }

    /** Decoder steps consumed. */
    int steps() {
        return steps;
    }

    /** Decoder rows (hypothesis-steps) consumed. */
    long rows() {
        return rows;
    }

    /** One step: {@code scores} holds the decoder's output for the rows of {@link #feed()}, in that order. */
    void consume(float[][] scores) {
        steps++;
        rows += live.size();
        List<Candidate> cands = new ArrayList<>();
        for (int b = 0; b < live.size(); b++) {
            Hyp<S> h = live.get(b);
            int forced = rules.forced(h.length);
            if (forced >= 0) {
                cands.add(new Candidate(h.sum, b, forced, 0.0));
                continue;
            }
            float[] row = scores[b];
            double lse = logSumExp(row);
            for (int t : rules.tokens(h.state, row)) {
                double lp = row[t] - lse;
                cands.add(new Candidate(h.sum + lp, b, t, lp));
            }
        }
        cands.sort((x, y) -> {
            int c = Double.compare(y.score, x.score);
            if (c != 0) {
                return c;
            }
            c = Integer.compare(x.beam, y.beam);
            return c != 0 ? c : Integer.compare(x.token, y.token);
        });
        List<Hyp<S>> next = new ArrayList<>(beamWidth);
        int[] nextParents = new int[beamWidth];
        for (Candidate c : cands) {
            Hyp<S> h = live.get(c.beam);
            Hyp<S> child = new Hyp<>(h, c.token, c.logProb, c.score, h.length + 1, rules.advance(h.state, c.token));
            if (rules.finishes(c.token, child.length)) {
                finished.add(new Finished<>(child, c.score / Math.pow(child.length, lengthPenalty)));
            } else {
                nextParents[next.size()] = c.beam;
                next.add(child);
                if (next.size() == beamWidth) {
                    break;
                }
            }
        }
        live = next;
        parents = Arrays.copyOf(nextParents, next.size());
        feed = new int[next.size()];
        for (int i = 0; i < next.size(); i++) {
            feed[i] = next.get(i).token;
        }
    }

    static double logSumExp(float[] row) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : row) {
            if (v > max) {
                max = v;
            }
        }
        double sum = 0;
        for (float v : row) {
            sum += Math.exp(v - max);
        }
        return max + Math.log(sum);
    }
}
