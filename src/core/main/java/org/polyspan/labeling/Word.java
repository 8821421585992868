package org.polyspan.labeling;

/** A word of the source text: the half-open UTF-16 range {@code [start, end)} of the original string. */
public record Word(int start, int end) {
    public Word {
        if (start < 0 || end <= start) {
            throw new IllegalArgumentException("bad word range [" + start + ", " + end + ")");
        }
    }

    public String text(CharSequence source) {
        return source.subSequence(start, end).toString();
    }
}
