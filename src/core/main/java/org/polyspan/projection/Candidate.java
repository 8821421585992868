package org.polyspan.projection;

/** A target word range {@code [start, end)} proposed for one source span, with its score (higher is better). */
public record Candidate(int start, int end, double score) {
    public boolean overlaps(Candidate o) {
        return start < o.end && o.start < end;
    }
}
