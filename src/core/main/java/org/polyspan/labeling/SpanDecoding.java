package org.polyspan.labeling;

/**
 * How a head's tag scores become spans: the {@link SpanUnits} spans should cover, what Viterbi pays for a span that
 * begins or ends elsewhere ({@code boundaryPenalty}, in log-probability; infinite forbids it), and what it pays for
 * every word left outside a span ({@code outsidePenalty}, in log-probability; it shifts the head's O-against-span
 * threshold). Kept with the head (its JSON's {@code decoding} object) because both are tuned on the head's
 * development data, like its transition prior.
 */
public record SpanDecoding(SpanUnits units, float boundaryPenalty, float outsidePenalty) {

    /** Spans begin and end at any word: plain constrained Viterbi. */
    public static final SpanDecoding WORDS = new SpanDecoding(SpanUnits.WORDS, 0f, 0f);

    public SpanDecoding(SpanUnits units, float boundaryPenalty) {
        this(units, boundaryPenalty, 0f);
    }

    public SpanDecoding {
        if (units == null) {
            throw new IllegalArgumentException("span units are required");
        }
        if (!(boundaryPenalty >= 0)) {
            throw new IllegalArgumentException("boundary penalty must be >= 0, got " + boundaryPenalty);
        }
        if (!(outsidePenalty >= 0) || Float.isInfinite(outsidePenalty)) {
            throw new IllegalArgumentException("outside penalty must be finite and >= 0, got " + outsidePenalty);
        }
    }

    /** Whether spans must keep to units (else {@link SpanUnits.Boundaries} are not needed). */
    public boolean constrained() {
        return units != SpanUnits.WORDS && boundaryPenalty > 0;
    }
}
