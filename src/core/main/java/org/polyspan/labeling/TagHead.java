package org.polyspan.labeling;

/** Maps the encoder's vectors for the words of one window to tag scores (unnormalised logits). */
public interface TagHead {

    String name();

    BioLabels labels();

    /**
     * @param window    the encoder's output for every position of the window
     * @param positions position of each word's first sub-token within the window
     * @return one logit row per entry of {@code positions}
     */
    float[][] wordLogits(float[][] window, int[] positions);

    /** Tag bigram log-probabilities added during decoding, or null for none. */
    default TransitionPrior transitions() {
        return null;
    }

    /** Where the decoder lets this head's spans begin and end. */
    default SpanDecoding decoding() {
        return SpanDecoding.WORDS;
    }
}
