package org.polyspan.seq2seq;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Beam search over the tokens a {@link TagAutomaton} allows (or over the whole vocabulary, unconstrained).
 *
 * <p>The algorithm, exactly (the Python reference {@code models/recipe/seq2seq_reference.py} does the same):
 * <ol>
 *   <li>Start with one hypothesis: the empty output, feeding the decoder start token.</li>
 *   <li>Each step, for every live hypothesis {@code b} (in beam order) and every allowed token {@code t} (ascending),
 *       the candidate score is {@code sum_b + log_softmax(scores_b)[t]}, the log-softmax taken over the full vocabulary
 *       in double precision; the constraint only removes candidates, it never renormalises.</li>
 *   <li>Candidates are sorted by score descending, ties by {@code b} then {@code t} ascending, and taken in that
 *       order: an EOS candidate becomes a finished hypothesis, any other becomes a live hypothesis of the next step,
 *       until there are {@code beamWidth} live ones.</li>
 *   <li>The search stops when {@code beamWidth} hypotheses have finished, or none is live (early stopping, as
 *       Hugging Face's {@code early_stopping=True}). Unconstrained, a hypothesis that reaches {@code maxLength} tokens
 *       finishes without EOS.</li>
 *   <li>Length normalisation: a finished hypothesis of {@code n} output tokens (EOS included, the decoder start token
 *       not) with log-probability sum {@code S} scores {@code S / n^lengthPenalty}. {@code lengthPenalty = 0} ranks by
 *       raw log-probability; the default 1 by mean token log-probability. The best score wins, ties to the hypothesis
 *       that finished first.</li>
 *   <li>Forced tokens (unconstrained only, e.g. the target language code of M2M100 / NLLB): the first output tokens
 *       may be fixed. As with Hugging Face's {@code forced_bos_token_id}, which sets every other log-probability to
 *       minus infinity after the log-softmax, a forced token is the only candidate of its step, with log-probability
 *       0, and counts as an output token in the length normalisation.</li>
 * </ol>
 */
public final class BeamSearch {
    private final int beamWidth;
    private final double lengthPenalty;
    private final int decoderStart;

    public BeamSearch(int beamWidth, double lengthPenalty, int decoderStart) {
        if (beamWidth < 1) {
            throw new IllegalArgumentException("beam width must be at least 1");
        }
        this.beamWidth = beamWidth;
        this.lengthPenalty = lengthPenalty;
        this.decoderStart = decoderStart;
    }

    /**
     * The best output.
     *
     * @param tokens     output tokens, EOS included, decoder start token excluded
     * @param logProbs   log-probability of each output token
     * @param sumLogProb sum of {@code logProbs}
     * @param score      {@code sumLogProb / tokens.length ^ lengthPenalty}
     * @param state      the automaton's final state (null unconstrained)
     * @param steps      decoder steps run
     * @param rowsScored decoder rows (hypothesis-steps) run, for throughput figures
     */
    public record Result(int[] tokens, double[] logProbs, double sumLogProb, double score, TagAutomaton.State state,
                         int steps, long rowsScored) {}

    private record Hyp(Hyp parent, int token, double logProb, double sum, int length, TagAutomaton.State state) {
        int[] tokens() {
            int[] out = new int[length];
            for (Hyp h = this; h.length > 0; h = h.parent) {
                out[h.length - 1] = h.token;
            }
            return out;
        }

        double[] logProbs() {
            double[] out = new double[length];
            for (Hyp h = this; h.length > 0; h = h.parent) {
                out[h.length - 1] = h.logProb;
            }
            return out;
        }
    }

    private record Candidate(double score, int beam, int token, double logProb) {}

    /** Constrained search: every output is accepted by {@code automaton}. */
    public Result search(LogitsSource.Session session, TagAutomaton automaton) {
        return run(session, automaton, automaton.eos(), automaton.maxLength());
    }

    /** Unconstrained search over the whole vocabulary, at most {@code maxLength} output tokens. */
    public Result searchUnconstrained(LogitsSource.Session session, int eos, int maxLength) {
        return run(session, null, eos, maxLength);
    }

    private Result run(LogitsSource.Session session, TagAutomaton automaton, int eos, int maxLength) {
        Search s = new Search(automaton, eos, maxLength, new int[0]);
        while (!s.done()) {
            s.consume(session.step(s.parents, s.feed));
        }
        return s.result();
    }

    /**
     * Unconstrained search of several inputs at once, each result exactly what a search of that input alone returns.
     *
     * @param maxLengths per input, the most output tokens (forced ones included)
     * @param forced     output tokens forced at the start of every output (may be empty)
     */
    public List<Result> searchUnconstrainedBatch(LogitsSource.BatchSession session, int eos, int[] maxLengths, int[] forced) {
        Search[] searches = new Search[maxLengths.length];
        for (int i = 0; i < searches.length; i++) {
            if (maxLengths[i] <= forced.length) {
                throw new IllegalArgumentException("max length " + maxLengths[i] + " leaves no token after the forced ones");
            }
            searches[i] = new Search(null, eos, maxLengths[i], forced);
        }
        return runBatch(session, searches);
    }

    /**
     * Constrained search of several inputs at once: every decoder call scores the live hypotheses of all unfinished
     * inputs together. Each input's result is exactly what {@link #search} returns for it alone (same candidates, same
     * order); only the number of decoder calls changes.
     *
     * @param session  a batch session over the inputs, in the order of {@code automata}
     * @param automata per input, its automaton
     */
    public List<Result> searchBatch(LogitsSource.BatchSession session, List<TagAutomaton> automata) {
        Search[] searches = new Search[automata.size()];
        for (int i = 0; i < searches.length; i++) {
            searches[i] = new Search(automata.get(i), automata.get(i).eos(), automata.get(i).maxLength(), new int[0]);
        }
        return runBatch(session, searches);
    }

    /** Runs the searches together: every decoder call scores the live hypotheses of all unfinished searches. */
    private List<Result> runBatch(LogitsSource.BatchSession session, Search[] searches) {
        int n = searches.length;
        int[] offset = new int[n]; // each input's first row in the previous call
        while (true) {
            int rows = 0;
            for (Search s : searches) {
                rows += s.done() ? 0 : s.feed.length;
            }
            if (rows == 0) {
                break;
            }
            int[] inputs = new int[rows];
            int[] parents = new int[rows];
            int[] tokens = new int[rows];
            int[] nextOffset = new int[n];
            int r = 0;
            for (int i = 0; i < n; i++) {
                Search s = searches[i];
                nextOffset[i] = r;
                if (s.done()) {
                    continue;
                }
                for (int b = 0; b < s.feed.length; b++, r++) {
                    inputs[r] = i;
                    parents[r] = s.parents[b] < 0 ? -1 : offset[i] + s.parents[b];
                    tokens[r] = s.feed[b];
                }
            }
            float[][] scores = session.step(inputs, parents, tokens);
            for (int i = 0; i < n; i++) {
                Search s = searches[i];
                if (!s.done()) {
                    s.consume(Arrays.copyOfRange(scores, nextOffset[i], nextOffset[i] + s.feed.length));
                }
            }
            offset = nextOffset;
        }
        List<Result> out = new ArrayList<>(n);
        for (Search s : searches) {
            out.add(s.result());
        }
        return out;
    }

    /** The search of one input, one decoder step at a time: {@link #consume} takes the scores of the rows in {@code feed}. */
    private final class Search {
        private final TagAutomaton automaton;
        private final int eos;
        private final int maxLength;
        private final int[] forced;
        private List<Hyp> beams;
        int[] parents = {-1};
        int[] feed = {decoderStart};
        private final List<Hyp> finished = new ArrayList<>();
        private final List<Double> finishedScores = new ArrayList<>();
        private int steps;
        private long rows;
        private int[] all;

        Search(TagAutomaton automaton, int eos, int maxLength, int[] forced) {
            this.automaton = automaton;
            this.eos = eos;
            this.maxLength = maxLength;
            this.forced = forced;
            this.beams = List.of(new Hyp(null, decoderStart, 0, 0, 0, automaton == null ? null : automaton.start()));
        }

        boolean done() {
            return beams.isEmpty() || finished.size() >= beamWidth;
        }

        void consume(float[][] scores) {
            steps++;
            rows += beams.size();
            List<Candidate> cands = new ArrayList<>();
            for (int b = 0; b < beams.size(); b++) {
                Hyp h = beams.get(b);
                if (h.length < forced.length) {
                    // the forced token replaces the model's choice, with log-probability 0 (see the class comment)
                    cands.add(new Candidate(h.sum, b, forced[h.length], 0.0));
                    continue;
                }
                float[] row = scores[b];
                double lse = logSumExp(row);
                int[] allowed;
                if (automaton != null) {
                    allowed = automaton.allowedTokens(h.state);
                } else {
                    if (all == null) {
                        all = new int[row.length];
                        Arrays.setAll(all, i -> i);
                    }
                    allowed = all;
                }
                if (automaton == null && allowed.length > 2 * beamWidth) {
                    // only the best 2k tokens of a row can ever be taken
                    for (int t : topK(row, 2 * beamWidth)) {
                        double lp = row[t] - lse;
                        cands.add(new Candidate(h.sum + lp, b, t, lp));
                    }
                } else {
                    for (int t : allowed) {
                        double lp = row[t] - lse;
                        cands.add(new Candidate(h.sum + lp, b, t, lp));
                    }
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
            List<Hyp> next = new ArrayList<>(beamWidth);
            int[] nextParents = new int[beamWidth];
            for (Candidate c : cands) {
                Hyp h = beams.get(c.beam);
                TagAutomaton.State s = automaton == null ? null : automaton.advance(h.state, c.token);
                Hyp child = new Hyp(h, c.token, c.logProb, c.score, h.length + 1, s);
                if (c.token == eos || (automaton == null && child.length >= maxLength)) {
                    finished.add(child);
                    finishedScores.add(c.score / Math.pow(child.length, lengthPenalty));
                } else {
                    nextParents[next.size()] = c.beam;
                    next.add(child);
                    if (next.size() == beamWidth) {
                        break;
                    }
                }
            }
            beams = next;
            parents = Arrays.copyOf(nextParents, next.size());
            feed = new int[next.size()];
            for (int i = 0; i < next.size(); i++) {
                feed[i] = next.get(i).token;
            }
        }

        Result result() {
            if (finished.isEmpty()) {
                throw new IllegalStateException("beam search ended without a finished hypothesis");
            }
            int best = 0;
            for (int i = 1; i < finished.size(); i++) {
                if (finishedScores.get(i) > finishedScores.get(best)) {
                    best = i;
                }
            }
            Hyp h = finished.get(best);
            return new Result(h.tokens(), h.logProbs(), h.sum, finishedScores.get(best), h.state, steps, rows);
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

    /** Indices of the k largest values, ties to the lower index, in ascending index order. */
    static int[] topK(float[] row, int k) {
        k = Math.min(k, row.length);
        int[] idx = new int[k];
        int n = 0;
        for (int i = 0; i < row.length; i++) {
            if (n < k) {
                idx[n++] = i;
            } else {
                // replace the current minimum (the later index among equals) if row[i] is strictly larger
                int min = 0;
                for (int j = 1; j < k; j++) {
                    if (row[idx[j]] < row[idx[min]] || (row[idx[j]] == row[idx[min]] && idx[j] > idx[min])) {
                        min = j;
                    }
                }
                if (row[i] > row[idx[min]]) {
                    idx[min] = i;
                }
            }
        }
        Arrays.sort(idx);
        return idx;
    }
}
