package org.polyspan.elasticsearch;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.search.SearchRequest;
import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.index.IndexNotFoundException;
import org.elasticsearch.index.query.AbstractQueryBuilder;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestChannel;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.search.builder.SearchSourceBuilder;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.xcontent.XContentParser;
import org.elasticsearch.xcontent.XContentType;
import org.polyspan.model.ModelRepository;
import org.polyspan.runtime.IndexProjectionJobRequest;
import org.polyspan.runtime.PluginPools;
import org.polyspan.runtime.ProjectIndexStart;
import org.polyspan.runtime.Reply;
import org.polyspan.translation.Translator;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import static org.elasticsearch.rest.RestRequest.Method.POST;

/**
 * {@code POST _polyspan/_project/index}: projects the spans of every document of a source index (or of those a query
 * selects) onto a translation stored in the same documents, into a destination index, as a background task, with the
 * same body and answers as OpenSearch's {@code _plugins/polyspan/_project/index}. Answers {@code {"task": "<node>:<id>"}}
 * at once (follow it with {@code GET _tasks/<id>}, stop it with {@code POST _tasks/<id>/_cancel}), or the final counts
 * with {@code ?wait_for_completion=true}. The request's path is the core's {@link ProjectIndexStart}; this handler
 * gives it Elasticsearch's parsers, client and tasks.
 */
public final class RestProjectIndexAction extends BaseRestHandler {
    private static final Logger LOGGER = LogManager.getLogger(RestProjectIndexAction.class);
    private final ProjectIndexStart start;

    RestProjectIndexAction(ModelRepository models, Translator.Lookup translators) {
        this.start = new ProjectIndexStart(models, translators, Retryable::withStatus);
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
        Map<String, Object> body = Replies.body(request); // read first: an unread body is refused by the engine
        boolean wait = request.paramAsBoolean("wait_for_completion", false);
        String slices = request.param("slices");
        return channel -> start.handle(body, wait, slices, new Engine(request, client, channel));
    }

    /** The steps of {@link ProjectIndexStart} in Elasticsearch's terms. */
    private record Engine(RestRequest request, NodeClient client, RestChannel channel) implements ProjectIndexStart.Engine {
        @Override
        public void parseQuery(Map<String, Object> query) throws Exception {
            try (XContentParser parser = XContentType.JSON.xContent().createParser(request.contentParserConfig(),
                    ElasticsearchIndexClient.json(query))) {
                AbstractQueryBuilder.parseTopLevelQuery(parser);
            }
        }

        /** A search of no hits: it answers whether the index exists without reading any document. */
        @Override
        public void indexExists(String index, Consumer<Boolean> exists, Consumer<Exception> failed) {
            SearchRequest probe = new SearchRequest(index).source(new SearchSourceBuilder().size(0).trackTotalHits(false));
            client.search(probe, ActionListener.wrap(found -> {
                found.decRef();
                exists.accept(true);
            }, e -> {
                if (e instanceof IndexNotFoundException) {
                    exists.accept(false);
                } else {
                    failed.accept(e);
                }
            }));
        }

        @Override
        public Executor projectPool() {
            return client.threadPool().executor(PluginPools.PROJECT);
        }

        @Override
        public void runAndWait(IndexProjectionJobRequest job, Consumer<Map<String, Object>> answer, Consumer<Exception> failed) {
            client.executeLocally(ProjectIndexAction.INSTANCE, new ProjectIndexRequest(job),
                    ActionListener.wrap(response -> answer.accept(response.answer()), failed::accept));
        }

        /** The task manager stores the result in the {@code .tasks} index (the request asks to); the listener only logs it. */
        @Override
        public ProjectIndexStart.StartedTask startInBackground(IndexProjectionJobRequest job) {
            ProjectIndexRequest internal = new ProjectIndexRequest(job);
            Task task = client.executeLocally(ProjectIndexAction.INSTANCE, internal, ActionListener.wrap(
                    response -> LOGGER.info("{} finished: {}", internal.getDescription(), org.elasticsearch.common.Strings.toString(response)),
                    e -> LOGGER.warn(() -> internal.getDescription() + " failed", e)));
            return new ProjectIndexStart.StartedTask(client.getLocalNodeId(), task.getId());
        }

        @Override
        public void send(Reply reply) {
            Replies.send(channel, reply);
        }

        @Override
        public void fail(Exception e) {
            Replies.fail(channel, e);
        }
    }
}
