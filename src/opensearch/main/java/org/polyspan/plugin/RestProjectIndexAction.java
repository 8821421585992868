package org.polyspan.plugin;

import org.opensearch.common.xcontent.XContentFactory;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.DeprecationHandler;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.index.query.AbstractQueryBuilder;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.BytesRestResponse;
import org.opensearch.rest.RestChannel;
import org.opensearch.rest.RestRequest;
import org.opensearch.tasks.LoggingTaskListener;
import org.opensearch.tasks.Task;
import org.opensearch.transport.client.node.NodeClient;
import org.polyspan.model.ModelRepository;
import org.polyspan.projection.IndexProjectionSpec;
import org.polyspan.projection.ProjectionRequest;
import org.polyspan.runtime.Inference;
import org.polyspan.runtime.PluginPools;
import org.polyspan.runtime.ProjectIndexApi;
import org.polyspan.runtime.Reply;
import org.polyspan.translation.Translator;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.opensearch.rest.RestRequest.Method.POST;

/**
 * {@code POST _plugins/polyspan/_project/index}: projects the spans of every document of a source index (or of those a
 * query selects) onto a translation stored in the same documents, into a destination index, as a background task.
 * Answers {@code {"task": "<node>:<id>"}} at once (follow it with {@code GET _tasks/<id>}, stop it with
 * {@code POST _tasks/<id>/_cancel}), or the final counts with {@code ?wait_for_completion=true}. {@code ?slices=N|auto}
 * splits the job as {@code _reindex} does: one child task per slice, spread over the nodes that have its models. Bad input, an unknown
 * model, a missing source index, or {@code translate} without a translator for the direction answer 400 before
 * anything starts.
 */
public final class RestProjectIndexAction extends BaseRestHandler {
    private final ModelRepository models;
    private final Translator.Lookup translators;

    /** {@code translators} finds Apertium's service when a request asks for {@code "translate": true}. */
    public RestProjectIndexAction(ModelRepository models, Translator.Lookup translators) {
        this.models = models;
        this.translators = translators;
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
        return channel -> client.admin().indices().prepareExists(source).execute(ActionListener.wrap(exists -> {
            if (!exists.isExists()) {
                Replies.send(channel, ProjectIndexApi.missingSource(source));
            } else {
                // checking models and the translator loads them or asks a service: not on a network thread but on the
                // plugin's project pool (a full queue answers 429 through the listener's failure path)
                client.threadPool().executor(PluginPools.PROJECT).execute(() -> {
                    try {
                        Reply bad = ProjectIndexApi.check(models, internal.job().spec(), translators);
                        if (bad != null) {
                            Replies.send(channel, bad);
                        } else {
                            start(channel, client, internal, wait);
                        }
                    } catch (Throwable t) {
                        fail(channel, ModelLoading.withStatus(Inference.asException("project/index failed", t))); // fatal JVM errors propagate
                    }
                });
            }
        }, e -> fail(channel, e)));
    }

    private static void start(RestChannel channel, NodeClient client, ProjectIndexRequest internal, boolean wait) {
        if (wait) {
            client.executeLocally(ProjectIndexAction.INSTANCE, internal, ActionListener.wrap(
                    response -> Replies.send(channel, Reply.json(200, response.answer())), e -> fail(channel, e)));
            return;
        }
        Task task = client.executeLocally(ProjectIndexAction.INSTANCE, internal, LoggingTaskListener.<ProjectIndexResponse>instance());
        Replies.send(channel, ProjectIndexApi.started(client.getLocalNodeId(), task.getId()));
    }

    private static void fail(RestChannel channel, Exception e) {
        try {
            channel.sendResponse(new BytesRestResponse(channel, e));
        } catch (IOException io) {
            channel.sendResponse(new BytesRestResponse(RestStatus.INTERNAL_SERVER_ERROR, "project/index failed: " + e.getMessage()));
        }
    }

    /** Parses the query with the node's query parsers so that a malformed one fails now, not in the task. */
    private static void checkQuery(RestRequest request, IndexProjectionSpec spec) {
        if (spec.query() == null) {
            return;
        }
        try (XContentBuilder b = XContentFactory.jsonBuilder().map(spec.query());
             XContentParser parser = JsonXContent.jsonXContent.createParser(request.getXContentRegistry(),
                     DeprecationHandler.THROW_UNSUPPORTED_OPERATION, BytesReference.bytes(b).streamInput())) {
            AbstractQueryBuilder.parseInnerQueryBuilder(parser);
        } catch (Exception e) {
            throw new ProjectionRequest.PairException(-1, "query", "is not a valid query: " + e.getMessage());
        }
    }
}
