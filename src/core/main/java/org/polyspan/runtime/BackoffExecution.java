package org.polyspan.runtime;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Runs work on a bounded pool and waits for it, for a background job: while the pool's queue is full the call waits
 * and tries again (50 ms, doubling up to 5 s), so the job yields to ingest instead of failing its batch. It gives up
 * when the job is cancelled or the pool shuts down. The work's exceptions come back as they were, other throwables as
 * exceptions, and the JVM's fatal errors propagate ({@link Inference#isFatal}).
 */
public final class BackoffExecution {
    private static final long FIRST_BACKOFF_MILLIS = 50;
    private static final long MAX_BACKOFF_MILLIS = 5_000;

    private BackoffExecution() {}

    /**
     * @param shutdown whether a rejection comes from a pool that shuts down (the engine's rejection type says so)
     */
    public static <T> T call(Executor pool, BooleanSupplier cancelled, Predicate<RejectedExecutionException> shutdown,
                             Callable<T> work) throws Exception {
        long backoff = FIRST_BACKOFF_MILLIS;
        while (true) {
            CompletableFuture<T> result = new CompletableFuture<>();
            try {
                pool.execute(() -> {
                    try {
                        result.complete(Inference.call(work));
                    } catch (Throwable t) {
                        result.completeExceptionally(t);
                        if (Inference.isFatal(t)) {
                            throw (Error) t; // the JVM's own errors reach the pool thread too, so the engine stops the node
                        }
                    }
                });
            } catch (RejectedExecutionException e) {
                if (shutdown.test(e) || cancelled.getAsBoolean()) {
                    throw e;
                }
                Thread.sleep(backoff);
                backoff = Math.min(2 * backoff, MAX_BACKOFF_MILLIS);
                continue;
            }
            try {
                return result.get();
            } catch (ExecutionException e) {
                throw Inference.asException("inference failed", e.getCause()); // a fatal error is rethrown here as well
            }
        }
    }
}
