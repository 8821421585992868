package org.polyspan.runtime;

import org.junit.jupiter.api.Test;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A background job's model work on a full pool: it waits and tries again, unless the job is cancelled or the pool shuts down. */
class BackoffExecutionTest {

    /** Rejects the first {@code rejections} tasks, then runs them on a new thread. */
    private static Executor fullFor(int rejections, AtomicInteger attempts) {
        return task -> {
            if (attempts.incrementAndGet() <= rejections) {
                throw new RejectedExecutionException("queue full");
            }
            new Thread(task).start();
        };
    }

    @Test
    void retriesWhileThePoolIsFullAndReturnsTheResult() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        assertEquals("done", BackoffExecution.call(fullFor(2, attempts), () -> false, e -> false, () -> "done"));
        assertEquals(3, attempts.get());
    }

    @Test
    void givesUpWhenCancelledOrWhenThePoolShutsDown() {
        AtomicInteger attempts = new AtomicInteger();
        assertThrows(RejectedExecutionException.class,
                () -> BackoffExecution.call(fullFor(5, attempts), () -> true, e -> false, () -> "never"));
        assertEquals(1, attempts.get());
        AtomicInteger again = new AtomicInteger();
        assertThrows(RejectedExecutionException.class,
                () -> BackoffExecution.call(fullFor(5, again), () -> false, e -> true, () -> "never"));
        assertEquals(1, again.get());
    }

    @Test
    void theWorksOwnFailureComesBackAsIs() {
        IllegalArgumentException thrown = new IllegalArgumentException("bad pair");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BackoffExecution.call(fullFor(0, new AtomicInteger()), () -> false, r -> false, () -> {
                    throw thrown;
                }));
        assertSame(thrown, e);
    }

    @Test
    void otherThrowablesComeBackAsExceptionsAndTheJvmsFatalErrorsPropagate() throws Exception {
        IllegalStateException soe = assertThrows(IllegalStateException.class,
                () -> BackoffExecution.call(fullFor(0, new AtomicInteger()), () -> false, r -> false, () -> {
                    throw new StackOverflowError();
                }));
        assertTrue(soe.getCause() instanceof StackOverflowError);

        AtomicReference<Thread> poolThread = new AtomicReference<>();
        AtomicReference<Throwable> uncaught = new AtomicReference<>();
        Executor pool = task -> {
            Thread t = new Thread(task);
            t.setUncaughtExceptionHandler((thread, e) -> uncaught.set(e));
            poolThread.set(t);
            t.start();
        };
        OutOfMemoryError oom = new OutOfMemoryError("scripted");
        assertSame(oom, assertThrows(OutOfMemoryError.class, () -> BackoffExecution.call(pool, () -> false, r -> false, () -> {
            throw oom;
        })));
        poolThread.get().join(10_000);
        assertSame(oom, uncaught.get(), "the pool thread sees the fatal error too, so the engine stops the node");
    }
}
