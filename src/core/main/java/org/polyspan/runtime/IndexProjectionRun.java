package org.polyspan.runtime;

import org.polyspan.projection.IndexProjectionSpec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The loop of one {@code _project/index} job (or one slice of a sliced job) without an engine: creates each target's
 * destination with the span mapping and the {@code projection} metadata, scrolls the source in batches, skips (with
 * {@code resume}) documents already projected into a destination, has {@link IndexProjectionBatch} project each batch
 * onto every target language, bulk-writes it under the source ids, so a re-run overwrites instead of duplicating, and
 * checks for cancellation between batches.
 * Each engine gives it an {@link IndexClient} of blocking calls; the job runs on the plugin's project pool, where they
 * may block.
 */
public final class IndexProjectionRun {
    /** What the loop needs of the engine's client; every call blocks until the engine answers. */
    public interface IndexClient {
        /** The first page of a scroll over {@code index}, by {@code _doc}; {@code sliceMax > 1} reads slice {@code sliceId}. */
        Page search(String index, Map<String, Object> query, int size, int sliceId, int sliceMax) throws Exception;

        Page scroll(String scrollId) throws Exception;

        void clearScroll(String scrollId) throws Exception;

        boolean indexExists(String index) throws Exception;

        /** Creates an index; one that exists meanwhile (created by a concurrent run) is not an error. */
        void createIndex(String index, Map<String, Object> settings, Map<String, Object> mappings) throws Exception;

        /**
         * The source of each of {@code ids} that exists in {@code index}, holding only {@code field} (a dotted path);
         * ids that do not exist are absent.
         */
        Map<String, Map<String, Object>> sources(String index, List<String> ids, String field) throws Exception;

        /** Writes each document into its index under its id; one outcome per write, in order. */
        List<IndexProjectionProgress.WriteOutcome> bulk(List<IndexProjectionBatch.Write> writes) throws Exception;

        void refresh(String index) throws Exception;
    }

    /** A page of a scroll: its hits, the total of the whole scroll (-1 when unknown) and the scroll id. */
    public record Page(List<IndexProjectionBatch.Source> hits, long total, String scrollId) {}

    /** A destination document's error, if its projection failed: the one field a re-run reads back. */
    private static final String META_ERROR = IndexProjectionSpec.META + ".error";

    private final IndexClient client;
    private final IndexProjectionSpec spec;

    public IndexProjectionRun(IndexClient client, IndexProjectionSpec spec) {
        this.client = client;
        this.spec = spec;
    }

    /**
     * Runs the job over slice {@code sliceId} of {@code sliceMax} (a job that is not sliced: -1 and 1).
     *
     * @return why it stopped early ({@code reason} when {@code cancelled} turned true), or null when it ran to the end
     */
    public String run(IndexProjectionBatch batch, IndexProjectionProgress progress, int sliceId, int sliceMax, BooleanSupplier cancelled,
                      Supplier<String> reason) throws Exception {
        for (IndexProjectionSpec.Target target : spec.targets()) {
            createDestination(target.destIndex());
        }
        Page page = client.search(spec.sourceIndex(), spec.query(), spec.batchSize(), sliceId, sliceMax);
        String scrollId = page.scrollId();
        Throwable failure = null;
        try {
            // counted per destination document: each source document once per target language
            progress.total(page.total() < 0 ? -1 : page.total() * spec.targets().size());
            while (!page.hits().isEmpty()) {
                if (cancelled.getAsBoolean()) {
                    return reason.get();
                }
                try {
                    write(batch, page.hits(), progress);
                } catch (CancellationException e) {
                    if (cancelled.getAsBoolean()) {
                        return reason.get(); // cancelled while the batch waited for the inference pool: nothing of it written
                    }
                    throw e;
                }
                page = client.scroll(scrollId);
                scrollId = page.scrollId();
            }
            return null;
        } catch (Throwable t) {
            failure = t;
            throw t;
        } finally {
            cleanUp(scrollId, failure);
        }
    }

