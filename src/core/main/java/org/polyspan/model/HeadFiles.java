package org.polyspan.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.polyspan.core.BioLabels;
import org.polyspan.core.LanguageCentroids;
import org.polyspan.core.LinearHead;
import org.polyspan.core.SpanDecoding;
import org.polyspan.core.SpanUnits;
import org.polyspan.core.TransitionPrior;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads and writes linear heads: {@code <name>.json} (labels, input size, centring) beside {@code <name>.bin}, the
 * float32 little-endian weight matrix {@code [labels][input]} followed by the bias {@code [labels]}. The JSON may also
 * hold a tag transition prior ({@code transitions}) and where spans may begin and end ({@code decoding}). A head
 * with {@code "centering": "language"} reads the language centroids beside it ({@link LanguageCentroidFiles}).
 */
public final class HeadFiles {
    private HeadFiles() {}

    /**
     * The head JSON files of a model's {@code heads/} directory, sorted by name; language centroid files, read by the
     * heads that centre by language, are not heads. Empty when the directory does not exist.
     */
    public static List<Path> list(Path headDir) throws IOException {
        List<Path> sorted = new ArrayList<>();
        if (Files.isDirectory(headDir)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(headDir, "*.json")) {
                for (Path f : files) {
                    if (!LanguageCentroidFiles.isCentroidFile(f)) {
                        sorted.add(f);
                    }
                }
            }
        }
        sorted.sort(null);
        return sorted;
    }

    public static LinearHead read(Path json) throws IOException {
        JsonObject o = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        String name = o.get("name").getAsString();
        List<String> labels = new ArrayList<>();
        for (JsonElement e : o.getAsJsonArray("labels")) {
            labels.add(e.getAsString());
        }
        int dim = o.get("input_dim").getAsInt();
        String weightsFile = o.has("weights") ? o.get("weights").getAsString() : name + ".bin";
        LinearHead.Centering centering = o.has("centering")
                ? LinearHead.Centering.valueOf(o.get("centering").getAsString().toUpperCase(Locale.ROOT))
                : LinearHead.Centering.NONE;
        Path bin = json.resolveSibling(weightsFile);
        byte[] bytes = Files.readAllBytes(bin);
        long expected = 4L * labels.size() * (dim + 1);
        if (bytes.length != expected) {
            throw new IOException(bin.getFileName() + " has " + bytes.length + " bytes, expected " + expected
                    + " for " + labels.size() + " labels x " + dim + " inputs plus bias");
        }
        FloatBuffer floats = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[][] w = new float[labels.size()][dim];
        for (float[] row : w) {
            floats.get(row);
        }
        float[] b = new float[labels.size()];
        floats.get(b);
        BioLabels bio = new BioLabels(labels);
        TransitionPrior prior = o.has("transitions") ? readPrior(o.getAsJsonObject("transitions"), labels.size(), json) : null;
        SpanDecoding decoding = o.has("decoding") ? readDecoding(o.get("decoding"), json) : SpanDecoding.WORDS;
        return new LinearHead(name, bio, w, b, centering, prior, decoding, languageCentroids(name, centering, o, json));
    }

    /**
     * A head centred by language needs {@code language_centroids.json} beside it (or the file its {@code centroids}
     * key names, so that variants can be compared in one pass); its absence is a load error.
     */
    private static LanguageCentroids languageCentroids(String name, LinearHead.Centering centering, JsonObject o,
                                                        Path json) throws IOException {
        if (centering != LinearHead.Centering.LANGUAGE) {
            return null;
        }
        try {
            return LanguageCentroidFiles.read(json.resolveSibling(LanguageCentroidFiles.fileOf(o)));
        } catch (IOException e) {
            throw new IOException("head [" + name + "] has \"centering\": \"language\" but its language centroids do not load: "
                    + e.getMessage(), e);
        }
    }

    /**
     * {@code "decoding": {"units": "clauses", "boundary_penalty": 4.0, "outside_penalty": 0.5}}; without
     * {@code boundary_penalty} spans that begin or end between units are impossible.
     */
    private static SpanDecoding readDecoding(JsonElement e, Path json) throws IOException {
        try {
            JsonObject d = e.getAsJsonObject();
            SpanUnits units = SpanUnits.parse(d.get("units").getAsString());
            float penalty = d.has("boundary_penalty") ? d.get("boundary_penalty").getAsFloat() : Float.POSITIVE_INFINITY;
            float outside = d.has("outside_penalty") ? d.get("outside_penalty").getAsFloat() : 0f;
            return new SpanDecoding(units, units == SpanUnits.WORDS ? 0f : penalty, outside);
        } catch (RuntimeException ex) {
            throw new IOException(json.getFileName() + ": bad \"decoding\" " + e + ": " + ex.getMessage(), ex);
        }
    }

    /** The JSON form of a decoding option, for the {@code extra} argument of {@link #write}. */
    public static JsonObject decodingJson(SpanDecoding decoding) {
        JsonObject d = new JsonObject();
        d.addProperty("units", decoding.units().label());
        if (!Float.isInfinite(decoding.boundaryPenalty())) {
            d.addProperty("boundary_penalty", decoding.boundaryPenalty());
        }
        if (decoding.outsidePenalty() > 0) {
            d.addProperty("outside_penalty", decoding.outsidePenalty());
        }
        return d;
    }

    private static TransitionPrior readPrior(JsonObject t, int k, Path json) throws IOException {
        float[] start = floats(t.getAsJsonArray("start"));
        JsonArray rows = t.getAsJsonArray("next");
        float[][] next = new float[rows.size()][];
        for (int i = 0; i < next.length; i++) {
            next[i] = floats(rows.get(i).getAsJsonArray());
        }
        if (start.length != k || next.length != k || java.util.Arrays.stream(next).anyMatch(r -> r.length != k)) {
            throw new IOException(json.getFileName() + ": transitions must be " + k + " start values and a " + k + "x" + k + " matrix");
        }
        return new TransitionPrior(start, next, t.has("weight") ? t.get("weight").getAsFloat() : 1f);
    }

    private static float[] floats(JsonArray a) {
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsFloat();
        }
        return out;
    }

    /** The JSON form of a transition prior, for the {@code extra} argument of {@link #write}. */
    public static JsonObject priorJson(TransitionPrior prior) {
        JsonObject t = new JsonObject();
        t.addProperty("weight", prior.weight());
        JsonArray start = new JsonArray();
        for (float v : prior.start()) {
            start.add(Math.round(v * 1e4) / 1e4);
        }
        t.add("start", start);
        JsonArray next = new JsonArray();
        for (float[] row : prior.next()) {
            JsonArray r = new JsonArray();
            for (float v : row) {
                r.add(Math.round(v * 1e4) / 1e4);
            }
            next.add(r);
        }
        t.add("next", next);
        return t;
    }

    public static void write(Path dir, String name, List<String> labels, float[][] w, float[] b,
                             LinearHead.Centering centering, JsonObject extra) throws IOException {
        Files.createDirectories(dir);
        JsonObject o = new JsonObject();
        o.addProperty("name", name);
        JsonArray arr = new JsonArray();
        labels.forEach(arr::add);
        o.add("labels", arr);
        o.addProperty("input_dim", w[0].length);
        o.addProperty("weights", name + ".bin");
        o.addProperty("centering", centering.name().toLowerCase(Locale.ROOT));
        if (extra != null) {
            extra.entrySet().forEach(e -> o.add(e.getKey(), e.getValue()));
        }
        Files.writeString(dir.resolve(name + ".json"), o.toString() + "\n", StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(4 * labels.size() * (w[0].length + 1)).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] row : w) {
            for (float v : row) {
                buf.putFloat(v);
            }
        }
        for (float v : b) {
            buf.putFloat(v);
        }
        try (OutputStream out = new DataOutputStream(Files.newOutputStream(dir.resolve(name + ".bin")))) {
            out.write(buf.array());
        }
    }
}
