package org.polyspan.elasticsearch;

import org.elasticsearch.ResourceAlreadyExistsException;
import org.elasticsearch.action.admin.indices.create.CreateIndexRequest;
import org.elasticsearch.action.admin.indices.refresh.RefreshRequest;
import org.elasticsearch.action.bulk.BulkItemResponse;
import org.elasticsearch.action.bulk.BulkRequest;
import org.elasticsearch.action.bulk.BulkResponse;
import org.elasticsearch.action.get.MultiGetItemResponse;
import org.elasticsearch.action.get.MultiGetRequest;
import org.elasticsearch.action.get.MultiGetResponse;
import org.elasticsearch.action.index.IndexRequest;
import org.elasticsearch.action.search.ClearScrollRequest;
import org.elasticsearch.action.search.SearchRequest;
import org.elasticsearch.action.search.SearchResponse;
import org.elasticsearch.action.search.SearchScrollRequest;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.core.TimeValue;
import org.elasticsearch.index.query.QueryBuilders;
import org.elasticsearch.search.SearchHit;
import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.elasticsearch.search.slice.SliceBuilder;
import org.elasticsearch.search.fetch.subphase.FetchSourceContext;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.json.JsonXContent;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One {@code _project/index} run on Elasticsearch: scrolls the source index in batches, has the core's
 * {@link IndexProjectionBatch} project each batch, and bulk-writes one destination document per source document under
 * the same id, so a re-run overwrites instead of duplicating, and with {@code resume} skips documents already
 * projected. Cancellation is checked between batches. Runs on the plugin's project pool, where its client calls may
 * block; each batch's model work runs on the inference pool ({@link IndexProjectionBatch.ModelWork}).
 */
final class IndexProjectionJob {
    private static final TimeValue KEEP_ALIVE = TimeValue.timeValueMinutes(10);

    private final Client client;
    private final ClusterService clusterService;
    private final ModelRepository models;
    private final Translator.Lookup translators;
    private final IndexProjectionSpec spec;
    private final int sliceId;
    private final int sliceMax;
    private final ProjectIndexTask task;
    private final IndexProjectionBatch.ModelWork work;

    IndexProjectionJob(Client client, ClusterService clusterService, ModelRepository models, Translator.Lookup translators,
                       ProjectIndexRequest request, ProjectIndexTask task, IndexProjectionBatch.ModelWork work) {
        this.client = client;
        this.clusterService = clusterService;
        this.models = models;
        this.translators = translators;
        this.spec = request.spec();
        this.sliceId = request.sliceId();
        this.sliceMax = request.slices();
        this.task = task;
        this.work = work;
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
            ProjectionRunner.check(models, spec.options());
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
            source.slice(new SliceBuilder(sliceId, sliceMax)); // one slice of a sliced job
        }
        String cancelled = null;
        String scrollId = null;
        try {
            SearchResponse page = client.search(new SearchRequest(spec.sourceIndex()).scroll(KEEP_ALIVE).source(source)).actionGet();
            try {
                scrollId = page.getScrollId();
                progress.total(page.getHits().getTotalHits() == null ? -1 : page.getHits().getTotalHits().value);
                while (page.getHits().getHits().length > 0) {
                    if (task.isCancelled()) {
                        cancelled = task.getReasonCancelled();
                        break;
                    }
                    write(batch, sources(page.getHits().getHits()), progress);
                    page.decRef();
                    page = null;
                    page = client.searchScroll(new SearchScrollRequest(scrollId).scroll(KEEP_ALIVE)).actionGet();
                    scrollId = page.getScrollId();
                }
            } finally {
                if (page != null) {
                    page.decRef();
                }
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
        if (!clusterService.state().metadata().hasIndex(spec.destIndex())) {
            return Set.of();
        }
        MultiGetRequest get = new MultiGetRequest();
        FetchSourceContext only = FetchSourceContext.of(true, new String[] {IndexProjectionSpec.META + ".error"}, null);
        for (IndexProjectionBatch.Source hit : hits) {
            get.add(new MultiGetRequest.Item(spec.destIndex(), hit.id()).fetchSourceContext(only));
        }
        MultiGetResponse response = client.multiGet(get).actionGet();
        Set<String> done = new HashSet<>();
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
    private void createDestination() {
        if (clusterService.state().metadata().hasIndex(spec.destIndex())) {
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

    static String json(Map<String, Object> map) throws java.io.IOException {
        try (XContentBuilder b = JsonXContent.contentBuilder()) {
            return org.elasticsearch.common.Strings.toString(b.map(map));
        }
    }
}
