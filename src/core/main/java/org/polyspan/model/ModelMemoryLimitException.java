package org.polyspan.model;

/**
 * Loading a model would take the node's loaded models over {@code polyspan.models.max_bytes}. Nothing is evicted to make
 * room: unload a model, or raise the limit. Retryable once memory is given back (e.g. a reloaded model's old copy is
 * closed when its last lease is released).
 */
public final class ModelMemoryLimitException extends RuntimeException {
    private final long requested;
    private final long inUse;
    private final long limit;

    public ModelMemoryLimitException(String id, long requested, long inUse, long limit) {
        super("loading model [" + id + "] needs " + requested + " bytes but " + inUse + " of the node's " + limit
                + " bytes (polyspan.models.max_bytes) are taken by loaded models; unload a model "
                + "(the models API's _unload) or raise polyspan.models.max_bytes");
        this.requested = requested;
        this.inUse = inUse;
        this.limit = limit;
    }

    public long requested() {
        return requested;
    }

    public long inUse() {
        return inUse;
    }

    public long limit() {
        return limit;
    }
}
