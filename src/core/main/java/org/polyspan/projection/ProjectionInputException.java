package org.polyspan.projection;

/** Bad projection input; {@link #field()} names the offending field (e.g. {@code source.spans[2].end}). */
public final class ProjectionInputException extends IllegalArgumentException {
    private final String field;

    public ProjectionInputException(String field, String message) {
        super("[" + field + "] " + message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
