package org.polyspan.labeling;

import java.util.Arrays;

/**
 * Turns one head's word log-probabilities for a text into tags, as the head's {@link SpanDecoding} and transition prior
 * say: the outside penalty shifts the O threshold, span units keep span boundaries where they may be, and in
 * {@link SpanScope#SENTENCE} scope each sentence is decoded on its own. One place, so that the processor and the
 * tools that train and select heads decode alike.
 */
public final class HeadDecoder {
    private final TagHead head;
    private final BioViterbiDecoder viterbi;

    public HeadDecoder(TagHead head) {
        this.head = head;
        this.viterbi = new BioViterbiDecoder(head.labels(), head.transitions());
    }

    /**
     * @param logProbs       per word of {@code doc}, the head's tag log-probabilities
     * @param sentenceStarts first word of every sentence of {@code doc}
     * @return one tag index per word
     */
    public int[] decode(Document doc, float[][] logProbs, int[] sentenceStarts, SpanScope scope) {
        SpanDecoding decoding = head.decoding();
        SpanUnits.Boundaries bounds = decoding.constrained()
                ? decoding.units().boundaries(doc.text(), doc.words(), sentenceStarts) : null;
        float[][] scores = withOutsidePenalty(logProbs, head.labels(), decoding.outsidePenalty());
        return scope == SpanScope.FIELD
                ? decode(scores, bounds, decoding.boundaryPenalty(), 0, scores.length)
                : decodeSentences(scores, sentenceStarts, bounds, decoding.boundaryPenalty());
    }

    /** The scores Viterbi sees: {@code penalty} less for O at every word; the tag probabilities stay the head's. */
    static float[][] withOutsidePenalty(float[][] logProbs, BioLabels labels, float penalty) {
        if (penalty == 0) {
            return logProbs;
        }
        float[][] out = new float[logProbs.length][];
        for (int w = 0; w < out.length; w++) {
            out[w] = logProbs[w].clone();
            for (int t = 0; t < out[w].length; t++) {
                if (labels.entityOf(t) == null) {
                    out[w][t] -= penalty;
                }
            }
        }
        return out;
    }

    /**
     * Decodes each sentence {@code [starts[s], starts[s + 1])} on its own, so no span crosses a sentence boundary,
     * keeping span boundaries where {@code bounds} lets them be (null: anywhere).
     */
    int[] decodeSentences(float[][] logProbs, int[] starts, SpanUnits.Boundaries bounds, float penalty) {
        int[] tags = new int[logProbs.length];
        for (int s = 0; s < starts.length; s++) {
            int from = starts[s];
            int to = s + 1 < starts.length ? starts[s + 1] : logProbs.length;
            int[] part = decode(logProbs, bounds, penalty, from, to);
            System.arraycopy(part, 0, tags, from, part.length);
        }
        return tags;
    }

    /** Decodes words {@code [from, to)} as one sequence. */
    private int[] decode(float[][] logProbs, SpanUnits.Boundaries bounds, float penalty, int from, int to) {
        float[][] part = Arrays.copyOfRange(logProbs, from, to);
        if (bounds == null) {
            return viterbi.decode(part);
        }
        return viterbi.decode(part, Arrays.copyOfRange(bounds.mayStart(), from, to), Arrays.copyOfRange(bounds.mayEnd(), from, to),
                penalty);
    }
}
