package org.polyspan.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

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
    /** The self-check of the copy in service; null for models without one (translation) or none in service. */
    SelfCheckResult check;
    /** The last load's failed self-check and the signature of the files it ran on; cleared by a good load. */
    ModelCheckFailedException checkFailure;
    private String checkFailureSignature;
    private Path checkFailureDir;
    /** Copies out of service but not yet closed, because a lease is still open on them. */
    final Set<SharedModel> retired = ConcurrentHashMap.newKeySet();

    ModelSlot(String id) {
        this.id = id;
    }

    /** Puts {@code loaded} in service; returns the copy it replaces (to be retired by the caller), or null. */
    synchronized SharedModel install(SharedModel loaded, SelfCheckResult passed) {
        SharedModel old = current;
        current = loaded;
        check = passed;
        checkFailure = null;
        checkFailureSignature = null;
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

    /** Records a load whose self-check failed on files with {@code signature}. */
    synchronized void checkFailed(ModelCheckFailedException failure, Path dir, String signature) {
        checkFailure = failure;
        checkFailureDir = dir;
        checkFailureSignature = signature;
    }

    /**
     * Throws the recorded self-check failure while the model's files are those it failed on and no copy is in service;
     * changed files are loaded and checked again.
     */
    void throwIfCheckFailed() throws ModelCheckFailedException {
        ModelCheckFailedException failure;
        String signature;
        Path dir;
        synchronized (this) {
            failure = checkFailure;
            signature = checkFailureSignature;
            dir = checkFailureDir;
        }
        if (failure != null && current == null && signature.equals(signature(dir))) {
            throw new ModelCheckFailedException(failure);
        }
    }

    /** Names, sizes and modification times of the files of a model directory: what changes when they are replaced. */
    static String signature(Path dir) {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> files = Files.walk(dir, 2)) {
            files.filter(Files::isRegularFile).sorted().forEach(f -> {
                try {
                    sb.append(dir.relativize(f)).append(' ').append(Files.size(f)).append(' ')
                            .append(Files.getLastModifiedTime(f).toMillis()).append('\n');
                } catch (IOException e) {
                    sb.append(f).append(" unreadable\n");
                }
            });
        } catch (IOException | UncheckedIOException e) {
            sb.append("unlistable: ").append(e.getMessage());
        }
        return sb.toString();
    }

    /** Takes the copy in service out of service; returns it (to be retired by the caller), or null. */
    synchronized SharedModel remove() {
        SharedModel old = current;
        current = null;
        check = null;
        // files that failed their check stay refused until they change: say so rather than "not loaded"
        state = checkFailure != null ? ModelState.FAILED : ModelState.NOT_LOADED;
        error = checkFailure != null ? checkFailure.getMessage() : null;
        if (old != null) {
            retired.add(old);
        }
        return old;
    }
}