    /**
     * Clears the scroll and refreshes the destinations. Their failures never hide the run's own: they are attached to it
     * ({@code failure}), or, after a run that ended well, left to the engine (an uncleared scroll expires with its
     * keep-alive, and the refresh interval makes the documents visible), so that a written job is not reported failed.
     */
    private void cleanUp(String scrollId, Throwable failure) {
        List<CleanUpStep> steps = new ArrayList<>();
        if (scrollId != null) {
            steps.add(() -> client.clearScroll(scrollId));
        }
        for (IndexProjectionSpec.Target target : spec.targets()) {
            steps.add(() -> client.refresh(target.destIndex()));
        }
        for (CleanUpStep step : steps) {
            try {
                step.run();
            } catch (Exception e) {
                if (failure != null) {
                    failure.addSuppressed(e);
                }
            }
        }
    }

    /** A client call of {@link #cleanUp}. */
    private interface CleanUpStep {
        void run() throws Exception;
    }

    /** Projects one batch and writes it; bulk item failures count as failed documents. */
    private void write(IndexProjectionBatch batch, List<IndexProjectionBatch.Source> hits, IndexProjectionProgress progress) throws Exception {
        Map<String, Set<String>> done = spec.resume() ? alreadyProjected(hits) : Map.of();
        IndexProjectionBatch.Result result = batch.run(hits, done);
        List<IndexProjectionProgress.WriteOutcome> outcomes = result.writes().isEmpty() ? List.of() : client.bulk(result.writes());
        progress.batchWritten(result, outcomes);
    }

    /**
     * Per destination index, the ids of the batch whose destination document exists there without an error: a re-run
     * skips them.
     */
    private Map<String, Set<String>> alreadyProjected(List<IndexProjectionBatch.Source> hits) throws Exception {
        List<String> ids = new ArrayList<>(hits.size());
        for (IndexProjectionBatch.Source hit : hits) {
            ids.add(hit.id());
        }
        Map<String, Set<String>> done = new HashMap<>();
        for (IndexProjectionSpec.Target target : spec.targets()) {
            Set<String> here = new HashSet<>();
            for (Map.Entry<String, Map<String, Object>> e : client.sources(target.destIndex(), ids, META_ERROR).entrySet()) {
                if (!(e.getValue().get(IndexProjectionSpec.META) instanceof Map<?, ?> meta) || meta.get("error") == null) {
                    here.add(e.getKey());
                }
            }
            done.put(target.destIndex(), here);
        }
        return done;
    }

    /** Creates a destination with the span mapping of {@code span_labeling} output and the projection metadata. */
    @SuppressWarnings("unchecked")
    private void createDestination(String destIndex) throws Exception {
        if (client.indexExists(destIndex)) {
            return;
        }
        Map<String, Object> template = (Map<String, Object>) MappingTemplate.componentTemplate(List.of(spec.spansField())).get("template");
        client.createIndex(destIndex, (Map<String, Object>) template.get("settings"), destinationMappings(spec.spansField()));
    }

    /** The span mapping of {@code spansField} and the {@code projection} object every destination document has. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> destinationMappings(String spansField) {
        Map<String, Object> template = (Map<String, Object>) MappingTemplate.componentTemplate(List.of(spansField)).get("template");
        Map<String, Object> mappings = (Map<String, Object>) template.get("mappings");
        Map<String, Object> properties = (Map<String, Object>) mappings.get("properties");
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("from_index", Map.of("type", "keyword"));
        meta.put("from_id", Map.of("type", "keyword"));
        meta.put("method", Map.of("type", "keyword"));
        meta.put("model", Map.of("type", "keyword"));
        meta.put("error", Map.of("type", "text"));
        meta.put("unprojected", Map.of("type", "object", "enabled", false));
        properties.put(IndexProjectionSpec.META, Map.of("properties", meta));
        return mappings;
    }
}
