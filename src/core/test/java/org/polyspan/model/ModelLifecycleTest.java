package org.polyspan.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.polyspan.TinyModels;
import org.polyspan.labeling.Document;
import org.polyspan.onnx.OnnxWindowEncoder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Leases, atomic reloads, unloads, background loads and the memory limit, on the tiny fixture models. */
class ModelLifecycleTest {
    private static final String TEXT = "Angela Merkel met Barack Obama in Berlin.";

    @TempDir
    Path tmp;

    private static List<String> tags(LabelingModel model) {
        return model.label(List.of(Document.of(TEXT)), List.of()).get("ner").get(0).tagNames();
    }

    @Test
    void aLeaseHeldAcrossAReloadKeepsTheOldCopyOpenUntilReleased() throws Exception {
        try (ModelRepository repo = new ModelRepository(TinyModels.root(), OnnxWindowEncoder.Device.CPU, 1)) {
            long oneCopy;
            ModelLease<LabelingModel> old = repo.lease(TinyModels.HEADS);
            List<String> expected = tags(old.model());
            oneCopy = repo.loadedBytes();
            assertTrue(oneCopy > 0);

            repo.reload(TinyModels.HEADS);
            // out of service but leased: still open and still labels, and both copies count against memory
            assertEquals(expected, tags(old.model()));
            assertEquals(2 * oneCopy, repo.loadedBytes());
            assertEquals(1, repo.status(TinyModels.HEADS).get("retired_copies_in_use"));
            try (ModelLease<LabelingModel> fresh = repo.lease(TinyModels.HEADS)) {
                assertNotSame(old.model(), fresh.model());
                assertEquals(expected, tags(fresh.model()));
            }

            old.close();
            old.close(); // a second release does nothing
            assertEquals(oneCopy, repo.loadedBytes());
            assertNull(repo.status(TinyModels.HEADS).get("retired_copies_in_use"));
            assertThrows(IllegalStateException.class, old::model);
        }
    }

    @Test
    void threadsLabellingWhileAnotherReloadsInALoopNeverRunAClosedModel() throws Exception {
        ExecutorService loads = Executors.newSingleThreadExecutor();
        try (ModelRepository repo = new ModelRepository(TinyModels.root(), OnnxWindowEncoder.Device.CPU, 1, loads,
                Duration.ofSeconds(60), -1)) {
            List<String> expected;
            try (ModelLease<LabelingModel> lease = repo.lease(TinyModels.HEADS)) {
                expected = tags(lease.model());
            }
            long oneCopy = repo.loadedBytes();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger labelled = new AtomicInteger();
            AtomicInteger reloads = new AtomicInteger();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                threads.add(new Thread(() -> {
                    while (!stop.get() && failure.get() == null) {
                        try (ModelLease<LabelingModel> lease = repo.lease(TinyModels.HEADS)) {
                            assertEquals(expected, tags(lease.model()));
                            labelled.incrementAndGet();
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                        }
                    }
                }));
            }
            threads.add(new Thread(() -> {
                while (!stop.get() && failure.get() == null) {
                    try {
                        repo.reload(TinyModels.HEADS);
                        reloads.incrementAndGet();
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }
            }));
            threads.forEach(Thread::start);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
            while (System.nanoTime() < end && failure.get() == null && (reloads.get() < 30 || labelled.get() < 200)) {
                Thread.sleep(20);
            }
            stop.set(true);
            for (Thread t : threads) {
                t.join(30_000);
            }
            if (failure.get() != null) {
                throw new AssertionError("after " + reloads.get() + " reloads and " + labelled.get() + " labelled texts", failure.get());
            }
            assertTrue(reloads.get() >= 5, "reloads: " + reloads.get());
            assertTrue(labelled.get() >= 20, "labelled: " + labelled.get());
            // every old copy was closed once its last lease was released
            assertEquals(oneCopy, repo.loadedBytes());
            assertNull(repo.status(TinyModels.HEADS).get("retired_copies_in_use"));
        } finally {
            loads.shutdownNow();
        }
    }

