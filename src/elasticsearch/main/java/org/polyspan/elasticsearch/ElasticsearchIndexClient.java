package org.polyspan.elasticsearch;

import org.elasticsearch.ResourceAlreadyExistsException;
import org.elasticsearch.action.admin.indices.create.CreateIndexRequest;
import org.elasticsearch.action.admin.indices.refresh.RefreshRequest;
import org.elasticsearch.action.bulk.BulkItemResponse;
import org.elasticsearch.action.bulk.BulkRequest;
import org.elasticsearch.action.get.MultiGetItemResponse;
import org.elasticsearch.action.get.MultiGetRequest;
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
import org.elasticsearch.search.fetch.subphase.FetchSourceContext;
import org.elasticsearch.search.slice.SliceBuilder;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.json.JsonXContent;
import org.polyspan.runtime.IndexProjectionBatch;
import org.polyspan.runtime.IndexProjectionProgress;
import org.polyspan.runtime.IndexProjectionRun;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code _project/index} loop's calls ({@link IndexProjectionRun.IndexClient}) as Elasticsearch client requests. They
 * block: the loop runs on the plugin's project pool.
 */
record ElasticsearchIndexClient(Client client, ClusterService clusterService) implements IndexProjectionRun.IndexClient {
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

    /** Reads a page into plain maps and releases the response (ref-counted on Elasticsearch). */
    private static IndexProjectionRun.Page page(SearchResponse response) {
        try {
            List<IndexProjectionBatch.Source> hits = new ArrayList<>();
            for (SearchHit hit : response.getHits().getHits()) {
                hits.add(new IndexProjectionBatch.Source(hit.getId(), hit.getSourceAsMap()));
            }
            long total = response.getHits().getTotalHits() == null ? -1 : response.getHits().getTotalHits().value;
            return new IndexProjectionRun.Page(hits, total, response.getScrollId());
        } finally {
            response.decRef();
        }
    }

    @Override
    public void clearScroll(String scrollId) {
        ClearScrollRequest clear = new ClearScrollRequest();
        clear.addScrollId(scrollId);
        client.clearScroll(clear).actionGet();
    }

    @Override
    public boolean indexExists(String index) {
        return clusterService.state().metadata().hasIndex(index);
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
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        if (!indexExists(index)) {
            return out; // a multi-get of a missing index fails on Elasticsearch rather than answering "not found"
        }
        MultiGetRequest get = new MultiGetRequest();
        FetchSourceContext only = FetchSourceContext.of(true, new String[] {field}, null);
        for (String id : ids) {
            get.add(new MultiGetRequest.Item(index, id).fetchSourceContext(only));
        }
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

    /** A query object as JSON, for the wrapper query (and for the REST handler, which parses it when the request arrives). */
    static String json(Map<String, Object> map) throws java.io.IOException {
        try (XContentBuilder b = JsonXContent.contentBuilder()) {
            return org.elasticsearch.common.Strings.toString(b.map(map));
        }
    }
}
