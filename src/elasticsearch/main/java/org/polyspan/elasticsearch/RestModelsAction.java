package org.polyspan.elasticsearch;

import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.threadpool.ThreadPool;
import org.polyspan.runtime.ModelsApi;

import java.util.List;

import static org.elasticsearch.rest.RestRequest.Method.GET;
import static org.elasticsearch.rest.RestRequest.Method.POST;

/**
 * {@code GET _polyspan/models} lists the models of this node's models directory;
 * {@code POST _polyspan/models/{id}/_reload} loads a model's files again (on the generic pool).
 */
public final class RestModelsAction extends BaseRestHandler {
    private final ModelsApi api;

    RestModelsAction(ModelsApi api) {
        this.api = api;
    }

    @Override
    public String getName() {
        return "polyspan_models";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(GET, "/_polyspan/models"), new Route(POST, "/_polyspan/models/{id}/_reload"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        String id = request.param("id");
        if (id == null) {
            return channel -> Replies.send(channel, api.list());
        }
        return channel -> client.threadPool().executor(ThreadPool.Names.GENERIC).execute(() -> Replies.send(channel, api.reload(id)));
    }
}
