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

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.opensearch.rest.RestRequest.Method.GET;
import static org.opensearch.rest.RestRequest.Method.POST;

/**
 * The models API, answered by every node through {@link ModelsAction}:
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
    /** What a model's files say, the same on every node that has the same files; everything else is per node. */
    private static final Set<String> FILE_FIELDS = Set.of("id", "task", "description", "max_length", "heads", "file_bytes");

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
        ModelsNodesRequest.Operation operation = id == null ? ModelsNodesRequest.Operation.DESCRIBE
                : request.path().endsWith("/_unload") ? ModelsNodesRequest.Operation.UNLOAD : ModelsNodesRequest.Operation.RELOAD;
        ModelsNodesRequest nodesRequest = new ModelsNodesRequest(operation, id);
        String timeout = request.param("timeout");
        if (timeout != null) {
            nodesRequest.timeout(timeout);
        }
        String localNode = client.getLocalNodeId();
        return channel -> client.execute(ModelsAction.INSTANCE, nodesRequest, new RestBuilderListener<>(channel) {
            @Override
            public RestResponse buildResponse(ModelsNodesResponse response, XContentBuilder b) throws Exception {
                b.startObject();
                RestActions.buildNodesHeader(b, request, response);
                b.field("cluster_name", response.getClusterName().value());
                if (operation == ModelsNodesRequest.Operation.DESCRIBE) {
                    describe(b, response, localNode);
                    b.endObject();
                    return new BytesRestResponse(RestStatus.OK, b);
                }
                b.startObject("nodes");
                RestStatus status = null;
                for (ModelsNodeResponse node : sorted(response)) {
                    b.startObject(node.getNode().getId()).field("name", node.getNode().getName());
                    for (Map.Entry<String, Object> e : node.body().entrySet()) {
                        b.field(e.getKey(), e.getValue());
                    }
                    b.field("status", node.status().getStatus()).endObject();
                    if (status == null && node.status() != RestStatus.OK) {
                        status = node.status();
                    }
                }
                b.endObject().endObject();
                return new BytesRestResponse(status == null ? RestStatus.OK : status, b);
            }
        });
    }

    /**
     * {@code models}: one entry per model id found on any node, with the fields its files give and {@code nodes}, each
     * node's state and figures; its {@code state} is the nodes' common state, or {@code mixed}. {@code nodes}: each
     * node's models directory, memory and thread pools. {@code models_path} is this node's, for single-node clients.
     */
    @SuppressWarnings("unchecked")
    private static void describe(XContentBuilder b, ModelsNodesResponse response, String localNode) throws Exception {
        Map<String, Map<String, Object>> byId = new java.util.TreeMap<>();
        String modelsPath = null;
        b.startObject("nodes");
        for (ModelsNodeResponse node : sorted(response)) {
            Map<String, Object> body = node.body();
            if (modelsPath == null || node.getNode().getId().equals(localNode)) {
                modelsPath = (String) body.get("models_path");
            }
            b.startObject(node.getNode().getId()).field("name", node.getNode().getName());
            for (Map.Entry<String, Object> e : body.entrySet()) {
                if (!e.getKey().equals("models")) {
                    b.field(e.getKey(), e.getValue());
                }
            }
            b.endObject();
            for (Object o : (List<Object>) body.getOrDefault("models", List.of())) {
                Map<String, Object> model = (Map<String, Object>) o;
                Map<String, Object> merged = byId.computeIfAbsent((String) model.get("id"), k -> new LinkedHashMap<>());
                Map<String, Object> perNode = new LinkedHashMap<>();
                perNode.put("name", node.getNode().getName());
                for (Map.Entry<String, Object> e : model.entrySet()) {
                    if (FILE_FIELDS.contains(e.getKey())) {
                        merged.putIfAbsent(e.getKey(), e.getValue());
                    } else {
                        perNode.put(e.getKey(), e.getValue());
                    }
                }
                Object state = perNode.get("state");
                Object agreed = merged.get("state");
                merged.put("state", agreed == null || agreed.equals(state) ? state : "mixed");
                if ("failed".equals(state) && !merged.containsKey("error")) {
                    merged.put("error", perNode.get("error"));
                }
                ((Map<String, Object>) merged.computeIfAbsent("nodes", k -> new LinkedHashMap<>())).put(node.getNode().getId(), perNode);
            }
        }
        b.endObject();
        b.field("models_path", modelsPath);
        b.startArray("models");
        for (Map<String, Object> model : byId.values()) {
            Object nodes = model.remove("nodes");
            if (!"failed".equals(model.get("state"))) {
                model.remove("error");
            }
            model.put("nodes", nodes); // last, after the fields every node shares
            b.map(model);
        }
        b.endArray();
    }

    private static List<ModelsNodeResponse> sorted(ModelsNodesResponse response) {
        List<ModelsNodeResponse> nodes = new ArrayList<>(response.getNodes());
        nodes.sort(java.util.Comparator.comparing(n -> n.getNode().getId()));
        return nodes;
    }
}
