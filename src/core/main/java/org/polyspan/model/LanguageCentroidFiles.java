package org.polyspan.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.polyspan.labeling.LanguageCentroids;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes the language centroids that heads with {@code "centering": "language"} use. They sit beside the
 * heads, in {@code heads/language_centroids.json} ({@code languages}, {@code input_dim}, {@code reference},
 * {@code min_cosine}, optional {@code strength}, {@code vectors}) and {@code heads/language_centroids.bin}, float32 little-endian
 * {@code [languages][input_dim]}, so a model directory carries them with its heads. A head may name another file
 * ({@code "centroids": "language_centroids-strict.json"}), which may share the vectors through {@code vectors}.
 */
public final class LanguageCentroidFiles {
    /** The file name, in the heads directory; never read as a head. */
    public static final String JSON = "language_centroids.json";
    private static final String BIN = "language_centroids.bin";

    private LanguageCentroidFiles() {}

    public static LanguageCentroids read(Path json) throws IOException {
        if (!Files.isRegularFile(json)) {
            throw new IOException("no " + json.getFileName() + " in " + json.getParent());
        }
        try {
            JsonObject o = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
            List<String> languages = new ArrayList<>();
            for (JsonElement e : o.getAsJsonArray("languages")) {
                languages.add(e.getAsString());
            }
            int dim = o.get("input_dim").getAsInt();
            Path bin = json.resolveSibling(o.has("vectors") ? o.get("vectors").getAsString() : BIN);
            if (!Files.isRegularFile(bin)) {
                throw new IOException("no " + bin.getFileName() + " in " + bin.getParent());
            }
            long expected = 4L * languages.size() * dim;
            if (Files.size(bin) != expected) {
                throw new IOException(bin.getFileName() + " has " + Files.size(bin) + " bytes, expected " + expected + " for "
                        + languages.size() + " languages x " + dim + " values");
            }
            FloatBuffer floats = ByteBuffer.wrap(Files.readAllBytes(bin)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            float[][] centroids = new float[languages.size()][dim];
            for (float[] c : centroids) {
                floats.get(c);
            }
            float strength = o.has("strength") ? o.get("strength").getAsFloat() : 1f;
            return new LanguageCentroids(languages, centroids, o.get("reference").getAsString(), o.get("min_cosine").getAsFloat(), strength);
        } catch (IOException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IOException(json.getFileName() + ": " + e.getMessage(), e);
        }
    }

    /** Writes both files into {@code dir}; {@code extra} (may be null) adds descriptive keys, such as the source. */
    public static void write(Path dir, LanguageCentroids centroids, JsonObject extra) throws IOException {
        Files.createDirectories(dir);
        JsonObject o = new JsonObject();
        JsonArray languages = new JsonArray();
        centroids.languages().forEach(languages::add);
        o.add("languages", languages);
        o.addProperty("input_dim", centroids.dim());
        o.addProperty("reference", centroids.reference());
        o.addProperty("min_cosine", centroids.minCosine());
        o.addProperty("strength", centroids.strength());
        o.addProperty("vectors", BIN);
        if (extra != null) {
            extra.entrySet().forEach(e -> o.add(e.getKey(), e.getValue()));
        }
        Files.writeString(dir.resolve(JSON), o + "\n", StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(4 * centroids.languages().size() * centroids.dim()).order(ByteOrder.LITTLE_ENDIAN);
        for (int l = 0; l < centroids.languages().size(); l++) {
            for (float v : centroids.centroid(l)) {
                buf.putFloat(v);
            }
        }
        Files.write(dir.resolve(BIN), buf.array());
    }

    /** Whether a JSON file of a heads directory holds centroids ({@code language_centroids*.json}) rather than a head. */
    public static boolean isCentroidFile(Path json) {
        return json.getFileName().toString().startsWith("language_centroids");
    }

    /** The centroid file a head's JSON names with {@code centroids}, by default {@code language_centroids.json}. */
    public static String fileOf(JsonObject head) {
        return head.has("centroids") ? head.get("centroids").getAsString() : JSON;
    }
}