    @Test
    void unloadFreesTheModelWhenTheLastLeaseIsReleasedAndTheNextCallLoadsItAgain() throws Exception {
        try (ModelRepository repo = new ModelRepository(TinyModels.root(), OnnxWindowEncoder.Device.CPU, 1)) {
            ModelLease<LabelingModel> lease = repo.lease(TinyModels.HEADS);
            List<String> expected = tags(lease.model());
            Map<String, Object> unloaded = repo.unload(TinyModels.HEADS);
            assertEquals("not_loaded", unloaded.get("state"));
            assertEquals(true, unloaded.get("was_loaded"));
            assertEquals(1, unloaded.get("leases_at_unload"));
            assertEquals(expected, tags(lease.model()));
            assertTrue(repo.loadedBytes() > 0);
            lease.close();
            assertEquals(0, repo.loadedBytes());
            assertEquals("not_loaded", repo.status(TinyModels.HEADS).get("state"));
            assertEquals(false, repo.unload(TinyModels.HEADS).get("was_loaded"));

            try (ModelLease<LabelingModel> again = repo.lease(TinyModels.HEADS)) {
                assertNotSame(lease, again);
                assertEquals(expected, tags(again.model()));
            }
            assertEquals("loaded", repo.status(TinyModels.HEADS).get("state"));
        }
    }

