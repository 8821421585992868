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
import org.opensearch.transport.client.Client;
import org.polyspan.model.ModelLeases;
import org.polyspan.model.ModelRepository;
import org.polyspan.projection.IndexDocuments;
import org.polyspan.projection.IndexProjectionSpec;
import org.polyspan.projection.ProjectionRequest;
import org.polyspan.runtime.BadRequest;
import org.polyspan.runtime.MappingTemplate;
import org.polyspan.runtime.ProjectionRunner;
import org.polyspan.runtime.RequestTranslator;
import org.polyspan.translation.Translator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One {@code _project/index} run: scrolls the source index in batches, projects each batch with {@link ProjectionRunner}
 * and bulk-writes one destination document per source document under the same id, so a re-run overwrites instead of
 * duplicating, and with {@code resume} skips documents already projected. A document that cannot be projected is
 * written with {@code projection.error} and counted, never fatal. Cancellation is checked between batches. Runs on the
 * plugin's project pool, where its client calls may block; each batch's translation and projection run on the inference
 * pool ({@link Inference}), so they share the node's inference budget with ingest.
 */
final class IndexProjectionJob {
    private static final TimeValue KEEP_ALIVE = TimeValue.timeValueMinutes(10);

    private final Client client;
    private final ModelRepository models;
    private final Translator.Lookup translators;
    private final IndexProjectionSpec spec;
    private final ProjectIndexTask task;
    private final Inference inference;
    /** With {@code translate}, the translator of the whole run. */
    private Translator translator;

    /** Runs model work where inference runs and waits for its result. */
    interface Inference {
        <T> T call(java.util.concurrent.Callable<T> work) throws Exception;
    }

    IndexProjectionJob(Client client, ModelRepository models, Translator.Lookup translators, IndexProjectionSpec spec,
                       ProjectIndexTask task, Inference inference) {
        this.client = client;
        this.inference = inference;
        this.models = models;
        this.translators = translators;
        this.spec = spec;
        this.task = task;
    }

    /** Runs the job; a translation model it translates with stays leased until it ends, so a reload waits to close it. */
    ProjectIndexResponse run() throws Exception {
        try (ModelLeases leases = new ModelLeases()) {
            return run(leases);
        }
    }

