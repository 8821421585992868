package org.polyspan.elasticsearch;

import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.core.TimeValue;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.RestResponse;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.rest.action.RestActions;
import org.elasticsearch.rest.action.RestBuilderListener;
import org.elasticsearch.xcontent.XContentBuilder;
import org.polyspan.runtime.ModelsApi;
import org.polyspan.runtime.ModelsNodeOperation;
import org.polyspan.runtime.ModelsNodesAnswer;
import org.polyspan.runtime.Reply;

import java.util.List;
import java.util.Map;

/**
 * The models API under {@code _polyspan} ({@link ModelsApi}), answered by every node through {@link ModelsAction}, as on
 * OpenSearch. Nothing is loaded on the network thread: the node operations run on the generic pool and loads on the
 * load pool.
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
            nodesRequest.timeout(TimeValue.parseTimeValue(timeout, "timeout"));
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
                b.startObject();
                RestActions.buildNodesHeader(b, request, response);
                b.field("cluster_name", response.getClusterName().value());
                for (Map.Entry<String, Object> e : reply.json().entrySet()) {
                    b.field(e.getKey(), e.getValue());
                }
                b.endObject();
                return new RestResponse(RestStatus.fromCode(reply.status()), b);
            }
        });
    }
}
