package org.polyspan.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.polyspan.labeling.BioLabels;
import org.polyspan.onnx.ModelLayout;
import org.polyspan.seq2seq.Seq2SeqModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What a model directory holds, read from its files without loading anything: its kind, heads and their entity
 * labels, maximum length and size on disk. Reading it checks that the files a load needs are there and well formed,
 * so a pipeline naming a broken model is refused before any load, and the models API can list heads of models that
 * were never loaded.
 */
public record ModelFiles(String id, Path dir, Kind kind, String description, int maxLength, Map<String, List<String>> heads,
                         long bytes) {

    /** What the model is for, from its {@link ModelLayout}: both encoder layouts classify tokens. */
    public enum Kind {
        TOKEN_CLASSIFICATION("token_classification"),
        TEXT_TO_TEXT("text_to_text"),
        TRANSLATION("translation");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Whether the model labels spans (token classification or text-to-text); a translation model does not. */
    public boolean labels() {
        return kind != Kind.TRANSLATION;
    }

    /** Every entity label of every head. */
    public Set<String> entityTypes() {
        Set<String> out = new LinkedHashSet<>();
        heads.values().forEach(out::addAll);
        return out;
    }

    /** Reads and checks the directory of model {@code id}; the exception names the file at fault. */
    public static ModelFiles read(String id, Path dir) throws ModelFilesException {
        Path configFile = dir.resolve("config.json");
        if (!Files.isRegularFile(configFile)) {
            throw new ModelFilesException("model [" + id + "] has no config.json in " + dir);
        }
        JsonObject config;
        try {
            config = JsonParser.parseString(Files.readString(configFile)).getAsJsonObject();
        } catch (IOException | RuntimeException e) {
            throw new ModelFilesException("model [" + id + "]: config.json is not a JSON object: " + e.getMessage(), e);
        }
        try {
            JsonObject poly = config.has("polyspan") ? config.getAsJsonObject("polyspan") : new JsonObject();
            String description = poly.has("description") ? poly.get("description").getAsString() : "";
            long bytes = bytes(dir);
            ModelLayout layout = ModelLayout.of(config);
            if (layout == ModelLayout.TRANSLATION) {
                require(id, dir, "tokenizer.json");
                require(id, dir, "encoder_model.onnx");
                return new ModelFiles(id, dir, Kind.TRANSLATION, description, 0, Map.of(), bytes);
            }
            if (layout == ModelLayout.TEXT_TO_TEXT) {
                List<String> labels = Seq2SeqModel.options(config).labels();
                require(id, dir, "encoder_model.onnx");
                requireOne(id, dir, "decoder_model_merged.onnx", "decoder_model.onnx");
                requireOne(id, dir, "tokenizer.json", "spiece.model", "sentencepiece.bpe.model", "tokenizer.model");
                int maxLength = Seq2SeqModel.options(config).maxInputTokens();
                return new ModelFiles(id, dir, Kind.TEXT_TO_TEXT, description, maxLength,
                        Map.of(LabelingModel.DEFAULT_HEAD, List.copyOf(labels)), bytes);
            }
            boolean encoderHeads = layout == ModelLayout.ENCODER_HEADS;
            int maxLength = poly.has("max_length") ? poly.get("max_length").getAsInt()
                    : config.has("max_position_embeddings") ? Math.min(512, config.get("max_position_embeddings").getAsInt()) : 512;
            require(id, dir, "tokenizer.json");
            Map<String, List<String>> heads = new LinkedHashMap<>();
            if (encoderHeads) {
                require(id, dir, poly.has("encoder") ? poly.get("encoder").getAsString() : "encoder.onnx");
                for (Path f : HeadFiles.list(dir.resolve("heads"))) {
                    head(id, f, heads);
                }
            } else {
                require(id, dir, "model.onnx");
                heads.put(LabelingModel.DEFAULT_HEAD, entityTypes(id2label(id, config)));
            }
            return new ModelFiles(id, dir, Kind.TOKEN_CLASSIFICATION, description, maxLength, heads, bytes);
        } catch (ModelFilesException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ModelFilesException("model [" + id + "]: " + e.getMessage(), e);
        }
    }

    /** Adds the name and labels of one head file, checked against the size of its weights file (which is not read). */
    private static void head(String id, Path json, Map<String, List<String>> heads) throws IOException {
        JsonObject o = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        if (!o.has("labels") || !o.has("input_dim")) {
            throw new ModelFilesException("model [" + id + "]: head file " + json.getFileName() + " needs labels and input_dim");
        }
        List<String> labels = new ArrayList<>();
        for (JsonElement e : o.getAsJsonArray("labels")) {
            labels.add(e.getAsString());
        }
        String name = o.has("name") ? o.get("name").getAsString() : json.getFileName().toString().replaceFirst("\\.json$", "");
        Path bin = json.resolveSibling(o.has("weights") ? o.get("weights").getAsString() : name + ".bin");
        int hiddenSize = HeadFiles.hiddenSize(o, json);
        long expected = HeadFiles.weightBytes(labels.size(), o.get("input_dim").getAsLong(), hiddenSize);
        if (!Files.isRegularFile(bin)) {
            throw new ModelFilesException("model [" + id + "]: head [" + name + "] has no weights file " + bin.getFileName());
        }
        if (Files.size(bin) != expected) {
            throw new ModelFilesException("model [" + id + "]: " + bin.getFileName() + " has " + Files.size(bin) + " bytes, expected "
                    + expected + " for " + HeadFiles.shape(labels.size(), o.get("input_dim").getAsLong(), hiddenSize));
        }
        if (o.has("centering") && o.get("centering").getAsString().equalsIgnoreCase("language")
                && !Files.isRegularFile(json.resolveSibling(LanguageCentroidFiles.fileOf(o)))) {
            throw new ModelFilesException("model [" + id + "]: head [" + name + "] has \"centering\": \"language\" but there is no "
                    + LanguageCentroidFiles.fileOf(o) + " beside it");
        }
        heads.put(name, entityTypes(labels));
    }

    private static List<String> entityTypes(List<String> tags) {
        return List.copyOf(new BioLabels(tags).entityTypes());
    }

    private static List<String> id2label(String id, JsonObject config) throws ModelFilesException {
        if (!config.has("id2label")) {
            throw new ModelFilesException("model [" + id + "]: config.json has no id2label");
        }
        TreeMap<Integer, String> sorted = new TreeMap<>();
        for (Map.Entry<String, JsonElement> e : config.getAsJsonObject("id2label").entrySet()) {
            sorted.put(Integer.parseInt(e.getKey()), e.getValue().getAsString());
        }
        return new ArrayList<>(sorted.values());
    }

    private static void require(String id, Path dir, String file) throws ModelFilesException {
        if (!Files.isRegularFile(dir.resolve(file))) {
            throw new ModelFilesException("model [" + id + "] has no " + file + " in " + dir);
        }
    }

    private static void requireOne(String id, Path dir, String... files) throws ModelFilesException {
        for (String f : files) {
            if (Files.isRegularFile(dir.resolve(f))) {
                return;
            }
        }
        throw new ModelFilesException("model [" + id + "] has none of " + List.of(files) + " in " + dir);
    }

    /**
     * The size of the directory's files: the estimate of what a loaded copy takes, since ONNX Runtime holds the
     * weights of each {@code .onnx} file in memory once and the heads and tokenizer are read whole.
     */
    private static long bytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir, 2)) {
            long sum = 0;
            for (Path p : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(p)) {
                    sum += Files.size(p);
                }
            }
            return sum;
        }
    }
}
