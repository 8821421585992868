package org.polyspan.labeling;

import java.util.Locale;

/**
 * How far a span may reach. In {@link #SENTENCE} scope (the default) every sentence of a value is decoded on its own,
 * so no span crosses a sentence boundary; in {@link #FIELD} scope the whole value is decoded as one tag sequence, and a
 * span may run on into the next sentence. Sentences come from {@link SentenceSegmenter}.
 */
public enum SpanScope {
    SENTENCE,
    FIELD;

    /** Parses {@code sentence} or {@code field}, case-insensitively. */
    public static SpanScope parse(String value) {
        for (SpanScope s : values()) {
            if (s.name().equalsIgnoreCase(value)) {
                return s;
            }
        }
        throw new IllegalArgumentException("span scope must be [sentence] or [field], got [" + value + "]");
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
