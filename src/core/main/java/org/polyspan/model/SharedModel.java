package org.polyspan.model;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One loaded copy of a model with a reference count: one reference for the repository while the copy is in service,
 * plus one per open {@link ModelLease}. The copy is closed when the count reaches zero, so taking it out of service
 * ({@link #retire()}) never closes it under a caller that still runs it.
 */
final class SharedModel {
    private final String id;
    private final AutoCloseable model;
    private final long bytes;
    private final long loadMillis;
    private final Consumer<SharedModel> onClosed;
    private final AtomicInteger references = new AtomicInteger(1);
    private final AtomicBoolean retired = new AtomicBoolean();
    private final long loadedAt = System.currentTimeMillis();
    private volatile boolean closed;

    /** {@code onClosed} runs once, after the model is closed (e.g. to give its bytes back to the memory budget). */
    SharedModel(String id, AutoCloseable model, long bytes, long loadMillis, Consumer<SharedModel> onClosed) {
        this.id = id;
        this.model = model;
        this.bytes = bytes;
        this.loadMillis = loadMillis;
        this.onClosed = onClosed;
    }

    String id() {
        return id;
    }

    AutoCloseable model() {
        return model;
    }

    long bytes() {
        return bytes;
    }

    long loadMillis() {
        return loadMillis;
    }

    long loadedAt() {
        return loadedAt;
    }

    /** A lease on the copy, or null when it was closed meanwhile (the caller then looks up the copy now in service). */
    <M> ModelLease<M> tryLease(Class<M> type) {
        while (true) {
            int n = references.get();
            if (n == 0) {
                return null;
            }
            if (references.compareAndSet(n, n + 1)) {
                return new ModelLease<>(this, type.cast(model));
            }
        }
    }

    /** Takes the copy out of service: it closes now if nobody leases it, otherwise when the last lease is released. */
    void retire() {
        if (retired.compareAndSet(false, true)) {
            release();
        }
    }

    void release() {
        int n = references.decrementAndGet();
        if (n == 0) {
            closeNow();
        } else if (n < 0) {
            throw new IllegalStateException("model [" + id + "] released more often than leased");
        }
    }

    /** Open leases (the repository's own reference not counted). */
    int leases() {
        return Math.max(0, references.get() - (retired.get() ? 0 : 1));
    }

    boolean isClosed() {
        return closed;
    }

    private void closeNow() {
        closed = true;
        try {
            model.close();
        } catch (Exception e) {
            // the native resources are gone or leaked either way; nothing a caller could do about it
            System.getLogger(SharedModel.class.getName()).log(System.Logger.Level.WARNING, "closing model [" + id + "] failed", e);
        } finally {
            onClosed.accept(this);
        }
    }
}