    private ProjectIndexResponse run(ModelLeases leases) throws Exception {
        long t0 = System.nanoTime();
        try {
            ModelLoading.retryable(() -> {
                ProjectionRunner.check(models, spec.options());
                return null;
            });
            translator = spec.translate() ? RequestTranslator.resolve(spec.options(), translators, models, leases) : null;
        } catch (BadRequest e) {
            throw new IllegalArgumentException("[" + e.field() + "] " + e.getMessage(), e);
        }
        createDestination();
        SearchSourceBuilder source = new SearchSourceBuilder().size(spec.batchSize()).sort("_doc").trackTotalHits(true);
        if (spec.query() != null) {
            source.query(QueryBuilders.wrapperQuery(json(spec.query())));
        }
        SearchResponse page = client.search(new SearchRequest(spec.sourceIndex()).scroll(KEEP_ALIVE).source(source)).actionGet();
        String scrollId = page.getScrollId();
        String cancelled = null;
        try {
            task.total(page.getHits().getTotalHits() == null ? -1 : page.getHits().getTotalHits().value());
            while (page.getHits().getHits().length > 0) {
                if (task.isCancelled()) {
                    cancelled = task.getReasonCancelled();
                    break;
                }
                batch(page.getHits().getHits());
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

    private void batch(SearchHit[] hits) {
        Set<String> done = spec.resume() ? alreadyProjected(hits) : Set.of();
        List<SearchHit> todo = new ArrayList<>();
        List<IndexDocuments.Prepared> prepared = new ArrayList<>();
        BulkRequest bulk = new BulkRequest();
        List<Boolean> isError = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        for (SearchHit hit : hits) {
            if (done.contains(hit.getId())) {
                continue;
            }
            Map<String, Object> src = hit.getSourceAsMap();
            try {
                IndexDocuments.Prepared p = IndexDocuments.prepare(src, spec);
                ProjectionRequest own = ProjectionRequest.of(List.of(p.pair()), spec.options()); // the document's own input errors
                if (translator != null) {
                    try {
                        RequestTranslator.checkLengths(own, translator);
                    } catch (BadRequest e) {
                        throw new IllegalArgumentException("cannot translate: " + e.getMessage().replace("pair [0]: ", ""), e);
                    }
                }
                todo.add(hit);
                prepared.add(p);
            } catch (IllegalArgumentException e) {
                add(bulk, isError, reasons, hit.getId(), IndexDocuments.failed(hit.getId(), src, e.getMessage(), spec), e.getMessage());
            }
        }
        long spansProjected = 0;
        long spansUnprojected = 0;
        if (!todo.isEmpty()) {
            List<Object> pairs = new ArrayList<>();
            for (IndexDocuments.Prepared p : prepared) {
                pairs.add(p.pair());
            }
            ProjectionRequest request = ProjectionRequest.of(pairs, spec.options());
            String method = request.options().method().name().toLowerCase(Locale.ROOT);
            List<Map<String, Object>> answers = null;
            String failure = null;
            try {
                ProjectionRequest untranslated = request;
                request = inference.call(() -> RequestTranslator.withTargets(untranslated, translator));
            } catch (Exception e) {
                failure = "translation failed: " + e.getMessage();
            }
            if (failure == null) {
                try {
                    ProjectionRequest translated = request;
                    answers = inference.call(() -> {
                        try (ModelLeases batchLeases = new ModelLeases()) {
                            return ProjectionRunner.run(models, translated, batchLeases);
                        }
                    });
                } catch (Exception e) {
                    failure = "projection failed: " + e.getMessage();
                }
            }
            for (int i = 0; i < todo.size(); i++) {
                SearchHit hit = todo.get(i);
                if (answers == null) {
                    add(bulk, isError, reasons, hit.getId(), IndexDocuments.failed(hit.getId(), hit.getSourceAsMap(), failure, spec), failure);
                    continue;
                }
                Map<String, Object> answer = answers.get(i);
                spansProjected += ((List<?>) answer.get("spans")).size();
                spansUnprojected += ((List<?>) answer.get("unprojected")).size();
                add(bulk, isError, reasons, hit.getId(), IndexDocuments.projected(hit.getId(), hit.getSourceAsMap(), prepared.get(i),
                        answer, spec, method, request.options().model()), null);
            }
        }
        long projected = 0;
        if (bulk.numberOfActions() > 0) {
            BulkResponse response = client.bulk(bulk).actionGet();
            for (BulkItemResponse item : response.getItems()) {
                int k = item.getItemId();
                if (item.isFailed()) {
                    task.failed(item.getId(), "writing to [" + spec.destIndex() + "] failed: " + item.getFailureMessage());
                } else if (isError.get(k)) {
                    task.failed(item.getId(), reasons.get(k));
                } else {
                    projected++;
                }
            }
        }
        task.batchDone(projected, done.size(), spansProjected, spansUnprojected);
    }

    private void add(BulkRequest bulk, List<Boolean> isError, List<String> reasons, String id, Map<String, Object> doc, String reason) {
        bulk.add(new IndexRequest(spec.destIndex()).id(id).source(doc));
        isError.add(reason != null);
        reasons.add(reason);
    }

    /** Ids of the batch whose destination document exists without an error. */
    private Set<String> alreadyProjected(SearchHit[] hits) {
        MultiGetRequest get = new MultiGetRequest();
        FetchSourceContext only = new FetchSourceContext(true, new String[] {IndexProjectionSpec.META + ".error"}, null);
        for (SearchHit hit : hits) {
            get.add(new MultiGetRequest.Item(spec.destIndex(), hit.getId()).fetchSourceContext(only));
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
