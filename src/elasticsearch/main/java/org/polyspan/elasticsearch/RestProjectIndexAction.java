package org.polyspan.elasticsearch;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.search.SearchRequest;
import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.common.util.concurrent.EsRejectedExecutionException;
import org.elasticsearch.index.IndexNotFoundException;
import org.elasticsearch.index.query.AbstractQueryBuilder;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestChannel;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.RestResponse;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.xcontent.XContentParser;
import org.elasticsearch.xcontent.XContentType;
import org.polyspan.model.ModelRepository;
import org.polyspan.projection.IndexProjectionSpec;
import org.polyspan.projection.ProjectionRequest;
import org.polyspan.runtime.PluginPools;
import org.polyspan.runtime.ProjectIndexApi;
import org.polyspan.runtime.Reply;
import org.polyspan.translation.Translator;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.elasticsearch.rest.RestRequest.Method.POST;

/**
 * {@code POST _polyspan/_project/index}: projects the spans of every document of a source index (or of those a query
 * selects) onto a translation stored in the same documents, into a destination index, as a background task, with the
 * same body and answers as OpenSearch's {@code _plugins/polyspan/_project/index}. Answers {@code {"task": "<node>:<id>"}}
 * at once (follow it with {@code GET _tasks/<id>}, stop it with {@code POST _tasks/<id>/_cancel}), or the final counts
 * with {@code ?wait_for_completion=true}. Bad input, an unknown model, a missing source index, or {@code translate}
 * without a translator for the direction answer 400 before anything starts.
 */
public final class RestProjectIndexAction extends BaseRestHandler {
    private static final Logger LOGGER = LogManager.getLogger(RestProjectIndexAction.class);
    private final ModelRepository models;
    private final Translator.Lookup translators;

    RestProjectIndexAction(ModelRepository models, Translator.Lookup translators) {
        this.models = models;
        this.translators = translators;
    }

    @Override
    public String getName() {
        return "polyspan_project_index";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(POST, "/_polyspan/_project/index"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) throws IOException {
        boolean wait = request.paramAsBoolean("wait_for_completion", false);
        ProjectIndexRequest internal;
        try {
            Map<String, Object> body = Replies.body(request); // read first: an unread body is refused by the engine
            internal = new ProjectIndexRequest(ProjectIndexApi.job(body, wait, request.param("slices")));
            checkQuery(request, internal.job().spec());
        } catch (ProjectionRequest.PairException e) {
            return channel -> Replies.send(channel, ProjectIndexApi.badRequest(e));
        }
        String source = internal.job().spec().sourceIndex();
        // the source index must exist: a search of no hits answers that without reading any document
        SearchRequest probe = new SearchRequest(source).source(new SearchSourceBuilder().size(0).trackTotalHits(false));
        return channel -> client.search(probe, ActionListener.wrap(found -> {
            found.decRef();
            // checking models and the translator loads them or asks a service: not on a network thread but on the
            // plugin's project pool (a full queue answers 429)
            try {
                client.threadPool().executor(PluginPools.PROJECT).execute(() -> checkAndStart(channel, client, internal, wait));
            } catch (EsRejectedExecutionException e) {
                fail(channel, e);
            }
        }, e -> {
            if (e instanceof IndexNotFoundException) {
                Replies.send(channel, ProjectIndexApi.missingSource(source));
            } else {
                fail(channel, e);
            }
        }));
    }

    private void checkAndStart(RestChannel channel, NodeClient client, ProjectIndexRequest internal, boolean wait) {
        try {
            Reply bad = ProjectIndexApi.check(models, internal.job().spec(), translators);
            if (bad != null) {
                Replies.send(channel, bad);
            } else {
                start(channel, client, internal, wait);
            }
        } catch (Exception e) {
            fail(channel, Retryable.withStatus(e));
        }
    }

    private static void start(RestChannel channel, NodeClient client, ProjectIndexRequest internal, boolean wait) {
        if (wait) {
            client.executeLocally(ProjectIndexAction.INSTANCE, internal, ActionListener.wrap(
                    response -> Replies.send(channel, Reply.json(200, response.answer())), e -> fail(channel, e)));
            return;
        }
        // the task manager stores the result in the .tasks index (the request asks to); the listener only logs it
        Task task = client.executeLocally(ProjectIndexAction.INSTANCE, internal, ActionListener.wrap(
                response -> LOGGER.info("{} finished: {}", internal.getDescription(), org.elasticsearch.common.Strings.toString(response)),
                e -> LOGGER.warn(() -> internal.getDescription() + " failed", e)));
        Replies.send(channel, ProjectIndexApi.started(client.getLocalNodeId(), task.getId()));
    }

    private static void fail(RestChannel channel, Exception e) {
        try {
            channel.sendResponse(new RestResponse(channel, e));
        } catch (IOException io) {
            channel.sendResponse(new RestResponse(RestStatus.INTERNAL_SERVER_ERROR, "project/index failed: " + e.getMessage()));
        }
    }

    /** Parses the query with the node's query parsers so that a malformed one fails now, not in the task. */
    private static void checkQuery(RestRequest request, IndexProjectionSpec spec) {
        if (spec.query() == null) {
            return;
        }
        try (XContentParser parser = XContentType.JSON.xContent().createParser(request.contentParserConfig(),
                ElasticsearchIndexClient.json(spec.query()))) {
            AbstractQueryBuilder.parseTopLevelQuery(parser);
        } catch (Exception e) {
            throw new ProjectionRequest.PairException(-1, "query", "is not a valid query: " + e.getMessage());
        }
    }
}
