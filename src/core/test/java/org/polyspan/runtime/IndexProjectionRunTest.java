package org.polyspan.runtime;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.polyspan.TinyModels;
import org.polyspan.model.ModelRepository;
import org.polyspan.onnx.OnnxWindowEncoder;
import org.polyspan.projection.IndexProjectionSpec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code _project/index} loop against an in-memory index, with the tiny model projecting for real. */
class IndexProjectionRunTest {
    private static final int DOCS = 7;
    private static ModelRepository models;

    @BeforeAll
    static void repository() {
        models = new ModelRepository(TinyModels.root(), OnnxWindowEncoder.Device.CPU, 1);
    }

    @AfterAll
    static void close() {
        models.close();
    }

    /** An index as the loop sees it through the client: source documents, written documents, and what was called. */
    static final class MemoryIndex implements IndexProjectionRun.IndexClient {
        final Map<String, Map<String, Object>> source = new LinkedHashMap<>();
        final Map<String, Map<String, Object>> dest = new TreeMap<>();
        final List<String> calls = new ArrayList<>();
        boolean destExists;
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

        @Override
        public boolean indexExists(String index) {
            return destExists;
        }

        @Override
        public void createIndex(String index, Map<String, Object> settings, Map<String, Object> mappings) {
            this.mappings = mappings;
            destExists = true;
            calls.add("create");
        }

        @Override
        @SuppressWarnings("unchecked")
        public Map<String, Map<String, Object>> projectionMeta(String index, List<String> ids) {
            Map<String, Map<String, Object>> out = new LinkedHashMap<>();
            for (String id : ids) {
                if (dest.containsKey(id)) {
                    out.put(id, (Map<String, Object>) dest.get(id).getOrDefault(IndexProjectionSpec.META, Map.of()));
                }
            }
            return out;
        }

        @Override
        public List<IndexProjectionProgress.WriteOutcome> bulk(String index, List<IndexProjectionBatch.Write> writes) {
            if (failBulk != null) {
                throw failBulk;
            }
            List<IndexProjectionProgress.WriteOutcome> out = new ArrayList<>();
            for (int i = 0; i < writes.size(); i++) {
                dest.put(writes.get(i).id(), writes.get(i).document());
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
        return new IndexProjectionRun(index, spec).run(new IndexProjectionBatch(models, spec, null, HERE), progress, sliceId, sliceMax,
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
}
