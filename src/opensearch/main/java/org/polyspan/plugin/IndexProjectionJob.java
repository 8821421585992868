package org.polyspan.plugin;

import org.opensearch.ResourceAlreadyExistsException;
import org.opensearch.action.admin.indices.create.CreateIndexRequest;
import org.opensearch.action.admin.indices.refresh.RefreshRequest;
import org.opensearch.action.bulk.BulkItemResponse;
import org.opensearch.action.bulk.BulkRequest;
import org.opensearch.action.bulk.BulkResponse;
import org.opensearch.action.get.MultiGetItemResponse;
import org.opensearch.action.get.MultiGetRequest;
import org.opensearch.action.get.MultiGetResponse;
import org.opensearch.action.index.IndexRequest;
import org.opensearch.action.search.ClearScrollRequest;
import org.opensearch.action.search.SearchRequest;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.action.search.SearchScrollRequest;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.common.xcontent.XContentFactory;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.search.SearchHit;
import org.opensearch.search.builder.SearchSourceBuilder;
import org.opensearch.search.fetch.subphase.FetchSourceContext;
import org.opensearch.search.slice.SliceBuilder;
import org.opensearch.transport.client.Client;
import org.polyspan.model.ModelLeases;
import org.polyspan.model.ModelRepository;
import org.polyspan.projection.IndexProjectionSpec;
import org.polyspan.runtime.BadRequest;
import org.polyspan.runtime.IndexProjectionBatch;
import org.polyspan.runtime.IndexProjectionProgress;
import org.polyspan.runtime.MappingTemplate;
import org.polyspan.runtime.ProjectionRunner;
import org.polyspan.runtime.RequestTranslator;
import org.polyspan.translation.Translator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One {@code _project/index} run on OpenSearch: scrolls the source index in batches, has the core's
 * {@link IndexProjectionBatch} project each batch, and bulk-writes one destination document per source document under
 * the same id, so a re-run overwrites instead of duplicating, and with {@code resume} skips documents already
 * projected. Cancellation is checked between batches. Runs on the plugin's project pool, where its client calls may
 * block; each batch's model work runs on the inference pool ({@link IndexProjectionBatch.ModelWork}), so it shares the
 * node's inference budget with ingest. One slice of a sliced job reads its share of the source with a sliced scroll.
 */
final class IndexProjectionJob {
    private static final TimeValue KEEP_ALIVE = TimeValue.timeValueMinutes(10);

    private final Client client;
    private final ModelRepository models;
    private final Translator.Lookup translators;
    private final IndexProjectionSpec spec;
    private final ProjectIndexTask task;
    private final IndexProjectionBatch.ModelWork work;
    private final int sliceId;
    private final int sliceMax;

    IndexProjectionJob(Client client, ModelRepository models, Translator.Lookup translators, ProjectIndexRequest request,
                       ProjectIndexTask task, IndexProjectionBatch.ModelWork work) {
        this.client = client;
        this.work = work;
        this.models = models;
        this.translators = translators;
        this.spec = request.spec();
        this.task = task;
        this.sliceId = request.sliceId();
        this.sliceMax = request.slices();
    }

    /** Runs the job; a translation model it translates with stays leased until it ends, so a reload waits to close it. */
    ProjectIndexResponse run() throws Exception {
        try (ModelLeases leases = new ModelLeases()) {
            return run(leases);
        }
    }

    private ProjectIndexResponse run(ModelLeases leases) throws Exception {
        long t0 = System.nanoTime();
        Translator translator;
        try {
            ModelLoading.retryable(() -> {
                ProjectionRunner.check(models, spec.options());
                return null;
            });
            translator = spec.translate() ? RequestTranslator.resolve(spec.options(), translators, models, leases) : null;
        } catch (BadRequest e) {
            throw new IllegalArgumentException("[" + e.field() + "] " + e.getMessage(), e);
        }
        IndexProjectionBatch batch = new IndexProjectionBatch(models, spec, translator, work);
        IndexProjectionProgress progress = task.progress();
        createDestination();
        SearchSourceBuilder source = new SearchSourceBuilder().size(spec.batchSize()).sort("_doc").trackTotalHits(true);
        if (spec.query() != null) {
            source.query(QueryBuilders.wrapperQuery(json(spec.query())));
        }
        if (sliceId >= 0 && sliceMax > 1) {
            source.slice(new SliceBuilder(sliceId, sliceMax));
        }
        SearchResponse page = client.search(new SearchRequest(spec.sourceIndex()).scroll(KEEP_ALIVE).source(source)).actionGet();
        String scrollId = page.getScrollId();
        String cancelled = null;
        try {
            progress.total(page.getHits().getTotalHits() == null ? -1 : page.getHits().getTotalHits().value());
            while (page.getHits().getHits().length > 0) {
                if (task.isCancelled()) {
                    cancelled = task.getReasonCancelled();
                    break;
                }
                write(batch, sources(page.getHits().getHits()), progress);
                page = client.searchScroll(new SearchScrollRequest(scrollId).scroll(KEEP_ALIVE)).actionGet();
                scrollId = page.getScrollId();
            }
        } finally {
            if (scrollId != null) {
                ClearScrollRequest clear = new ClearScrollRequest();
                clear.addScrollId(scrollId);
                client.clearScroll(clear).actionGet();
            }
            client.admin().indices().refresh(new RefreshRequest(spec.destIndex())).actionGet();
        }
        return new ProjectIndexResponse(task.getStatus(), (System.nanoTime() - t0) / 1_000_000, cancelled);
    }

