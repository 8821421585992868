package org.polyspan.seq2seq;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Beam search under a {@link SpanSlotAutomaton} that returns its best {@code beamWidth} finished outputs, not only the
 * best one: T-Projection takes its candidates from all returned sequences ({@code num_return_sequences = num_beams}).
 * Each step is {@link BeamSearch}'s (the shared {@link Beams}: candidate score = running sum + log-softmax over the full
 * vocabulary in double precision; sorted by score, ties by beam then token; EOS candidates finish; early stopping once
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

    /** The best outputs, best first: at most {@code beamWidth}, at least one. */
    public List<Output> search(LogitsSource.Session session, SpanSlotAutomaton automaton) {
        int eos = automaton.eos();
        Beams<SpanSlotAutomaton.State> beams = new Beams<>(beamWidth, lengthPenalty, decoderStart, automaton.start(),
                new Beams.Rules<>() {
                    @Override
                    public int[] tokens(SpanSlotAutomaton.State state, float[] row) {
                        return automaton.allowedTokens(state);
                    }

                    @Override
                    public SpanSlotAutomaton.State advance(SpanSlotAutomaton.State state, int token) {
                        return automaton.advance(state, token);
                    }

                    @Override
                    public boolean finishes(int token, int length) {
                        return token == eos;
                    }
                });
        while (!beams.done()) {
            beams.consume(session.step(beams.parents(), beams.feed()));
        }
        List<Beams.Finished<SpanSlotAutomaton.State>> finished = new ArrayList<>(beams.finished());
        if (finished.isEmpty()) {
            throw new IllegalStateException("beam search ended without a finished output");
        }
        // stable sort: equal scores keep the order they finished in
        finished.sort(Comparator.comparingDouble((Beams.Finished<SpanSlotAutomaton.State> f) -> -f.score()));
        List<Output> out = new ArrayList<>();
        for (var f : finished.subList(0, Math.min(beamWidth, finished.size()))) {
            out.add(new Output(f.hyp().tokens(), f.hyp().sum(), f.score(), automaton.chosen(f.hyp().state())));
        }
        return out;
    }
}
