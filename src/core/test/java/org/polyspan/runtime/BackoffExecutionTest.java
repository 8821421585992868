package org.polyspan.runtime;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A background job's model work on a full pool: it waits and tries again, unless the job is cancelled or the pool shuts
 * down; a cancelled job also stops waiting for work already queued.
 */
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
        // cancelled once the first try found the queue full
        assertThrows(CancellationException.class,
                () -> BackoffExecution.call(fullFor(5, attempts), () -> attempts.get() > 0, e -> false, () -> "never"));
        assertEquals(1, attempts.get());
        AtomicInteger none = new AtomicInteger();
        assertThrows(CancellationException.class, () -> BackoffExecution.call(fullFor(5, none), () -> true, e -> false, () -> "never"));
        assertEquals(0, none.get(), "a cancelled job sends nothing");
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

    @Test
    void aCancelledJobStopsWaitingForQueuedWorkWhichThenSkipsItself() throws Exception {
        ExecutorService busy = Executors.newSingleThreadExecutor();
        CountDownLatch release = new CountDownLatch(1);
        try {
            busy.execute(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            AtomicBoolean cancelled = new AtomicBoolean();
            AtomicInteger ran = new AtomicInteger();
            ExecutorService job = Executors.newSingleThreadExecutor();
            Future<Object> waiting = job.submit(() -> BackoffExecution.call(busy, cancelled::get, e -> false, ran::incrementAndGet));
            Thread.sleep(300);
            assertFalse(waiting.isDone(), "queued behind the busy thread");
            cancelled.set(true);
            ExecutionException e = assertThrows(ExecutionException.class, () -> waiting.get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof CancellationException, e.getCause().toString());
            release.countDown();
            busy.submit(() -> null).get(10, TimeUnit.SECONDS);
            assertEquals(0, ran.get(), "the queued work of a cancelled job skipped itself");
            job.shutdown();
        } finally {
            release.countDown();
            busy.shutdownNow();
        }
    }

    @Test
    void aPoolThatDropsTheQueuedWorkEndsTheWait() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        CountDownLatch started = new CountDownLatch(1);
        pool.execute(() -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        started.await();
        ExecutorService job = Executors.newSingleThreadExecutor();
        try {
            Future<Object> waiting = job.submit(() -> BackoffExecution.call(pool, () -> false, e -> false, () -> "never"));
            Thread.sleep(300);
            pool.shutdownNow(); // drops the queued work: it will never run
            ExecutionException e = assertThrows(ExecutionException.class, () -> waiting.get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof RejectedExecutionException, e.getCause().toString());
        } finally {
            job.shutdownNow();
        }
    }

    @Test
    void anInterruptedWaitKeepsTheInterrupt() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Object> outcome = new AtomicReference<>();
        try {
            Thread waiter = new Thread(() -> {
                try {
                    BackoffExecution.call(pool, () -> false, e -> false, () -> {
                        release.await();
                        return "late";
                    });
                    outcome.set("returned");
                } catch (InterruptedException e) {
                    outcome.set(Thread.currentThread().isInterrupted() ? "interrupted, flag kept" : "interrupted, flag lost");
                } catch (Exception e) {
                    outcome.set(e);
                }
            });
            waiter.start();
            Thread.sleep(300);
            waiter.interrupt();
            waiter.join(10_000);
            assertEquals("interrupted, flag kept", outcome.get());
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }
}
