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
            s.consume(session.step(s.parents(), s.feed()));
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
                rows += s.done() ? 0 : s.feed().length;
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
                for (int b = 0; b < s.feed().length; b++, r++) {
                    inputs[r] = i;
                    parents[r] = s.parents()[b] < 0 ? -1 : offset[i] + s.parents()[b];
                    tokens[r] = s.feed()[b];
                }
            }
            float[][] scores = session.step(inputs, parents, tokens);
            for (int i = 0; i < n; i++) {
                Search s = searches[i];
                if (!s.done()) {
                    s.consume(Arrays.copyOfRange(scores, nextOffset[i], nextOffset[i] + s.feed().length));
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

    /**
     * The search of one input, one decoder step at a time, under the automaton's rules or, unconstrained, over every
     * token until EOS or {@code maxLength}, after the {@code forced} tokens.
     */
    private final class Search implements Beams.Rules<TagAutomaton.State> {
        private final TagAutomaton automaton;
        private final int eos;
        private final int maxLength;
        private final int[] forced;
        private final Beams<TagAutomaton.State> beams;
        private int[] all;

        Search(TagAutomaton automaton, int eos, int maxLength, int[] forced) {
            this.automaton = automaton;
            this.eos = eos;
            this.maxLength = maxLength;
            this.forced = forced;
            this.beams = new Beams<>(beamWidth, lengthPenalty, decoderStart, automaton == null ? null : automaton.start(), this);
        }

        boolean done() {
            return beams.done();
        }

        int[] parents() {
            return beams.parents();
        }

        int[] feed() {
            return beams.feed();
        }

        void consume(float[][] scores) {
            beams.consume(scores);
        }

        @Override
        public int[] tokens(TagAutomaton.State state, float[] row) {
            if (automaton != null) {
                return automaton.allowedTokens(state);
            }
            if (row.length > 2 * beamWidth) {
                return topK(row, 2 * beamWidth); // only the best 2k tokens of a row can ever be taken
            }
            if (all == null) {
                all = new int[row.length];
                Arrays.setAll(all, i -> i);
            }
            return all;
        }

        @Override
        public int forced(int length) {
            return length < forced.length ? forced[length] : -1;
        }

        @Override
        public TagAutomaton.State advance(TagAutomaton.State state, int token) {
            return automaton == null ? null : automaton.advance(state, token);
        }

        @Override
        public boolean finishes(int token, int length) {
            return token == eos || (automaton == null && length >= maxLength);
        }

        Result result() {
            List<Beams.Finished<TagAutomaton.State>> finished = beams.finished();
            if (finished.isEmpty()) {
                throw new IllegalStateException("beam search ended without a finished hypothesis");
            }
            int best = 0;
            for (int i = 1; i < finished.size(); i++) {
                if (finished.get(i).score() > finished.get(best).score()) {
                    best = i;
                }
            }
            Beams.Hyp<TagAutomaton.State> h = finished.get(best).hyp();
            return new Result(h.tokens(), h.logProbs(), h.sum(), finished.get(best).score(), h.state(), beams.steps(), beams.rows());
        }
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