    private static List<IndexProjectionBatch.Source> sources(SearchHit[] hits) {
        List<IndexProjectionBatch.Source> out = new ArrayList<>(hits.length);
        for (SearchHit hit : hits) {
            out.add(new IndexProjectionBatch.Source(hit.getId(), hit.getSourceAsMap()));
        }
        return out;
    }

    /** Projects one batch and writes it; bulk item failures count as failed documents. */
    private void write(IndexProjectionBatch batch, List<IndexProjectionBatch.Source> hits, IndexProjectionProgress progress) {
        Set<String> done = spec.resume() ? alreadyProjected(hits) : Set.of();
        IndexProjectionBatch.Result result = batch.run(hits, done);
        List<IndexProjectionProgress.WriteOutcome> outcomes = new ArrayList<>();
        if (!result.writes().isEmpty()) {
            BulkRequest bulk = new BulkRequest();
            for (IndexProjectionBatch.Write w : result.writes()) {
                bulk.add(new IndexRequest(spec.destIndex()).id(w.id()).source(w.document()));
            }
            BulkResponse response = client.bulk(bulk).actionGet();
            for (BulkItemResponse item : response.getItems()) {
                outcomes.add(new IndexProjectionProgress.WriteOutcome(item.getItemId(), item.isFailed() ? item.getFailureMessage() : null));
            }
        }
        progress.batchWritten(result, spec.destIndex(), outcomes);
    }

    /** Ids of the batch whose destination document exists without an error. */
    private Set<String> alreadyProjected(List<IndexProjectionBatch.Source> hits) {
        MultiGetRequest get = new MultiGetRequest();
        FetchSourceContext only = new FetchSourceContext(true, new String[] {IndexProjectionSpec.META + ".error"}, null);
        for (IndexProjectionBatch.Source hit : hits) {
            get.add(new MultiGetRequest.Item(spec.destIndex(), hit.id()).fetchSourceContext(only));
        }
        MultiGetResponse response = client.multiGet(get).actionGet();
        Set<String> done = new java.util.HashSet<>();
        for (MultiGetItemResponse item : response.getResponses()) {
            if (!item.isFailed() && item.getResponse().isExists()) {
                Object meta = item.getResponse().getSourceAsMap().get(IndexProjectionSpec.META);
                if (!(meta instanceof Map<?, ?> m) || m.get("error") == null) {
                    done.add(item.getId());
                }
            }
        }
        return done;
    }

    /** Creates the destination with the span mapping of {@code span_labeling} output, unless it exists. */
    @SuppressWarnings("unchecked")
    private void createDestination() throws Exception {
        if (client.admin().indices().prepareExists(spec.destIndex()).get().isExists()) {
            return;
        }
        Map<String, Object> template = (Map<String, Object>) MappingTemplate.componentTemplate(List.of(spec.spansField())).get("template");
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
        try {
            client.admin().indices().create(new CreateIndexRequest(spec.destIndex())
                    .settings((Map<String, Object>) template.get("settings")).mapping(mappings)).actionGet();
        } catch (ResourceAlreadyExistsException e) {
            // created meanwhile by a concurrent run: fine, documents are written by id either way
        }
    }

    private static String json(Map<String, Object> map) throws Exception {
        try (XContentBuilder b = XContentFactory.jsonBuilder()) {
            return BytesReference.bytes(b.map(map)).utf8ToString();
        }
    }
}
