package org.polyspan.runtime;

import org.polyspan.model.LabelingModel;
import org.polyspan.model.ModelRepository;
import org.polyspan.translation.TranslationModel;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answers of the models endpoints ({@code GET .../models} and {@code POST .../models/{id}/_reload}), the same
 * on every engine. {@link #reload} loads models: call it off the engine's network threads.
 */
public final class ModelsApi {
    private final ModelRepository models;

    public ModelsApi(ModelRepository models) {
        this.models = models;
    }

    /** {@code {"models_path": ..., "models": [{id, state, heads, ...}, ...]}}. */
    public Reply list() throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("models_path", models.root().toString());
        body.put("models", new ArrayList<>(models.describe()));
        return Reply.json(200, body);
    }

    /** Loads model {@code id}'s files again: 404 for an unknown model, 500 with the cause when it cannot load. */
    public Reply reload(String id) {
        if (!models.exists(id)) {
            return flatError(404, models.unknownModelMessage(id));
        }
        try {
            // loads the new copy first and swaps it in; calls in flight finish on the old one
            return Reply.json(200, Inference.call(() -> models.reload(id)));
        } catch (Exception e) {
            return flatError(500, "model [" + id + "] could not be loaded: " + e.getMessage());
        }
    }

    private static Reply flatError(int status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        body.put("status", status);
        return Reply.json(status, body);
    }
}
