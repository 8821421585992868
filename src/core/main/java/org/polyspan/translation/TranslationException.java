package org.polyspan.translation;

/** A translation that could not be produced: missing direction, engine failure or timeout. */
public final class TranslationException extends Exception {
    public TranslationException(String message) {
        super(message);
    }

    public TranslationException(String message, Throwable cause) {
        super(message, cause);
    }
}
