package org.polyspan.runtime;

import org.polyspan.projection.ProjectionService;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The counters of a running {@code _project/index} job, as the engine's tasks API shows them. Documents are counted
 * per destination document, so a source document projected onto two target languages counts twice:
 * {@code total} is the source documents times the target languages, {@code processed = projected + skipped + failed};
 * {@code failures} lists the first {@link #MAX_LISTED} failed documents (every failed document also gets a destination
 * copy with {@code projection.error}). {@code source_encodings} and {@code target_encodings} count the texts run
 * through the encoder: each source text once per batch, however many target languages. Thread-safe.
 */
public final class IndexProjectionProgress {
    public static final int MAX_LISTED = 20;

    /** A document that could not be projected into destination {@code index} (null when not known). */
    public record Failure(String index, String id, String reason) {}

    /**
     * How the engine's bulk request answered one write of a batch: the write's position in
     * {@link IndexProjectionBatch.Result#writes()}, and the engine's failure message, or null when it was stored.
     */
    public record WriteOutcome(int item, String failure) {}

    /** A snapshot of the counters. */
    public record Snapshot(long total, long processed, long projected, long skipped, long failed, long spansProjected,
                           long spansUnprojected, long batches, long sourceEncodings, long targetEncodings,
                           List<Failure> failures) {

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
            m.put("source_encodings", sourceEncodings);
            m.put("target_encodings", targetEncodings);
            List<Object> listed = new ArrayList<>();
            for (Failure f : failures) {
                Map<String, Object> o = new LinkedHashMap<>();
                if (f.index() != null) {
                    o.put("index", f.index());
                }
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
    private long sourceEncodings;
    private long targetEncodings;
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

    /** Counts the texts a batch's projection ran through the encoder. */
    public synchronized void encoded(ProjectionService.Encodings encodings) {
        this.sourceEncodings += encodings.sources();
        this.targetEncodings += encodings.targets();
    }

    /**
     * Counts a batch once the engine has answered its bulk write: a write the engine refused, and a document the batch
     * could not project (stored with its error), both count as failed; the rest as projected.
     */
    public synchronized void batchWritten(IndexProjectionBatch.Result result, List<WriteOutcome> outcomes) {
        long written = 0;
        for (WriteOutcome outcome : outcomes) {
            IndexProjectionBatch.Write w = result.writes().get(outcome.item());
            if (outcome.failure() != null) {
                failed(w.index(), w.id(), "writing to [" + w.index() + "] failed: " + outcome.failure());
            } else if (w.failure() != null) {
                failed(w.index(), w.id(), w.failure());
            } else {
                written++;
            }
        }
        encoded(result.encodings());
        batchDone(written, result.skipped(), result.spansProjected(), result.spansUnprojected());
    }

    public synchronized void failed(String id, String reason) {
        failed(null, id, reason);
    }

    /** A document that could not be projected into destination {@code index}. */
    public synchronized void failed(String index, String id, String reason) {
        failed++;
        if (failures.size() < MAX_LISTED) {
            failures.add(new Failure(index, id, reason));
        }
    }

    public synchronized Snapshot snapshot() {
        return new Snapshot(total, projected + skipped + failed, projected, skipped, failed, spansProjected, spansUnprojected,
                batches, sourceEncodings, targetEncodings, List.copyOf(failures));
    }
}
