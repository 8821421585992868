package org.polyspan.plugin;

import org.opensearch.ExceptionsHelper;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.BytesRestResponse;
import org.opensearch.rest.RestRequest;
import org.opensearch.rest.RestResponse;
import org.opensearch.rest.action.RestActions;
import org.opensearch.rest.action.RestBuilderListener;
import org.opensearch.transport.client.node.NodeClient;
import org.polyspan.runtime.ModelsApi;
import org.polyspan.runtime.ModelsNodeOperation;
import org.polyspan.runtime.ModelsNodesAnswer;
import org.polyspan.runtime.Reply;

import java.util.List;
import java.util.Map;

/**
 * The models API under {@code _plugins/polyspan} ({@link ModelsApi}), answered by every node through
 * {@link ModelsAction}. Nothing is loaded on the network thread: the node operations run on the generic pool and loads
 * on the load pool.
 */
public final class RestModelsAction extends BaseRestHandler {
    @Override
    public String getName() {
        return ModelsApi.NAME;
    }

    @Override
    public List<Route> routes() {
        return EndpointHandler.routes(ModelsApi.ROUTES);
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        ModelsNodeOperation.Call call = ModelsApi.call(request.param("id"), request.path());
        ModelsNodesRequest nodesRequest = new ModelsNodesRequest(call);
        String timeout = request.param("timeout");
        if (timeout != null) {
            nodesRequest.timeout(timeout);
        }
        String localNode = client.getLocalNodeId();
        return channel -> client.execute(ModelsAction.INSTANCE, nodesRequest, new RestBuilderListener<>(channel) {
            @Override
            public RestResponse buildResponse(ModelsNodesResponse response, XContentBuilder b) throws Exception {
                List<ModelsNodesAnswer.NodeAnswer> answers = response.getNodes().stream()
                        .map(n -> new ModelsNodesAnswer.NodeAnswer(n.getNode().getId(), n.getNode().getName(), n.result())).toList();
                // a node that failed in transport answers with the engine's status for its exception
                List<ModelsNodesAnswer.NodeAnswer> failed = response.failures().stream().map(f -> {
                    Throwable cause = ExceptionsHelper.unwrapCause(f.getCause() != null ? f.getCause() : f);
                    return ModelsNodesAnswer.NodeAnswer.failed(f.nodeId(), ExceptionsHelper.status(cause).getStatus(), cause.getMessage());
                }).toList();
                Reply reply = ModelsApi.answer(call.operation(), answers, failed, localNode);
                // the nodes header and cluster name are OpenSearch's; the rest of the body is the core's
                b.startObject();
                RestActions.buildNodesHeader(b, request, response);
                b.field("cluster_name", response.getClusterName().value());
                for (Map.Entry<String, Object> e : reply.json().entrySet()) {
                    b.field(e.getKey(), e.getValue());
                }
                b.endObject();
                return new BytesRestResponse(RestStatus.fromCode(reply.status()), b);
            }
        });
    }
}
