package org.polyspan.model;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The right to use one loaded copy of a model until {@link #close()}. While any lease is open the copy stays open, even
 * when {@code _reload} or {@code _unload} has taken it out of service; the last lease to close frees its native
 * resources. Take one per inference call (or per job) in a try-with-resources block.
 */
public final class ModelLease<M> implements AutoCloseable {
    private final SharedModel owner;
    private final M model;
    private final AtomicBoolean released = new AtomicBoolean();

    ModelLease(SharedModel owner, M model) {
        this.owner = owner;
        this.model = model;
    }

    /** The leased model; not to be kept after {@link #close()}. */
    public M model() {
        if (released.get()) {
            throw new IllegalStateException("lease on model [" + owner.id() + "] was already released");
        }
        return model;
    }

    /** Releases the lease; a second call does nothing. */
    @Override
    public void close() {
        if (released.compareAndSet(false, true)) {
            owner.release();
        }
    }
}
