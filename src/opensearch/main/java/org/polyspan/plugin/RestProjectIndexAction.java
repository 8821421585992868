package org.polyspan.plugin;

import org.opensearch.common.xcontent.XContentFactory;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.xcontent.DeprecationHandler;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.index.query.AbstractQueryBuilder;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.RestChannel;
import org.opensearch.rest.RestRequest;
import org.opensearch.tasks.LoggingTaskListener;
import org.opensearch.tasks.Task;
import org.opensearch.transport.client.node.NodeClient;
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

import static org.opensearch.rest.RestRequest.Method.POST;

/**
 * {@code POST _plugins/polyspan/_project/index}: projects the spans of every document of a source index (or of those a
 * query selects) onto a translation stored in the same documents, into a destination index, as a background task.
 * Answers {@code {"task": "<node>:<id>"}} at once (follow it with {@code GET _tasks/<id>}, stop it with
 * {@code POST _tasks/<id>/_cancel}), or the final counts with {@code ?wait_for_completion=true}. {@code ?slices=N|auto}
 * splits the job as {@code _reindex} does: one child task per slice, spread over the nodes that have its models. The
 * request's path is the core's {@link ProjectIndexStart}; this handler gives it OpenSearch's parsers, client and tasks.
 */
public final class RestProjectIndexAction extends BaseRestHandler {
    private final ProjectIndexStart start;

    /** {@code translators} finds Apertium's service when a request asks for {@code "translate": true}. */
    public RestProjectIndexAction(ModelRepository models, Translator.Lookup translators) {
        this.start = new ProjectIndexStart(models, translators, ModelLoading::withStatus);
    }

    @Override
    public String getName() {
        return "polyspan_project_index";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(POST, "/_plugins/polyspan/_project/index"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) throws IOException {
        Map<String, Object> body = Replies.body(request); // read first: an unread body is refused by the engine
        boolean wait = request.paramAsBoolean("wait_for_completion", false);
        String slices = request.param("slices");
        return channel -> start.handle(body, wait, slices, new Engine(request, client, channel));
    }

    /** The steps of {@link ProjectIndexStart} in OpenSearch's terms. */
    private record Engine(RestRequest request, NodeClient client, RestChannel channel) implements ProjectIndexStart.Engine {
        @Override
        public void parseQuery(Map<String, Object> query) throws Exception {
            try (XContentBuilder b = XContentFactory.jsonBuilder().map(query);
                 XContentParser parser = JsonXContent.jsonXContent.createParser(request.getXContentRegistry(),
                         DeprecationHandler.THROW_UNSUPPORTED_OPERATION, BytesReference.bytes(b).streamInput())) {
                AbstractQueryBuilder.parseInnerQueryBuilder(parser);
            }
        }

        @Override
        public void indexExists(String index, Consumer<Boolean> exists, Consumer<Exception> failed) {
            client.admin().indices().prepareExists(index).execute(ActionListener.wrap(r -> exists.accept(r.isExists()), failed::accept));
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

        @Override
        public ProjectIndexStart.StartedTask startInBackground(IndexProjectionJobRequest job) {
            Task task = client.executeLocally(ProjectIndexAction.INSTANCE, new ProjectIndexRequest(job),
                    LoggingTaskListener.<ProjectIndexResponse>instance());
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
