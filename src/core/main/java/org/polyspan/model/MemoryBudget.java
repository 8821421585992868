package org.polyspan.model;

/**
 * The bytes of loaded models on a node against {@code polyspan.models.max_bytes}. A load reserves its bytes before it
 * starts and gives them back when the copy is closed, so a reloaded model's old copy counts until its last lease is
 * released: both copies are in memory until then.
 */
final class MemoryBudget {
    /** No limit. */
    static final long UNLIMITED = -1;

    private final long limit;
    private long reserved;

    MemoryBudget(long limit) {
        this.limit = limit;
    }

    synchronized void reserve(String id, long bytes) {
        if (limit >= 0 && reserved + bytes > limit) {
            throw new ModelMemoryLimitException(id, bytes, reserved, limit);
        }
        reserved += bytes;
    }

    synchronized void free(long bytes) {
        reserved -= bytes;
    }

    synchronized long reserved() {
        return reserved;
    }

    long limit() {
        return limit;
    }
}
