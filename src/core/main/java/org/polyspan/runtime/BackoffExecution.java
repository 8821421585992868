package org.polyspan.runtime;

import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Runs work on a bounded pool and waits for it, for a background job: while the pool's queue is full the call waits
 * and tries again (50 ms, doubling up to 5 s), so the job yields to ingest instead of failing its batch. A cancelled job
 * stops waiting at once (a {@link CancellationException}, also when its work is queued: the work then skips itself), and
 * a pool that shuts down ends the wait with its rejection. The work's exceptions come back as they were, other
 * throwables as exceptions, and the JVM's fatal errors propagate ({@link Inference#isFatal}).
 */
public final class BackoffExecution {
    private static final long FIRST_BACKOFF_MILLIS = 50;
    private static final long MAX_BACKOFF_MILLIS = 5_000;
    /** How often a wait for queued or running work looks at the job's cancellation and the pool's state. */
    private static final long POLL_MILLIS = 200;

    private BackoffExecution() {}

    /**
     * @param shutdown whether a rejection comes from a pool that shuts down (the engine's rejection type says so)
     * @throws CancellationException when the job was cancelled before its work finished
     * @throws InterruptedException when the calling thread was interrupted (its flag is set again)
     */
    public static <T> T call(Executor pool, BooleanSupplier cancelled, Predicate<RejectedExecutionException> shutdown,
                             Callable<T> work) throws Exception {
        long backoff = FIRST_BACKOFF_MILLIS;
        while (true) {
            checkCancelled(cancelled);
            CompletableFuture<T> result = new CompletableFuture<>();
            try {
                pool.execute(() -> run(work, cancelled, result));
            } catch (RejectedExecutionException e) {
                if (shutdown.test(e)) {
                    throw e;
                }
                checkCancelled(cancelled);
                sleep(backoff);
                backoff = Math.min(2 * backoff, MAX_BACKOFF_MILLIS);
                continue;
            }
            return await(pool, cancelled, result);
        }
    }

    private static <T> void run(Callable<T> work, BooleanSupplier cancelled, CompletableFuture<T> result) {
        if (cancelled.getAsBoolean()) {
            result.completeExceptionally(new CancellationException("the job was cancelled before its work ran"));
            return; // queued work of a cancelled job does not hold the inference pool
        }
        try {
            result.complete(Inference.call(work));
        } catch (Throwable t) {
            result.completeExceptionally(t);
            if (Inference.isFatal(t)) {
                throw (Error) t; // the JVM's own errors reach the pool thread too, so the engine stops the node
            }
        }
    }

    /** Waits for the work, looking at the job's cancellation and at the pool between polls. */
    private static <T> T await(Executor pool, BooleanSupplier cancelled, CompletableFuture<T> result) throws Exception {
        while (true) {
            try {
                return result.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw Inference.asException("inference failed", e.getCause()); // a fatal error is rethrown here as well
            } catch (TimeoutException e) {
                checkCancelled(cancelled);
                if (pool instanceof ExecutorService service && service.isTerminated() && !result.isDone()) {
                    throw new RejectedExecutionException("the pool shut down before the work ran");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw e;
            }
        }
    }

    private static void checkCancelled(BooleanSupplier cancelled) {
        if (cancelled.getAsBoolean()) {
            throw new CancellationException("the job was cancelled");
        }
    }

    private static void sleep(long millis) throws InterruptedException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw e;
        }
    }
}
