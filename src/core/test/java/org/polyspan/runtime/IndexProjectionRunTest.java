package org.polyspan.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.polyspan.TinyModelRepository;
import org.polyspan.TinyModels;
import org.polyspan.projection.IndexProjectionSpec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code _project/index} loop against an in-memory index, with the tiny model projecting for real. */
class IndexProjectionRunTest {
    private static final int DOCS = 7;
    @RegisterExtension
    static final TinyModelRepository MODELS = new TinyModelRepository();

    /**
     * An index as the loop sees it through the client: source documents, written documents per destination index
     * ({@code dest}: those of {@code dst}), and what was called.
     */
    static class MemoryIndex implements IndexProjectionRun.IndexClient {
        final Map<String, Map<String, Object>> source = new LinkedHashMap<>();
        final Map<String, Map<String, Map<String, Object>>> written = new TreeMap<>();
        final Map<String, Map<String, Object>> dest = destination("dst");
        final List<String> calls = new ArrayList<>();
        final Set<String> existing = new HashSet<>();
        Map<String, Object> mappings;
        private final Map<String, List<List<String>>> scrolls = new LinkedHashMap<>();
        private int scrollIds;
        RuntimeException failBulk;

        @Override
        public IndexProjectionRun.Page search(String index, Map<String, Object> query, int size, int sliceId, int sliceMax) {
            List<String> ids = new ArrayList<>();
            for (String id : source.keySet()) {
                if (sliceMax <= 1 || Math.floorMod(id.hashCode(), sliceMax) == sliceId) {
                    ids.add(id);
                }
            }
            List<List<String>> pages = new ArrayList<>();
            for (int from = 0; from < ids.size(); from += size) {
                pages.add(ids.subList(from, Math.min(ids.size(), from + size)));
            }
            pages.add(List.of());
            String scrollId = "scroll-" + scrollIds++;
            scrolls.put(scrollId, pages);
            calls.add("search");
            return next(scrollId, ids.size());
        }

        @Override
        public IndexProjectionRun.Page scroll(String scrollId) {
            return next(scrollId, -1);
        }

        private IndexProjectionRun.Page next(String scrollId, long total) {
            List<IndexProjectionBatch.Source> hits = new ArrayList<>();
            for (String id : scrolls.get(scrollId).remove(0)) {
                hits.add(new IndexProjectionBatch.Source(id, source.get(id)));
            }
            return new IndexProjectionRun.Page(hits, total, scrollId);
        }

        @Override
        public void clearScroll(String scrollId) {
            scrolls.remove(scrollId);
            calls.add("clear");
        }

        Map<String, Map<String, Object>> destination(String index) {
            return written.computeIfAbsent(index, k -> new TreeMap<>());
        }

        @Override
        public boolean indexExists(String index) {
            return existing.contains(index);
        }

        @Override
        public void createIndex(String index, Map<String, Object> settings, Map<String, Object> mappings) {
            this.mappings = mappings;
            existing.add(index);
            calls.add("create");
        }

        @Override
        public Map<String, Map<String, Object>> sources(String index, List<String> ids, String field) {
            // whole documents: the loop must find the field it asked for among the rest
            Map<String, Map<String, Object>> out = new LinkedHashMap<>();
            Map<String, Map<String, Object>> docs = destination(index);
            for (String id : ids) {
                if (docs.containsKey(id)) {
                    out.put(id, docs.get(id));
                }
            }
            return out;
        }

        @Override
        public List<IndexProjectionProgress.WriteOutcome> bulk(List<IndexProjectionBatch.Write> writes) {
            if (failBulk != null) {
                throw failBulk;
            }
            List<IndexProjectionProgress.WriteOutcome> out = new ArrayList<>();
            for (int i = 0; i < writes.size(); i++) {
                destination(writes.get(i).index()).put(writes.get(i).id(), writes.get(i).document());
                out.add(new IndexProjectionProgress.WriteOutcome(i, null));
            }
            calls.add("bulk");
            return out;
        }

        @Override
        public void refresh(String index) {
            calls.add("refresh");
        }
    }

