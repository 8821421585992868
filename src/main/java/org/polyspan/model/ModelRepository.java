package org.polyspan.model;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.polyspan.core.TagHead;
import org.polyspan.seq2seq.Seq2SeqModel;
import org.polyspan.translation.TranslationModel;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The models of a directory, one sub-directory per model id. Models load on first use and stay loaded; a model that
 * fails to load reports why and is tried again on the next request, so fixing the files needs no restart.
 */
public final class ModelRepository implements AutoCloseable {
    private static final Pattern VALID_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private final Path root;
    private final OnnxWindowEncoder.Device device;
    private final int threads;
    private final Map<String, LabelingModel> loaded = new ConcurrentHashMap<>();
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    private final Map<String, TranslationModel> translationModels = new ConcurrentHashMap<>();

    public ModelRepository(Path root, OnnxWindowEncoder.Device device, int threads) {
        this.root = root;
        this.device = device;
        this.threads = threads;
    }

    public Path root() {
        return root;
    }

    public boolean exists(String id) {
        return VALID_ID.matcher(id).matches() && Files.isRegularFile(root.resolve(id).resolve("config.json"));
    }

    public List<String> ids() throws IOException {
        List<String> ids = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return ids;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
            for (Path d : dirs) {
                String id = d.getFileName().toString();
                if (exists(id)) {
                    ids.add(id);
                }
            }
        }
        ids.sort(null);
        return ids;
    }

    /** The loaded model; loads it if needed. */
    public LabelingModel get(String id) throws Exception {
        LabelingModel model = loaded.get(id);
        if (model != null) {
            return model;
        }
        synchronized (this) {
            model = loaded.get(id);
            if (model != null) {
                return model;
            }
            if (!exists(id)) {
                throw new IllegalArgumentException(unknownModelMessage(id));
            }
            try {
                model = LabelingModel.load(id, root.resolve(id), device, threads);
            } catch (Exception | Error e) {
                failures.put(id, String.valueOf(e.getMessage()));
                throw e;
            }
            failures.remove(id);
            loaded.put(id, model);
            return model;
        }
    }

    /**
     * The loaded translation model ({@code polyspan.layout = translation}), used to score translations; loads it if
     * needed. Kept apart from the labelling models: it labels nothing.
     */
    public TranslationModel translationModel(String id) throws Exception {
        TranslationModel model = translationModels.get(id);
        if (model != null) {
            return model;
        }
        synchronized (this) {
            model = translationModels.get(id);
            if (model != null) {
                return model;
            }
            if (!exists(id)) {
                throw new IllegalArgumentException(unknownModelMessage(id));
            }
            // another kind of model is not broken, just not this kind: nothing to record
            if (!TranslationModel.isTranslation(root.resolve(id))) {
                throw new IllegalArgumentException(TranslationModel.notTranslation(id));
            }
            try {
                model = TranslationModel.load(id, root.resolve(id), device == OnnxWindowEncoder.Device.CUDA, threads);
            } catch (Exception | Error e) {
                failures.put(id, String.valueOf(e.getMessage()));
                throw e;
            }
            failures.remove(id);
            translationModels.put(id, model);
            return model;
        }
    }

    /** What a model directory holds, as its {@code config.json} declares it. */
    public enum Kind {
        /** encoder with heads, or a Hugging Face token-classification export: labels words and gives word vectors */
        ENCODER("an encoder model"),
        /** {@code polyspan.layout = seq2seq}: labels by constrained text-to-text decoding, generates projection candidates */
        SEQ2SEQ("a text-to-text model"),
        /** {@code polyspan.layout = translation}: M2M100/NLLB, translates and scores translations */
        TRANSLATION("a translation model");

        private final String description;

        Kind(String description) {
            this.description = description;
        }

        /** e.g. "a text-to-text model", for error messages */
        public String description() {
            return description;
        }
    }

    /** The kind of an existing model, read from its config.json; nothing is loaded. */
    public Kind kind(String id) throws IOException {
        if (!exists(id)) {
            throw new IllegalArgumentException(unknownModelMessage(id));
        }
        JsonObject config;
        try {
            config = JsonParser.parseString(Files.readString(root.resolve(id).resolve("config.json"))).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new IOException("model [" + id + "] has an unreadable config.json: " + e.getMessage(), e);
        }
        if (TranslationModel.isTranslation(config)) {
            return Kind.TRANSLATION;
        }
        return Seq2SeqModel.isSeq2Seq(config) ? Kind.SEQ2SEQ : Kind.ENCODER;
    }

    /** Whether the model directory holds a translation model (read from its config; nothing is loaded). */
    public boolean isTranslation(String id) {
        try {
            return exists(id) && kind(id) == Kind.TRANSLATION;
        } catch (IOException e) {
            return false; // an unreadable config fails where the model is loaded, with its own message
        }
    }

    /** Drops the loaded translation model (if any) and loads its files again, e.g. after a new export was copied in. */
    public synchronized TranslationModel reloadTranslation(String id) throws Exception {
        TranslationModel old = translationModels.remove(id);
        if (old != null) {
            old.close();
        }
        return translationModel(id);
    }

    /** Drops the loaded copy (if any) and loads the model's files again, e.g. after a new head was installed. */
    public synchronized LabelingModel reload(String id) throws Exception {
        LabelingModel old = loaded.remove(id);
        if (old != null) {
            old.close();
        }
        return get(id);
    }

    public String unknownModelMessage(String id) {
        return "unknown model [" + id + "]: no directory with a config.json at " + root.resolve(id)
                + " (models are searched in " + root + ")";
    }

    /** One entry per model directory: id, state, heads and labels when loaded, usage figures. */
    public List<Map<String, Object>> describe() throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String id : ids()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            LabelingModel model = loaded.get(id);
            TranslationModel translation = translationModels.get(id);
            if (translation != null) {
                m.put("state", "loaded");
                m.put("task", "translation");
                m.put("description", translation.description());
                m.put("languages", translation.languages().codes());
            } else if (model != null) {
                m.put("state", "loaded");
                m.put("task", "token_classification");
                m.put("description", model.description());
                m.put("max_length", model.maxLength());
                Map<String, Object> heads = new LinkedHashMap<>();
                for (TagHead head : model.heads().values()) {
                    heads.put(head.name(), head.labels().entityTypes());
                }
                m.put("heads", heads);
                m.put("inference_count", model.inferenceCount());
                m.put("mean_latency_ms", model.meanLatencyMillis());
            } else if (failures.containsKey(id)) {
                m.put("state", "failed");
                m.put("error", failures.get(id));
            } else {
                m.put("state", "not_loaded");
            }
            out.add(m);
        }
        return out;
    }

    @Override
    public void close() {
        loaded.values().forEach(LabelingModel::close);
        loaded.clear();
        translationModels.values().forEach(TranslationModel::close);
        translationModels.clear();
    }
}