    @Test
    void aCallerWaitsForABackgroundLoadAtMostTheLoadWaitThenGetsARetryableError() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        // loads wait behind the gate, as behind a large model loading
        java.util.concurrent.Executor gated = command -> pool.execute(() -> {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            command.run();
        });
        try (ModelRepository repo = new ModelRepository(TinyModels.root(), OnnxWindowEncoder.Device.CPU, 1, gated,
                Duration.ofMillis(300), -1)) {
            Future<?> load = repo.loadInBackground(TinyModels.HEADS);
            assertFalse(load.isDone());
            assertEquals("loading", repo.status(TinyModels.HEADS).get("state"));
            assertSame(load, repo.loadInBackground(TinyModels.HEADS)); // one load, however many ask

            long t0 = System.nanoTime();
            ModelNotReadyException e = assertThrows(ModelNotReadyException.class, () -> repo.lease(TinyModels.HEADS));
            long waitedMs = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(waitedMs >= 250 && waitedMs < 10_000, "waited " + waitedMs + " ms");
            assertTrue(e.getMessage().contains("still loading"), e.getMessage());

            gate.countDown();
            load.get(60, TimeUnit.SECONDS);
            try (ModelLease<LabelingModel> lease = repo.lease(TinyModels.HEADS)) {
                assertEquals(8, tags(lease.model()).size());
            }
            assertEquals("loaded", repo.status(TinyModels.HEADS).get("state"));
        } finally {
            gate.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void aLoadTheExecutorFailsToQueueFailsAndTheNextCallLoadsAgain() {
        AtomicInteger calls = new AtomicInteger();
        java.util.concurrent.Executor failsOnce = command -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("executor broken");
            }
            command.run();
        };
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (ModelRepository repo = new ModelRepository(TinyModels.root(), OnnxWindowEncoder.Device.CPU, 1, failsOnce,
                    Duration.ofSeconds(30), -1)) {
                Future<?> load = repo.loadInBackground(TinyModels.HF);
                assertTrue(load.isDone(), "a load that was never queued is over");
                java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class, load::get);
                assertTrue(e.getCause().getMessage().contains("executor broken"), String.valueOf(e.getCause()));
                assertEquals("failed", repo.status(TinyModels.HF).get("state"));
                assertEquals(false, repo.unload(TinyModels.HF).get("was_loaded"));
                repo.lease(TinyModels.HF).close();
                assertEquals("loaded", repo.status(TinyModels.HF).get("state"));
            }
        });
    }

    @Test
    void unloadAndReloadWaitForALoadAtMostTenLoadWaits() throws Exception {
        java.util.concurrent.BlockingQueue<Runnable> queued = new java.util.concurrent.LinkedBlockingQueue<>();
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            // loads are queued and never run, as behind a load that hangs
            try (ModelRepository repo = new ModelRepository(TinyModels.root(), OnnxWindowEncoder.Device.CPU, 1, queued::add,
                    Duration.ofMillis(200), -1)) {
                repo.loadInBackground(TinyModels.HF);
                ModelNotReadyException unload = assertThrows(ModelNotReadyException.class, () -> repo.unload(TinyModels.HF));
                assertTrue(unload.getMessage().contains("still loading"), unload.getMessage());
                ModelNotReadyException reload = assertThrows(ModelNotReadyException.class, () -> repo.reload(TinyModels.HF));
                assertTrue(reload.getMessage().contains("still reloading"), reload.getMessage());
                // once the load runs, both go through
                while (!queued.isEmpty()) {
                    queued.take().run();
                }
                assertEquals(true, repo.unload(TinyModels.HF).get("was_loaded"));
            }
        });
    }

    @Test
    void aLoadInFlightAtCloseClosesItsCopyAndNoLoadStartsAfterClose() throws Exception {
        java.util.concurrent.BlockingQueue<Runnable> queued = new java.util.concurrent.LinkedBlockingQueue<>();
        ModelRepository repo = new ModelRepository(TinyModels.root(), OnnxWindowEncoder.Device.CPU, 1, queued::add,
                Duration.ofSeconds(5), -1);
        int sessions = org.polyspan.onnx.OnnxSessions.openSessions();
        Future<?> load = repo.loadInBackground(TinyModels.HF);
        repo.close();
        queued.take().run(); // the load pool runs it after the repository was closed
        java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class, load::get);
        assertTrue(e.getCause().getMessage().contains("is closed"), String.valueOf(e.getCause()));
        assertEquals(0, repo.loadedBytes());
        assertEquals(sessions, org.polyspan.onnx.OnnxSessions.openSessions());
        assertEquals("failed", repo.status(TinyModels.HF).get("state"));

        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> repo.lease(TinyModels.HF));
        assertTrue(refused.getMessage().contains("is closed"), refused.getMessage());
        assertTrue(queued.isEmpty(), "no load was started after close");
    }

    @Test
    void aCallerInterruptedWhileWaitingForALoadFailsAndKeepsItsInterrupt() throws Exception {
        java.util.concurrent.BlockingQueue<Runnable> queued = new java.util.concurrent.LinkedBlockingQueue<>();
        try (ModelRepository repo = new ModelRepository(TinyModels.root(), OnnxWindowEncoder.Device.CPU, 1, queued::add,
                Duration.ofSeconds(30), -1)) {
            repo.loadInBackground(TinyModels.HF);
            List<org.junit.jupiter.api.function.Executable> waits = List.of(() -> repo.lease(TinyModels.HF),
                    () -> repo.unload(TinyModels.HF), () -> repo.reload(TinyModels.HF));
            for (org.junit.jupiter.api.function.Executable wait : waits) {
                Thread.currentThread().interrupt();
                try {
                    assertThrows(InterruptedException.class, wait);
                } finally {
                    assertTrue(Thread.interrupted(), "the interrupt is kept for the thread's owner");
                }
            }
            while (!queued.isEmpty()) {
                queued.take().run();
            }
        }
    }

    @Test
    void aFailedReloadLeavesTheOldCopyInService() throws Exception {
        Path root = tmp.resolve("root");
        Path dir = TinyModels.copy(TinyModels.HEADS, root.resolve("m"));
        try (ModelRepository repo = new ModelRepository(root, OnnxWindowEncoder.Device.CPU, 1)) {
            LabelingModel before;
            try (ModelLease<LabelingModel> lease = repo.lease("m")) {
                before = lease.model();
            }
            Files.writeString(dir.resolve("heads/ner.bin"), "truncated");
            ModelFilesException e = assertThrows(ModelFilesException.class, () -> repo.reload("m"));
            assertTrue(e.getMessage().contains("ner.bin has 9 bytes"), e.getMessage());
            Map<String, Object> status = repo.status("m");
            assertEquals("loaded", status.get("state"));
            assertTrue(String.valueOf(status.get("error")).contains("ner.bin"), status.toString());
            try (ModelLease<LabelingModel> lease = repo.lease("m")) {
                assertSame(before, lease.model());
                assertEquals(8, tags(lease.model()).size());
            }
        }
    }

    @Test
    void aLoadedModelWhoseDirectoryWasRemovedIsStillShownAndCanBeUnloaded() throws Exception {
        Path root = tmp.resolve("root");
        Path dir = TinyModels.copy(TinyModels.HF, root.resolve("m"));
        try (ModelRepository repo = new ModelRepository(root, OnnxWindowEncoder.Device.CPU, 1)) {
            repo.lease("m").close();
            long bytes = repo.loadedBytes();
            assertTrue(bytes > 0);
            deleteTree(dir);

            // still in service and shown, as it still takes memory
            assertEquals(1, repo.describe().size());
            assertEquals("loaded", repo.describe().get(0).get("state"));
            assertTrue(repo.selfChecks().containsKey("m"));
            assertTrue(repo.isLoaded("m"));

            // a reload cannot read the files: it fails and says so, and the copy stays in service
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> repo.reload("m"));
            assertTrue(e.getMessage().contains("was removed"), e.getMessage());
            assertEquals(bytes, repo.loadedBytes());
            assertEquals("loaded", repo.status("m").get("state"));

            Map<String, Object> unloaded = repo.unload("m");
            assertEquals(true, unloaded.get("was_loaded"));
            assertEquals(0, repo.loadedBytes());
            assertFalse(repo.isLoaded("m"));
            assertTrue(repo.describe().isEmpty());
            // gone for good now: an unknown model
            assertThrows(IllegalArgumentException.class, () -> repo.unload("m"));
        }
    }

    private static void deleteTree(Path dir) throws Exception {
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void aLoadOverTheMemoryLimitFailsWithTheNumbersAndEvictsNothing() throws Exception {
        long modelBytes = ModelFiles.read(TinyModels.HEADS, TinyModels.root().resolve(TinyModels.HEADS)).bytes();
        long hfBytes = ModelFiles.read(TinyModels.HF, TinyModels.root().resolve(TinyModels.HF)).bytes();
        try (ModelRepository repo = new ModelRepository(TinyModels.root(), OnnxWindowEncoder.Device.CPU, 1, Runnable::run,
                Duration.ofSeconds(60), modelBytes + hfBytes - 1)) {
            repo.lease(TinyModels.HEADS).close();
            assertEquals(modelBytes, repo.loadedBytes());

            ModelMemoryLimitException over = assertThrows(ModelMemoryLimitException.class, () -> repo.lease(TinyModels.HF));
            assertEquals(hfBytes, over.requested());
            assertEquals(modelBytes, over.inUse());
            assertEquals(modelBytes + hfBytes - 1, over.limit());
            assertTrue(over.getMessage().contains(hfBytes + " bytes") && over.getMessage().contains("polyspan.models.max_bytes"),
                    over.getMessage());
            assertEquals("failed", repo.status(TinyModels.HF).get("state"));
            // nothing was evicted to make room
            assertEquals("loaded", repo.status(TinyModels.HEADS).get("state"));
            assertEquals(modelBytes, repo.loadedBytes());

            // a reload needs room for both copies until the old one is closed
            assertThrows(ModelMemoryLimitException.class, () -> repo.reload(TinyModels.HEADS));
            assertEquals("loaded", repo.status(TinyModels.HEADS).get("state"));

            repo.unload(TinyModels.HEADS);
            assertEquals(0, repo.loadedBytes());
            repo.lease(TinyModels.HF).close();
            assertEquals(hfBytes, repo.loadedBytes());
            assertEquals(hfBytes, repo.maxBytes() - modelBytes + 1);
        }
    }
}
