package org.polyspan.runtime;

import org.polyspan.model.ModelFilesException;
import org.polyspan.model.ModelRepository;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What one node answers to the nodes-level models API, the same on every engine: describe its models, or reload or
 * unload one. Each engine runs it on every node with its own nodes action and gathers the answers with
 * {@link ModelsNodesAnswer}. Reload and unload wait for loads: run them off network and transport threads.
 */
public final class ModelsNodeOperation {
    public enum Operation {
        DESCRIBE,
        RELOAD,
        UNLOAD
    }

    /** What the nodes are asked: an operation, and the model to reload or unload ({@code null} for a describe). */
    public record Call(Operation operation, String modelId) {
        /** Why the call cannot run (a reload or unload without a model id), or {@code null}. */
        public String invalid() {
            if (operation != Operation.DESCRIBE && (modelId == null || modelId.isEmpty())) {
                return "a model id is required to " + operation.name().toLowerCase(Locale.ROOT);
            }
            return null;
        }
    }

    /** A node's answer: an HTTP-like status for what the operation did there, and its body (a JSON-like map). */
    public record Result(int status, Map<String, Object> body) {}

    private final ModelRepository models;

    public ModelsNodeOperation(ModelRepository models) {
        this.models = models;
    }

    /** Runs {@code call} on this node; {@code pools} reads the plugin's thread pools for a describe. */
    public Result run(Call call, Supplier<List<PluginStats.Pool>> pools) {
        return call.operation() == Operation.DESCRIBE ? describe(PluginStats.pools(pools.get())) : change(call.operation(), call.modelId());
    }

    /**
     * This node's models directory, memory use and limit, every model's state, and {@code pools}: the plugin's thread
     * pools as the engine reports them (name to threads, active, queue, rejected, completed).
     */
    public Result describe(Map<String, Object> pools) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("models_path", models.root().toString());
        body.put("loaded_bytes", models.loadedBytes());
        body.put("max_bytes", models.maxBytes());
        try {
            body.put("models", models.describe());
        } catch (IOException e) {
            body.put("error", "cannot list " + models.root() + ": " + e.getMessage());
        }
        body.put("thread_pools", pools);
        body.put("runtime", models.runtime());
        return new Result(200, body);
    }

    /** Reloads or unloads model {@code id} on this node: 200 with its status, or 404/400/429/500 with an {@code error}. */
    public Result change(Operation operation, String id) {
        if (operation == Operation.DESCRIBE) {
            throw new IllegalArgumentException("describe is not a change");
        }
        if (!models.exists(id) && !models.isLoaded(id)) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("id", id);
            body.put("error", models.unknownModelMessage(id));
            return new Result(404, body);
        }
        boolean reload = operation == Operation.RELOAD;
        try {
            Map<String, Object> status = reload ? Inference.call(() -> models.reload(id)) : Inference.call(() -> models.unload(id));
            return new Result(200, compatible(status));
        } catch (Exception e) {
            Map<String, Object> body = compatible(models.status(id));
            if (reload) {
                // a failed reload leaves the previous copy (if any) in service; the body's state says which
                body.put("state", "failed");
                body.put("in_service", models.status(id).get("state"));
            }
            body.put("error", "model [" + id + "] could not be " + (reload ? "loaded: " : "unloaded: ") + e.getMessage());
            return new Result(status(e), body);
        }
    }

    /**
     * 429 when retrying can succeed (still loading, over the memory limit), 400 for unusable files, 500 otherwise (a
     * model that fails its self-check among them: the node is fine, the model's answers are not).
     */
    public static int status(Exception e) {
        if (Inference.isRetryable(e)) {
            return 429;
        }
        return e instanceof ModelFilesException || e instanceof IllegalArgumentException ? 400 : 500;
    }

    /**
     * The reload answer's fields as before the nodes-level API ({@code heads} as a list of names, {@code languages} as
     * a count), followed by the model's state and figures on this node.
     */
    private static Map<String, Object> compatible(Map<String, Object> status) {
        Map<String, Object> out = new LinkedHashMap<>(status);
        if (status.get("heads") instanceof Map<?, ?> heads) {
            out.put("heads", new ArrayList<>(heads.keySet().stream().map(String::valueOf).toList()));
        }
        if (status.get("languages") instanceof List<?> languages) {
            out.put("languages", languages.size());
        }
        return out;
    }
}
