package org.polyspan.seq2seq;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Beam search under a {@link SpanSlotAutomaton} that returns its best {@code beamWidth} finished outputs, not only the
 * best one: T-Projection takes its candidates from all returned sequences ({@code num_return_sequences = num_beams}).
 * Each step follows {@link BeamSearch} exactly (candidate score = running sum + log-softmax over the full vocabulary in
 * double precision; sorted by score, ties by beam then token; EOS candidates finish; early stopping once
 * {@code beamWidth} outputs finished; finished score = {@code sum / n^lengthPenalty}). The finished outputs are then
 * ranked by that score, ties to the one that finished first, and the first {@code beamWidth} are returned. The Python
 * reference ({@code models/recipe/seq2seq_reference.py}, {@code slot_beam_search}) does the same.
 */
public final class SlotBeamSearch {
    private final int beamWidth;
    private final double lengthPenalty;
    private final int decoderStart;

    public SlotBeamSearch(int beamWidth, double lengthPenalty, int decoderStart) {
        if (beamWidth < 1) {
            throw new IllegalArgumentException("beam width must be at least 1");
        }
        this.beamWidth = beamWidth;
        this.lengthPenalty = lengthPenalty;
        this.decoderStart = decoderStart;
    }

    /**
     * One finished output.
     *
     * @param tokens     output tokens, EOS included
     * @param sumLogProb sum of the tokens' log-probabilities
     * @param score      {@code sumLogProb / tokens.length ^ lengthPenalty}
     * @param chosen     the segment of every slot
     */
    public record Output(int[] tokens, double sumLogProb, double score, List<SpanSlotAutomaton.Chosen> chosen) {}

    private record Hyp(Hyp parent, int token, double sum, int length, SpanSlotAutomaton.State state) {
        int[] tokens() {
            int[] out = new int[length];
            for (Hyp h = this; h.length > 0; h = h.parent) {
                out[h.length - 1] = h.token;
            }
            return out;
        }
    }

    private record Candidate(double score, int beam, int token) {}

    private record Finished(Hyp hyp, double score, int order) {}

    /** The best outputs, best first: at most {@code beamWidth}, at least one. */
    public List<Output> search(LogitsSource.Session session, SpanSlotAutomaton automaton) {
        List<Hyp> beams = List.of(new Hyp(null, decoderStart, 0, 0, automaton.start()));
        int[] parents = {-1};
        int[] feed = {decoderStart};
        List<Finished> finished = new ArrayList<>();
        int eos = automaton.eos();
        while (!beams.isEmpty() && finished.size() < beamWidth) {
            float[][] scores = session.step(parents, feed);
            List<Candidate> cands = new ArrayList<>();
            for (int b = 0; b < beams.size(); b++) {
                Hyp h = beams.get(b);
                float[] row = scores[b];
                double lse = BeamSearch.logSumExp(row);
                for (int t : automaton.allowedTokens(h.state)) {
                    cands.add(new Candidate(h.sum + (row[t] - lse), b, t));
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
                Hyp child = new Hyp(h, c.token, c.score, h.length + 1, automaton.advance(h.state, c.token));
                if (c.token == eos) {
                    finished.add(new Finished(child, c.score / Math.pow(child.length, lengthPenalty), finished.size()));
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
        if (finished.isEmpty()) {
            throw new IllegalStateException("beam search ended without a finished output");
        }
        finished.sort(Comparator.comparingDouble((Finished f) -> -f.score).thenComparingInt(Finished::order));
        List<Output> out = new ArrayList<>();
        for (Finished f : finished.subList(0, Math.min(beamWidth, finished.size()))) {
            out.add(new Output(f.hyp.tokens(), f.hyp.sum, f.score, automaton.chosen(f.hyp.state)));
        }
        return out;
    }
}
