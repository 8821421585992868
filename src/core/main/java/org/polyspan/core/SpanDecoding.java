package org.polyspan.core;

/**
 * How a head's tag scores become spans: the {@link SpanUnits} spans should cover, and what Viterbi pays for a span
 * that begins or ends elsewhere ({@code boundaryPenalty}, in log-probability; infinite forbids it). Kept with the head
 * (its JSON's {@code decoding} object) because it is tuned on the head's development data, like its transition prior.
 */
public record SpanDecoding(SpanUnits units, float boundaryPenalty) {

    /** Spans begin and end at any word: plain constrained Viterbi. */
    public static final SpanDecoding WORDS = new SpanDecoding(SpanUnits.WORDS, 0f);

    public SpanDecoding {
        if (units == null) {
            throw new IllegalArgumentException("span units are required");
        }
        if (!(boundaryPenalty >= 0)) {
            throw new IllegalArgumentException("boundary penalty must be >= 0, got " + boundaryPenalty);
        }
    }

    public boolean constrained() {
        return units != SpanUnits.WORDS && boundaryPenalty > 0;
    }
}
