package org.polyspan.elasticsearch;

import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.polyspan.runtime.Endpoint;
import org.polyspan.runtime.PluginPools;

import java.io.IOException;
import java.util.List;

/**
 * Serves one of the core's {@link Endpoint}s under {@code _polyspan}: Elasticsearch's request behind the endpoint's
 * {@link Endpoint.Call}, its answer written by {@link Replies}, work for the inference pool run there. A full queue
 * answers Elasticsearch's own 429 ({@code es_rejected_execution_exception}).
 */
public final class EndpointHandler extends BaseRestHandler {
    static final String PREFIX = "/_polyspan";

    private final Endpoint endpoint;

    EndpointHandler(Endpoint endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public String getName() {
        return endpoint.name();
    }

    @Override
    public List<Route> routes() {
        return routes(endpoint.routes());
    }

    /** The core's routes under {@link #PREFIX}. */
    static List<Route> routes(List<Endpoint.Route> routes) {
        return routes.stream().map(r -> new Route(RestRequest.Method.valueOf(r.method()), PREFIX + r.path())).toList();
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) throws IOException {
        Endpoint.Answer answer = endpoint.answer(new Endpoint.Call(request::param, () -> Replies.body(request), client.getLocalNodeId()));
        return channel -> answer.send(client.threadPool().executor(PluginPools.INFERENCE), reply -> Replies.send(channel, reply),
                (message, e) -> Replies.fail(channel, PluginThreadPools.rejected(message, e)));
    }
}
