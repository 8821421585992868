package org.polyspan.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The models API without an engine: its routes, which {@link ModelsNodeOperation.Operation} a call asks for, and the
 * answer once every node has answered ({@link ModelsNodesAnswer}). The engine sends the operation to the nodes with
 * its nodes action and adds its own {@code _nodes} header and {@code cluster_name}.
 * <ul>
 *   <li>{@code GET .../models}: each model's heads and labels (read from its files, before any load) and, per node, its
 *       state, load time, memory, usage figures; per node, loaded bytes against the limit and the plugin's thread
 *       pools;</li>
 *   <li>{@code POST .../models/{id}/_reload}: loads the model's files again on every node and swaps the new copy in;
 *       calls in flight finish on the old copy;</li>
 *   <li>{@code POST .../models/{id}/_unload}: takes the model out of service on every node; the next call that needs it
 *       loads it again.</li>
 * </ul>
 */
public final class ModelsApi {
    public static final String NAME = "polyspan_models";
    public static final List<Endpoint.Route> ROUTES = List.of(new Endpoint.Route("GET", "/models"),
            new Endpoint.Route("POST", "/models/{id}/_reload"), new Endpoint.Route("POST", "/models/{id}/_unload"));

    private ModelsApi() {}

    /** What a call with this {@code id} parameter (null on the describe route) and path asks the nodes. */
    public static ModelsNodeOperation.Call call(String id, String path) {
        if (id == null) {
            return new ModelsNodeOperation.Call(ModelsNodeOperation.Operation.DESCRIBE, null);
        }
        return new ModelsNodeOperation.Call(path.endsWith("/_unload") ? ModelsNodeOperation.Operation.UNLOAD
                : ModelsNodeOperation.Operation.RELOAD, id);
    }

    /**
     * The body after the engine's header; {@code localNode} is the node that received the call. Nodes that failed in the
     * engine's transport ({@code failed}, see {@link ModelsNodesAnswer.NodeAnswer#failed}) count among a change's
     * answers, so that its status is the first failing node's; a description lists the nodes that answered, and the
     * engine's header counts the others.
     */
    public static Reply answer(ModelsNodeOperation.Operation operation, List<ModelsNodesAnswer.NodeAnswer> answers,
                               List<ModelsNodesAnswer.NodeAnswer> failed, String localNode) {
        if (operation == ModelsNodeOperation.Operation.DESCRIBE) {
            return ModelsNodesAnswer.describe(answers, Map.of(), localNode);
        }
        List<ModelsNodesAnswer.NodeAnswer> all = new ArrayList<>(answers);
        all.addAll(failed);
        return ModelsNodesAnswer.change(all, Map.of());
    }
}
