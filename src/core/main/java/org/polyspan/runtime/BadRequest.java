package org.polyspan.runtime;

/** An option that names something unusable (a model, a language, a translator): answered 400 naming the field. */
public final class BadRequest extends Exception {
    private final String field;

    public BadRequest(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
