package org.polyspan.elasticsearch;

import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.common.util.concurrent.EsRejectedExecutionException;
import org.elasticsearch.rest.RestResponse;
import org.polyspan.runtime.PluginPools;
import org.polyspan.projection.ProjectionRequest;
import org.polyspan.model.InferenceRejections;
import org.polyspan.runtime.ProjectApi;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.elasticsearch.rest.RestRequest.Method.POST;

/**
 * {@code POST _polyspan/_project}: the body is checked on the network thread (400 naming the pair and the field);
 * translation and projection run on the plugin's {@code polyspan_inference} pool, whose full queue answers 429.
 */
public final class RestProjectAction extends BaseRestHandler {
    private final ProjectApi api;

    private final InferenceRejections rejections;

    RestProjectAction(ProjectApi api, InferenceRejections rejections) {
        this.api = api;
        this.rejections = rejections;
    }

    @Override
    public String getName() {
        return "polyspan_project";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(POST, "/_polyspan/_project"));
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
        return channel -> {
            try {
                client.threadPool().executor(PluginPools.INFERENCE).execute(() -> Replies.send(channel, api.run(parsed)));
            } catch (EsRejectedExecutionException e) {
                rejections.rejected(0);
                channel.sendResponse(new RestResponse(channel, new EsRejectedExecutionException("rejected _project: the ["
                        + PluginPools.INFERENCE + "] queue is full (" + PluginPools.INFERENCE_QUEUE_SIZE_KEY + "); retry later",
                        e.isExecutorShutdown())));
            }
        };
    }
}