    private static MemoryIndex index() {
        MemoryIndex index = new MemoryIndex();
        for (int i = 0; i < DOCS; i++) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("body", "Anna met Bob in Rome .");
            doc.put("spans", List.of(Map.of("label", "PER", "start", 0, "end", 4, "text", "Anna")));
            if (i != 3) {
                doc.put("body_es", "Anna conoció a Bob en Roma .");
            }
            index.source.put("d" + i, doc);
        }
        return index;
    }

    private static IndexProjectionSpec spec(int batch) {
        return IndexProjectionSpec.parse(Map.of("source_index", "src", "dest_index", "dst", "text_field", "body", "spans_field", "spans",
                "target_text_field", "body_es", "batch_size", batch, "model", TinyModels.HEADS, "method", "align"));
    }

    private static final IndexProjectionBatch.ModelWork HERE = new IndexProjectionBatch.ModelWork() {
        @Override
        public <T> T call(Callable<T> work) throws Exception {
            return work.call();
        }
    };

    private static String run(MemoryIndex index, IndexProjectionSpec spec, IndexProjectionProgress progress, int sliceId, int sliceMax,
                              java.util.function.BooleanSupplier cancelled) throws Exception {
        List<org.polyspan.translation.Translator> none = java.util.Collections.nCopies(spec.targets().size(), null);
        return new IndexProjectionRun(index, spec).run(new IndexProjectionBatch(MODELS.get(), spec, none, HERE), progress, sliceId, sliceMax,
                cancelled, () -> "by user request");
    }

    @Test
    void projectsEveryDocumentInBatchesAndReRunsSkipWhatIsDone() throws Exception {
        MemoryIndex index = index();
        IndexProjectionProgress progress = new IndexProjectionProgress();
        assertNull(run(index, spec(3), progress, -1, 1, () -> false));
        IndexProjectionProgress.Snapshot first = progress.snapshot();
        assertEquals(DOCS, first.total());
        assertEquals(DOCS, first.processed());
        assertEquals(DOCS - 1, first.projected());
        assertEquals(1, first.failed()); // d3 has no translation: written with its error, counted, the job goes on
        assertEquals(3, first.batches());
        assertEquals(DOCS, index.dest.size());
        assertTrue(String.valueOf(((Map<?, ?>) index.dest.get("d3").get(IndexProjectionSpec.META)).get("error")).contains("body_es"));
        assertEquals(List.of("create", "search", "bulk", "bulk", "bulk", "clear", "refresh"), index.calls);
        assertTrue(((Map<?, ?>) index.mappings.get("properties")).containsKey(IndexProjectionSpec.META), index.mappings::toString);

        index.calls.clear();
        IndexProjectionProgress again = new IndexProjectionProgress();
        run(index, spec(3), again, -1, 1, () -> false);
        assertEquals(DOCS - 1, again.snapshot().skipped());
        assertEquals(1, again.snapshot().failed()); // tried again, fails again
        assertEquals("search", index.calls.get(0)); // the destination exists: not created again
    }

    @Test
    void stopsBetweenBatchesWhenCancelled() throws Exception {
        MemoryIndex index = index();
        IndexProjectionProgress progress = new IndexProjectionProgress();
        int[] checks = {0};
        assertEquals("by user request", run(index, spec(2), progress, -1, 1, () -> checks[0]++ >= 1));
        assertEquals(2, index.dest.size());
        assertEquals(1, progress.snapshot().batches());
        assertTrue(index.calls.containsAll(List.of("clear", "refresh")), index.calls::toString);
    }

    @Test
    void slicesSplitTheDocumentsWithoutOverlap() throws Exception {
        MemoryIndex index = index();
        Set<String> seen = new HashSet<>();
        long processed = 0;
        for (int slice = 0; slice < 3; slice++) {
            Set<String> before = new HashSet<>(index.dest.keySet());
            IndexProjectionProgress progress = new IndexProjectionProgress();
            run(index, spec(2), progress, slice, 3, () -> false);
            processed += progress.snapshot().processed();
            Set<String> written = new HashSet<>(index.dest.keySet());
            written.removeAll(before);
            assertEquals(progress.snapshot().processed(), written.size());
            seen.addAll(written);
        }
        assertEquals(DOCS, processed);
        assertEquals(index.source.keySet(), seen);
    }

    @Test
    void theScrollIsClearedWhenAWriteFails() {
        MemoryIndex index = index();
        index.failBulk = new IllegalStateException("disk full");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> run(index, spec(3), new IndexProjectionProgress(), -1, 1, () -> false));
        assertEquals("disk full", e.getMessage());
        assertEquals(List.of("create", "search", "clear", "refresh"), index.calls);
    }

    private static IndexProjectionSpec twoTargets(int batch) {
        return IndexProjectionSpec.parse(Map.of("source_index", "src", "text_field", "body", "spans_field", "spans",
                "batch_size", batch, "model", TinyModels.HEADS, "method", "align", "targets", List.of(
                        Map.of("target_language", "es", "target_text_field", "body_es", "dest_index", "dst"),
                        Map.of("target_language", "de", "target_text_field", "body_de", "dest_index", "dst-de"))));
    }

    private static MemoryIndex twoLanguages() {
        MemoryIndex index = index();
        int i = 0;
        for (Map<String, Object> doc : index.source.values()) {
            doc.put("body", "Anna met Bob in Rome " + i++ + " ."); // a distinct source text per document
            doc.put("body_de", "Anna traf Bob in Rom .");
        }
        return index;
    }

    @Test
    void severalTargetsWriteEveryDestinationAndEncodeEachSourceOncePerBatch() throws Exception {
        MemoryIndex index = twoLanguages();
        IndexProjectionProgress progress = new IndexProjectionProgress();
        assertNull(run(index, twoTargets(3), progress, -1, 1, () -> false));
        IndexProjectionProgress.Snapshot s = progress.snapshot();
        assertEquals(2 * DOCS, s.total()); // per destination document
        assertEquals(2 * DOCS, s.processed());
        assertEquals(2 * DOCS - 1, s.projected());
        assertEquals(1, s.failed()); // d3 lacks only its Spanish translation
        assertEquals("dst", s.failures().get(0).index());
        assertEquals(3, s.batches());
        // each distinct source text once, however many languages (d3 is projected onto German only, still once)
        assertEquals(DOCS, s.sourceEncodings());
        assertTrue(s.targetEncodings() > 0);
        assertEquals(DOCS, index.destination("dst").size());
        assertEquals(DOCS, index.destination("dst-de").size());
        assertEquals("Anna traf Bob in Rom .", index.destination("dst-de").get("d0").get("body_de"));
        assertEquals(List.of("create", "create", "search", "bulk", "bulk", "bulk", "clear", "refresh", "refresh"), index.calls);

        // resume is per destination: a document missing from one destination is projected there only
        index.destination("dst-de").remove("d5");
        index.calls.clear();
        IndexProjectionProgress again = new IndexProjectionProgress();
        run(index, twoTargets(3), again, -1, 1, () -> false);
        assertEquals(2 * DOCS - 2, again.snapshot().skipped());
        assertEquals(1, again.snapshot().projected());
        assertEquals(1, again.snapshot().failed());
        assertTrue(index.destination("dst-de").containsKey("d5"));
    }

    @Test
    void slicesOfSeveralTargetsAddUpInTheParentsStatus() throws Exception {
        MemoryIndex index = twoLanguages();
        SlicedProjectionProgress parent = new SlicedProjectionProgress(List.of("n0", "n1"));
        for (int slice = 0; slice < 2; slice++) {
            IndexProjectionProgress progress = new IndexProjectionProgress();
            run(index, twoTargets(2), progress, slice, 2, () -> false);
            parent.finished(slice, progress.snapshot().fields(), null);
        }
        Map<String, Object> fields = parent.fields();
        assertEquals(2L * DOCS, fields.get("total"));
        assertEquals(2L * DOCS, fields.get("processed"));
        assertEquals((long) DOCS, fields.get("source_encodings"));
        assertTrue((Long) fields.get("target_encodings") > 0);
        long perSlice = 0;
        for (Object o : (List<?>) fields.get("slices")) {
            perSlice += ((Number) ((Map<?, ?>) o).get("source_encodings")).longValue();
        }
        assertEquals(DOCS, perSlice);
        assertEquals("dst", ((Map<?, ?>) ((List<?>) fields.get("failures")).get(0)).get("index"));
        assertEquals(DOCS, index.destination("dst").size());
        assertEquals(DOCS, index.destination("dst-de").size());
    }

    /** A task that is never cancelled, as the engines' tasks report to the run. */
    private record Task(IndexProjectionProgress progress) implements IndexProjectionJobRun.Task {
        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public String getReasonCancelled() {
            return null;
        }
    }

    @Test
    void aJobRunChecksItsModelsThenRunsTheLoop() throws Exception {
        MemoryIndex index = index();
        Map<String, Object> body = Map.of("source_index", "src", "dest_index", "dst", "text_field", "body", "spans_field", "spans",
                "target_text_field", "body_es", "batch_size", 3, "model", TinyModels.HEADS, "method", "align");
        Task task = new Task(new IndexProjectionProgress());
        IndexProjectionJobRun.Outcome outcome = new IndexProjectionJobRun(MODELS.get(), null, e -> e).run(index,
                ProjectIndexApi.job(body, true, null), task, HERE);
        assertNull(outcome.cancelled());
        assertTrue(outcome.tookMillis() >= 0);
        assertEquals(DOCS, task.progress().snapshot().processed());
        assertEquals(DOCS, index.dest.size());

        Map<String, Object> unknown = new LinkedHashMap<>(body);
        unknown.put("model", "no-such-model");
        IndexProjectionJobRequest job = ProjectIndexApi.job(unknown, true, null);
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> new IndexProjectionJobRun(MODELS.get(), null, e -> e).run(index, job, new Task(new IndexProjectionProgress()), HERE));
        assertTrue(bad.getMessage().startsWith("[model] "), bad.getMessage());
        // an engine words a failed model check its own way
        IllegalStateException engine = new IllegalStateException("not ready");
        assertEquals(engine, assertThrows(IllegalStateException.class,
                () -> new IndexProjectionJobRun(MODELS.get(), null, e -> engine).run(index, job, new Task(new IndexProjectionProgress()), HERE)));
    }

    @Test
    void aStartedJobRunsOnTheProjectPoolAndAnswersOnce() throws Exception {
        Map<String, Object> body = Map.of("source_index", "src", "dest_index", "dst", "text_field", "body", "spans_field", "spans",
                "target_text_field", "body_es", "batch_size", 3, "model", TinyModels.HEADS, "method", "align");
        IndexProjectionJobRun run = new IndexProjectionJobRun(MODELS.get(), null, e -> e);
        ExecutorService project = Executors.newSingleThreadExecutor(r -> new Thread(r, "project"));
        ExecutorService inference = Executors.newSingleThreadExecutor(r -> new Thread(r, "inference"));
        try {
            IndexProjectionJobRun.Pools pools = new IndexProjectionJobRun.Pools(project, inference, e -> false);
            assertEquals("inference", pools.modelWork(() -> false).call(() -> Thread.currentThread().getName()));

            MemoryIndex index = index();
            Task task = new Task(new IndexProjectionProgress());
            CompletableFuture<Object> answered = new CompletableFuture<>();
            List<String> threads = new CopyOnWriteArrayList<>();
            run.start(pools, index, ProjectIndexApi.job(body, true, null), task, outcome -> {
                threads.add(Thread.currentThread().getName());
                answered.complete(outcome);
            }, answered::complete);
            Object outcome = answered.get(60, TimeUnit.SECONDS);
            assertTrue(outcome instanceof IndexProjectionJobRun.Outcome, String.valueOf(outcome));
            assertEquals(List.of("project"), threads, "the job and its answer run on the project pool");
            assertEquals(DOCS, index.dest.size());

            // a job that fails, even with an error, answers its failure once and no outcome
            MemoryIndex broken = new MemoryIndex() {
                @Override
                public IndexProjectionRun.Page search(String i, Map<String, Object> q, int size, int sliceId, int sliceMax) {
                    throw new StackOverflowError();
                }
            };
            broken.source.putAll(index.source);
            List<Object> answers = new CopyOnWriteArrayList<>();
            CountDownLatch once = new CountDownLatch(1);
            run.start(pools, broken, ProjectIndexApi.job(body, true, null), new Task(new IndexProjectionProgress()), o -> {
                answers.add(o);
                once.countDown();
            }, e -> {
                answers.add(e);
                once.countDown();
            });
            assertTrue(once.await(60, TimeUnit.SECONDS));
            project.submit(() -> null).get(); // the job's thread is done with it
            assertEquals(1, answers.size(), answers::toString);
            assertTrue(answers.get(0) instanceof IllegalStateException e && e.getCause() instanceof StackOverflowError, answers::toString);
        } finally {
            project.shutdown();
            inference.shutdown();
        }

        // a full project pool: the engine's rejection is the answer, nothing runs
        RejectedExecutionException full = new RejectedExecutionException("full");
        List<Object> answers = new ArrayList<>();
        run.start(new IndexProjectionJobRun.Pools(r -> {
            throw full;
        }, Runnable::run, e -> false), index(), ProjectIndexApi.job(body, true, null), new Task(new IndexProjectionProgress()),
                answers::add, answers::add);
        assertEquals(List.of(full), answers);
    }

    @Test
    void aCleanUpFailureNeverHidesTheRunsOwnAndNeverFailsARunThatEndedWell() throws Exception {
        IllegalStateException clearFailed = new IllegalStateException("scroll context gone");
        MemoryIndex failing = new MemoryIndex() {
            @Override
            public void clearScroll(String scrollId) {
                throw clearFailed;
            }

            @Override
            public void refresh(String index) {
                throw new IllegalStateException("refresh refused");
            }
        };
        failing.source.putAll(index().source);
        // a run that wrote everything ends well: the engine expires the scroll and refreshes on its own
        assertNull(run(failing, spec(3), new IndexProjectionProgress(), -1, 1, () -> false));
        assertEquals(DOCS, failing.dest.size());

        // the job's own failure is the one reported, with the clean-up's attached
        MemoryIndex bulkFails = new MemoryIndex() {
            @Override
            public void clearScroll(String scrollId) {
                throw clearFailed;
            }
        };
        bulkFails.source.putAll(index().source);
        bulkFails.failBulk = new IllegalStateException("disk full");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> run(bulkFails, spec(3), new IndexProjectionProgress(), -1, 1, () -> false));
        assertSame(bulkFails.failBulk, e);
        assertEquals(List.of(clearFailed), List.of(e.getSuppressed()));
        assertTrue(bulkFails.calls.contains("refresh"), "the destinations are still refreshed: " + bulkFails.calls);
    }

    @Test
    void aJobCancelledWhileItsBatchWaitsStopsWithoutWritingTheBatchAsFailed() throws Exception {
        MemoryIndex index = index();
        AtomicBoolean cancelled = new AtomicBoolean();
        IndexProjectionBatch.ModelWork cancelledMeanwhile = new IndexProjectionBatch.ModelWork() {
            @Override
            public <T> T call(Callable<T> work) {
                cancelled.set(true); // the task is cancelled while the batch waits for the inference pool
                throw new CancellationException("the job was cancelled");
            }
        };
        IndexProjectionSpec spec = spec(3);
        IndexProjectionProgress progress = new IndexProjectionProgress();
        String stopped = new IndexProjectionRun(index, spec).run(new IndexProjectionBatch(MODELS.get(), spec,
                java.util.Collections.nCopies(1, null), cancelledMeanwhile), progress, -1, 1, cancelled::get, () -> "by user request");
        assertEquals("by user request", stopped);
        assertEquals(0, index.dest.size(), "no document of the interrupted batch is written as failed");
        assertEquals(0, progress.snapshot().failed());
        assertTrue(index.calls.contains("clear"), index.calls::toString);

        // without a cancelled task, the same exception is a failure of the job, not of its documents
        MemoryIndex other = index();
        assertThrows(CancellationException.class, () -> new IndexProjectionRun(other, spec).run(new IndexProjectionBatch(MODELS.get(), spec,
                java.util.Collections.nCopies(1, null), cancelledMeanwhile), new IndexProjectionProgress(), -1, 1, () -> false, () -> "x"));
        assertEquals(0, other.dest.size());
    }
}
