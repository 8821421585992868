package org.polyspan.plugin;

import org.opensearch.common.util.concurrent.AbstractRunnable;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.RestRequest;
import org.opensearch.transport.client.node.NodeClient;
import org.polyspan.model.InferenceRejections;
import org.polyspan.model.ModelRepository;
import org.polyspan.projection.ProjectionRequest;
import org.polyspan.runtime.PluginPools;
import org.polyspan.runtime.ProjectApi;
import org.polyspan.runtime.Reply;
import org.polyspan.translation.Translator;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.opensearch.rest.RestRequest.Method.POST;

/**
 * {@code POST _plugins/polyspan/_project}, answered by the core's {@link ProjectApi}: the body is checked on the
 * network thread (400 naming the pair and the field); translation and projection run on the plugin's inference pool
 * ({@link PluginPools#INFERENCE}), whose full queue answers 429.
 */
public final class RestProjectAction extends BaseRestHandler {
    private final ProjectApi api;
    private final InferenceRejections rejections;

    RestProjectAction(ProjectApi api, InferenceRejections rejections) {
        this.api = api;
        this.rejections = rejections;
    }

    /** {@code translators} finds Apertium's service when a request asks for {@code "translate": true}. */
    public RestProjectAction(ModelRepository models, Translator.Lookup translators, InferenceRejections rejections) {
        this(new ProjectApi(models, translators), rejections);
    }

    @Override
    public String getName() {
        return "polyspan_project";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(POST, "/_plugins/polyspan/_project"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) throws IOException {
        Map<String, Object> body = Replies.body(request);
        ProjectApi.Parsed parsed;
        try {
            parsed = ProjectApi.parse(body);
        } catch (ProjectionRequest.PairException e) {
            return channel -> Replies.send(channel, ProjectApi.badRequest(e));
        }
        return channel -> client.threadPool().executor(PluginPools.INFERENCE).execute(new AbstractRunnable() {
            @Override
            protected void doRun() {
                Replies.send(channel, api.run(parsed));
            }

            @Override
            public void onRejection(Exception e) {
                rejections.rejected(0);
                Replies.send(channel, Reply.error(429, null, "rejected: the [" + PluginPools.INFERENCE
                        + "] queue is full (" + PluginPools.INFERENCE_QUEUE_SIZE_KEY + "); retry later"));
            }

            @Override
            public void onFailure(Exception e) {
                // ProjectApi answers every failure itself; this is for failures while answering
                Replies.send(channel, Reply.error(500, null, "projection failed: " + e.getMessage()));
            }
        });
    }
}
