package org.polyspan.projection;

/** A labelled span over words: the half-open word range {@code [start, end)}. */
public record WordSpan(int start, int end, String label) {
    public WordSpan {
        if (start < 0 || end <= start) {
            throw new IllegalArgumentException("bad word span [" + start + ", " + end + ")");
        }
    }

    public int length() {
        return end - start;
    }

    public boolean overlaps(int otherStart, int otherEnd) {
        return start < otherEnd && otherStart < end;
    }
}
