package org.polyspan.plugin;

import org.opensearch.ResourceAlreadyExistsException;
import org.opensearch.action.admin.indices.create.CreateIndexRequest;
import org.opensearch.action.admin.indices.refresh.RefreshRequest;
import org.opensearch.action.bulk.BulkItemResponse;
import org.opensearch.action.bulk.BulkRequest;
import org.opensearch.action.get.MultiGetItemResponse;
import org.opensearch.action.get.MultiGetRequest;
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
import org.polyspan.runtime.IndexProjectionBatch;
import org.polyspan.runtime.IndexProjectionProgress;
import org.polyspan.runtime.IndexProjectionRun;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code _project/index} loop's calls ({@link IndexProjectionRun.IndexClient}) as OpenSearch client requests. They
 * block: the loop runs on the plugin's project pool.
 */
record OpenSearchIndexClient(Client client) implements IndexProjectionRun.IndexClient {
    private static final TimeValue KEEP_ALIVE = TimeValue.timeValueMinutes(10);

    @Override
    public IndexProjectionRun.Page search(String index, Map<String, Object> query, int size, int sliceId, int sliceMax) throws Exception {
        SearchSourceBuilder source = new SearchSourceBuilder().size(size).sort("_doc").trackTotalHits(true);
        if (query != null) {
            source.query(QueryBuilders.wrapperQuery(json(query)));
        }
        if (sliceMax > 1) {
            source.slice(new SliceBuilder(sliceId, sliceMax));
        }
        return page(client.search(new SearchRequest(index).scroll(KEEP_ALIVE).source(source)).actionGet());
    }

    @Override
    public IndexProjectionRun.Page scroll(String scrollId) {
        return page(client.searchScroll(new SearchScrollRequest(scrollId).scroll(KEEP_ALIVE)).actionGet());
    }

    private static IndexProjectionRun.Page page(SearchResponse response) {
        List<IndexProjectionBatch.Source> hits = new ArrayList<>();
        for (SearchHit hit : response.getHits().getHits()) {
            hits.add(new IndexProjectionBatch.Source(hit.getId(), hit.getSourceAsMap()));
        }
        long total = response.getHits().getTotalHits() == null ? -1 : response.getHits().getTotalHits().value();
        return new IndexProjectionRun.Page(hits, total, response.getScrollId());
    }

    @Override
    public void clearScroll(String scrollId) {
        ClearScrollRequest clear = new ClearScrollRequest();
        clear.addScrollId(scrollId);
        client.clearScroll(clear).actionGet();
    }

    @Override
    public boolean indexExists(String index) {
        return client.admin().indices().prepareExists(index).get().isExists();
    }

    @Override
    public void createIndex(String index, Map<String, Object> settings, Map<String, Object> mappings) {
        try {
            client.admin().indices().create(new CreateIndexRequest(index).settings(settings).mapping(mappings)).actionGet();
        } catch (ResourceAlreadyExistsException e) {
            // created meanwhile by a concurrent run or slice: documents are written by id either way
        }
    }

    @Override
    public Map<String, Map<String, Object>> sources(String index, List<String> ids, String field) {
        MultiGetRequest get = new MultiGetRequest();
        FetchSourceContext only = new FetchSourceContext(true, new String[] {field}, null);
        for (String id : ids) {
            get.add(new MultiGetRequest.Item(index, id).fetchSourceContext(only));
        }
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (MultiGetItemResponse item : client.multiGet(get).actionGet().getResponses()) {
            if (!item.isFailed() && item.getResponse().isExists()) {
                out.put(item.getId(), item.getResponse().getSourceAsMap());
            }
        }
        return out;
    }

    @Override
    public List<IndexProjectionProgress.WriteOutcome> bulk(List<IndexProjectionBatch.Write> writes) {
        BulkRequest bulk = new BulkRequest();
        for (IndexProjectionBatch.Write w : writes) {
            bulk.add(new IndexRequest(w.index()).id(w.id()).source(w.document()));
        }
        List<IndexProjectionProgress.WriteOutcome> outcomes = new ArrayList<>();
        for (BulkItemResponse item : client.bulk(bulk).actionGet().getItems()) {
            outcomes.add(new IndexProjectionProgress.WriteOutcome(item.getItemId(), item.isFailed() ? item.getFailureMessage() : null));
        }
        return outcomes;
    }

    @Override
    public void refresh(String index) {
        client.admin().indices().refresh(new RefreshRequest(index)).actionGet();
    }

    private static String json(Map<String, Object> map) throws Exception {
        try (XContentBuilder b = XContentFactory.jsonBuilder()) {
            return BytesReference.bytes(b.map(map)).utf8ToString();
        }
    }
}
