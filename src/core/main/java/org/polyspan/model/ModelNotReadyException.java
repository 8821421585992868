package org.polyspan.model;

/**
 * A model is still loading and did not become ready within the wait allowed to a caller. Retryable: the same call
 * succeeds once the load finishes.
 */
public final class ModelNotReadyException extends RuntimeException {
    public ModelNotReadyException(String message) {
        super(message);
    }
}
