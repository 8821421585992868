package org.polyspan.runtime;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The body of a nodes-level models answer after the engine's {@code _nodes} header and {@code cluster_name}, the
 * same on every engine: for a reload or unload, one entry per node; for a describe, each node's directory, memory and
 * pools, and each model once with the fields its files give and its state per node.
 */
public final class ModelsNodesAnswer {
    /** What a model's files say, the same on every node that has the same files; everything else is per node. */
    private static final Set<String> FILE_FIELDS = Set.of("id", "task", "description", "max_length", "heads", "file_bytes");

    /** One node's answer as the engine's nodes action gathered it. */
    public record NodeAnswer(String nodeId, String nodeName, ModelsNodeOperation.Result result) {
        /** A node whose operation failed in the engine's transport (a timeout, an exception): its status and reason. */
        public static NodeAnswer failed(String nodeId, int status, String reason) {
            return new NodeAnswer(nodeId, nodeId, new ModelsNodeOperation.Result(status, Map.of("error", String.valueOf(reason))));
        }
    }

    private ModelsNodesAnswer() {}

    /**
     * {@code nodes}: each node's body with its {@code name} and {@code status}. The HTTP status is 200 when every node
     * succeeded, else the first failing node's (in node id order).
     */
    public static Reply change(List<NodeAnswer> answers, Map<String, Object> header) {
        Map<String, Object> nodes = new LinkedHashMap<>();
        int status = 200;
        for (NodeAnswer node : sorted(answers)) {
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("name", node.nodeName());
            n.putAll(node.result().body());
            n.put("status", node.result().status());
            nodes.put(node.nodeId(), n);
            if (status == 200 && node.result().status() != 200) {
                status = node.result().status();
            }
        }
        Map<String, Object> body = new LinkedHashMap<>(header);
        body.put("nodes", nodes);
        return Reply.json(status, body);
    }

    /**
     * {@code nodes}: each node's models directory, memory and thread pools; {@code models_path}: the receiving node's
     * ({@code localNode}), for single-node clients; {@code models}: one entry per model id found on any node, with
     * the fields its files give and {@code nodes}, each node's state and figures; its {@code state} is the nodes'
     * common state, or {@code mixed}.
     */
    @SuppressWarnings("unchecked")
    public static Reply describe(List<NodeAnswer> answers, Map<String, Object> header, String localNode) {
        Map<String, Map<String, Object>> byId = new TreeMap<>();
        String modelsPath = null;
        Map<String, Object> nodes = new LinkedHashMap<>();
        for (NodeAnswer node : sorted(answers)) {
            Map<String, Object> body = node.result().body();
            if (modelsPath == null || node.nodeId().equals(localNode)) {
                modelsPath = (String) body.get("models_path");
            }
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("name", node.nodeName());
            body.forEach((k, v) -> {
                if (!k.equals("models")) {
                    n.put(k, v);
                }
            });
            nodes.put(node.nodeId(), n);
            for (Object o : (List<Object>) body.getOrDefault("models", List.of())) {
                Map<String, Object> model = (Map<String, Object>) o;
                Map<String, Object> merged = byId.computeIfAbsent((String) model.get("id"), k -> new LinkedHashMap<>());
                Map<String, Object> perNode = new LinkedHashMap<>();
                perNode.put("name", node.nodeName());
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
                ((Map<String, Object>) merged.computeIfAbsent("nodes", k -> new LinkedHashMap<>())).put(node.nodeId(), perNode);
            }
        }
        List<Object> models = new ArrayList<>();
        for (Map<String, Object> model : byId.values()) {
            Object perNode = model.remove("nodes");
            if (!"failed".equals(model.get("state"))) {
                model.remove("error");
            }
            model.put("nodes", perNode); // last, after the fields every node shares
            models.add(model);
        }
        Map<String, Object> body = new LinkedHashMap<>(header);
        body.put("nodes", nodes);
        body.put("models_path", modelsPath);
        body.put("models", models);
        return Reply.json(200, body);
    }

    private static List<NodeAnswer> sorted(List<NodeAnswer> answers) {
        List<NodeAnswer> nodes = new ArrayList<>(answers);
        nodes.sort(Comparator.comparing(NodeAnswer::nodeId));
        return nodes;
    }
}
