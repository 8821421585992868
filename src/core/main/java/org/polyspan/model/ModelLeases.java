package org.polyspan.model;

import java.util.ArrayList;
import java.util.List;

/** Leases taken for one request or job and released together when it ends, e.g. the encoder and a translation model. */
public final class ModelLeases implements AutoCloseable {
    private final List<ModelLease<?>> leases = new ArrayList<>();

    /** Keeps {@code lease} until {@link #close()} and returns its model. */
    public synchronized <M> M hold(ModelLease<M> lease) {
        leases.add(lease);
        return lease.model();
    }

    @Override
    public synchronized void close() {
        leases.forEach(ModelLease::close);
        leases.clear();
    }
}
