package org.polyspan.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The counters of a running {@code _project/index} job, as the engine's tasks API shows them:
 * {@code processed = projected + skipped + failed}; {@code failures} lists the first {@link #MAX_LISTED} failed
 * documents (every failed document also gets a destination copy with {@code projection.error}). Thread-safe.
 */
public final class IndexProjectionProgress {
    public static final int MAX_LISTED = 20;

    /** A document that could not be projected. */
    public record Failure(String id, String reason) {}

    /**
     * How the engine's bulk request answered one write of a batch: the write's position in
     * {@link IndexProjectionBatch.Result#writes()}, and the engine's failure message, or null when it was stored.
     */
    public record WriteOutcome(int item, String failure) {}

    /** A snapshot of the counters. */
    public record Snapshot(long total, long processed, long projected, long skipped, long failed, long spansProjected,
                           long spansUnprojected, long batches, List<Failure> failures) {

        /** The fields as the tasks API and the job's answer show them, in this order. */
        public Map<String, Object> fields() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("total", total);
            m.put("processed", processed);
            m.put("projected", projected);
            m.put("skipped", skipped);
            m.put("failed", failed);
            m.put("spans_projected", spansProjected);
            m.put("spans_unprojected", spansUnprojected);
            m.put("batches", batches);
            List<Object> listed = new ArrayList<>();
            for (Failure f : failures) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("id", f.id());
                o.put("reason", f.reason());
                listed.add(o);
            }
            m.put("failures", listed);
            return m;
        }
    }

    private long total;
    private long projected;
    private long skipped;
    private long failed;
    private long spansProjected;
    private long spansUnprojected;
    private long batches;
    private final List<Failure> failures = new ArrayList<>();

    public synchronized void total(long total) {
        this.total = total;
    }

    public synchronized void batchDone(long projected, long skipped, long spansProjected, long spansUnprojected) {
        this.projected += projected;
        this.skipped += skipped;
        this.spansProjected += spansProjected;
        this.spansUnprojected += spansUnprojected;
        this.batches++;
    }

    /**
     * Counts a batch once the engine has answered its bulk write: a write the engine refused, and a document the batch
     * could not project (stored with its error), both count as failed; the rest as projected.
     */
    public synchronized void batchWritten(IndexProjectionBatch.Result result, String destIndex, List<WriteOutcome> outcomes) {
        long written = 0;
        for (WriteOutcome outcome : outcomes) {
            IndexProjectionBatch.Write w = result.writes().get(outcome.item());
            if (outcome.failure() != null) {
                failed(w.id(), "writing to [" + destIndex + "] failed: " + outcome.failure());
            } else if (w.failure() != null) {
                failed(w.id(), w.failure());
            } else {
                written++;
            }
        }
        batchDone(written, result.skipped(), result.spansProjected(), result.spansUnprojected());
    }

    public synchronized void failed(String id, String reason) {
        failed++;
        if (failures.size() < MAX_LISTED) {
            failures.add(new Failure(id, reason));
        }
    }

    public synchronized Snapshot snapshot() {
        return new Snapshot(total, projected + skipped + failed, projected, skipped, failed, spansProjected, spansUnprojected,
                batches, List.copyOf(failures));
    }
}
