package org.polyspan.model;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The lifecycle of one model id on this node: the copy in service, the load in flight, the state and last error, and
 * the copies taken out of service that callers still lease. Fields are guarded by the slot's monitor; {@link #current}
 * is also read without it on the fast path of a lease.
 */
final class ModelSlot {
    final String id;
    volatile SharedModel current;
    ModelState state = ModelState.NOT_LOADED;
    String error;
    CompletableFuture<SharedModel> loading;
    /** Copies out of service but not yet closed, because a lease is still open on them. */
    final Set<SharedModel> retired = ConcurrentHashMap.newKeySet();

    ModelSlot(String id) {
        this.id = id;
    }

    /** Puts {@code loaded} in service; returns the copy it replaces (to be retired by the caller), or null. */
    synchronized SharedModel install(SharedModel loaded) {
        SharedModel old = current;
        current = loaded;
        state = ModelState.LOADED;
        error = null;
        loading = null;
        if (old != null) {
            retired.add(old);
        }
        return old;
    }

    /** Records a failed load; a copy already in service stays in service. */
    synchronized void failed(String message) {
        loading = null;
        error = message;
        state = current != null ? ModelState.LOADED : ModelState.FAILED;
    }

    /** Takes the copy in service out of service; returns it (to be retired by the caller), or null. */
    synchronized SharedModel remove() {
        SharedModel old = current;
        current = null;
        state = ModelState.NOT_LOADED;
        error = null;
        if (old != null) {
            retired.add(old);
        }
        return old;
    }
}
