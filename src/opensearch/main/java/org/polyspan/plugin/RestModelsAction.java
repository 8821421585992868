package org.polyspan.plugin;

import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.BytesRestResponse;
import org.opensearch.rest.RestRequest;
import org.opensearch.rest.RestResponse;
import org.opensearch.rest.action.RestActions;
import org.opensearch.rest.action.RestBuilderListener;
import org.opensearch.transport.client.node.NodeClient;

import org.polyspan.runtime.ModelsNodeOperation;
import org.polyspan.runtime.ModelsNodesAnswer;
import org.polyspan.runtime.Reply;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.opensearch.rest.RestRequest.Method.GET;
import static org.opensearch.rest.RestRequest.Method.POST;

/**
 * The models API, answered by every node through {@link ModelsAction}; the core's {@link ModelsNodesAnswer} gathers
 * the nodes' answers:
 * <ul>
 *   <li>{@code GET _plugins/polyspan/models}: each model's heads and labels (read from its files, before any load) and,
 *       per node, its state, load time, memory, usage figures; per node, loaded bytes against the limit and the
 *       plugin's thread pools;</li>
 *   <li>{@code POST _plugins/polyspan/models/{id}/_reload}: loads the model's files again on every node and swaps the
 *       new copy in; calls in flight finish on the old copy;</li>
 *   <li>{@code POST _plugins/polyspan/models/{id}/_unload}: takes the model out of service on every node; the next call
 *       that needs it loads it again.</li>
 * </ul>
 * Nothing is loaded on the network thread: the node operations run on the generic pool and loads on the load pool.
 */
public final class RestModelsAction extends BaseRestHandler {
    @Override
    public String getName() {
        return "polyspan_models";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(GET, "/_plugins/polyspan/models"), new Route(POST, "/_plugins/polyspan/models/{id}/_reload"),
                new Route(POST, "/_plugins/polyspan/models/{id}/_unload"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        String id = request.param("id");
        ModelsNodeOperation.Operation operation = id == null ? ModelsNodeOperation.Operation.DESCRIBE
                : request.path().endsWith("/_unload") ? ModelsNodeOperation.Operation.UNLOAD : ModelsNodeOperation.Operation.RELOAD;
        ModelsNodesRequest nodesRequest = new ModelsNodesRequest(operation, id);
        String timeout = request.param("timeout");
        if (timeout != null) {
            nodesRequest.timeout(timeout);
        }
        String localNode = client.getLocalNodeId();
        return channel -> client.execute(ModelsAction.INSTANCE, nodesRequest, new RestBuilderListener<>(channel) {
            @Override
            public RestResponse buildResponse(ModelsNodesResponse response, XContentBuilder b) throws Exception {
                List<ModelsNodesAnswer.NodeAnswer> answers = new ArrayList<>();
                for (ModelsNodeResponse node : response.getNodes()) {
                    answers.add(new ModelsNodesAnswer.NodeAnswer(node.getNode().getId(), node.getNode().getName(), node.result()));
                }
                // the nodes header and cluster name are OpenSearch's; the rest of the body is the core's
                Reply reply = operation == ModelsNodeOperation.Operation.DESCRIBE
                        ? ModelsNodesAnswer.describe(answers, Map.of(), localNode) : ModelsNodesAnswer.change(answers, Map.of());
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
