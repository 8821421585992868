package org.polyspan.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.polyspan.labeling.BioLabels;
import org.polyspan.labeling.HiddenLayer;
import org.polyspan.labeling.LanguageCentroids;
import org.polyspan.labeling.LinearHead;
import org.polyspan.labeling.SpanDecoding;
import org.polyspan.labeling.SpanUnits;
import org.polyspan.labeling.TransitionPrior;

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
 * float32 little-endian weight matrix {@code [labels][input]} followed by the bias {@code [labels]}. A head with
 * {@code "hidden": {"size": H, "activation": "gelu_tanh"}} has a {@link HiddenLayer} first: its {@code .bin} holds
 * the hidden weights {@code [H][input]} and biases {@code [H]}, then the output weights {@code [labels][H]} and
 * biases {@code [labels]}. The JSON may also
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
        int hiddenSize = hiddenSize(o, json);
        long expected = weightBytes(labels.size(), dim, hiddenSize);
        if (bytes.length != expected) {
            throw new IOException(bin.getFileName() + " has " + bytes.length + " bytes, expected " + expected + " for "
                    + shape(labels.size(), dim, hiddenSize));
        }
        FloatBuffer floats = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        HiddenLayer hidden = null;
        if (hiddenSize > 0) {
            hidden = new HiddenLayer(matrix(floats, hiddenSize, dim), vector(floats, hiddenSize));
        }
        float[][] w = matrix(floats, labels.size(), hiddenSize > 0 ? hiddenSize : dim);
        float[] b = vector(floats, labels.size());
        BioLabels bio = new BioLabels(labels);
        TransitionPrior prior = o.has("transitions") ? readPrior(o.getAsJsonObject("transitions"), labels.size(), json) : null;
        SpanDecoding decoding = o.has("decoding") ? readDecoding(o.get("decoding"), json) : SpanDecoding.WORDS;
        return new LinearHead(name, bio, hidden, w, b, centering, prior, decoding, languageCentroids(name, centering, o, json));
    }

    /** The size of a head's hidden layer from its JSON, 0 for a linear head. */
    static int hiddenSize(JsonObject o, Path json) throws IOException {
        if (!o.has("hidden")) {
            return 0;
        }
        try {
            JsonObject h = o.getAsJsonObject("hidden");
            int size = h.get("size").getAsInt();
            String activation = h.has("activation") ? h.get("activation").getAsString() : "";
            if (size <= 0 || !activation.equals(HiddenLayer.ACTIVATION)) {
                throw new IllegalArgumentException("needs a positive size and \"activation\": \"" + HiddenLayer.ACTIVATION + "\"");
            }
            return size;
        } catch (RuntimeException e) {
            throw new IOException(json.getFileName() + ": bad \"hidden\" " + o.get("hidden") + ": " + e.getMessage(), e);
        }
    }

    /** The size of a head's {@code .bin}: the hidden layer (when {@code hiddenSize > 0}) and the output layer. */
    static long weightBytes(int labels, long inputDim, int hiddenSize) {
        long hidden = hiddenSize > 0 ? (long) hiddenSize * (inputDim + 1) : 0;
        return 4L * (hidden + (long) labels * ((hiddenSize > 0 ? hiddenSize : inputDim) + 1));
    }

    static String shape(int labels, long inputDim, int hiddenSize) {
        return hiddenSize > 0
                ? "a hidden layer of " + hiddenSize + " x " + inputDim + " inputs and " + labels + " labels x " + hiddenSize + ", each plus bias"
                : labels + " labels x " + inputDim + " inputs plus bias";
    }

    private static float[][] matrix(FloatBuffer floats, int rows, int cols) {
        float[][] m = new float[rows][cols];
        for (float[] row : m) {
            floats.get(row);
        }
        return m;
    }

    private static float[] vector(FloatBuffer floats, int n) {
        float[] v = new float[n];
        floats.get(v);
        return v;
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
        write(dir, name, labels, null, w, b, centering, extra);
    }

    /** {@code hidden} may be null; with it {@code w} is the output layer's {@code [labels][hidden size]}. */
    public static void write(Path dir, String name, List<String> labels, HiddenLayer hidden, float[][] w, float[] b,
                             LinearHead.Centering centering, JsonObject extra) throws IOException {
        Files.createDirectories(dir);
        int inputDim = hidden != null ? hidden.inputDim() : w[0].length;
        JsonObject o = new JsonObject();
        o.addProperty("name", name);
        JsonArray arr = new JsonArray();
        labels.forEach(arr::add);
        o.add("labels", arr);
        o.addProperty("input_dim", inputDim);
        o.addProperty("weights", name + ".bin");
        if (hidden != null) {
            JsonObject h = new JsonObject();
            h.addProperty("size", hidden.size());
            h.addProperty("activation", HiddenLayer.ACTIVATION);
            o.add("hidden", h);
        }
        o.addProperty("centering", centering.name().toLowerCase(Locale.ROOT));
        if (extra != null) {
            extra.entrySet().forEach(e -> o.add(e.getKey(), e.getValue()));
        }
        Files.writeString(dir.resolve(name + ".json"), o.toString() + "\n", StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate((int) weightBytes(labels.size(), inputDim, hidden != null ? hidden.size() : 0))
                .order(ByteOrder.LITTLE_ENDIAN);
        if (hidden != null) {
            put(buf, hidden.weights(), hidden.bias());
        }
        put(buf, w, b);
        try (OutputStream out = new DataOutputStream(Files.newOutputStream(dir.resolve(name + ".bin")))) {
            out.write(buf.array());
        }
    }

    private static void put(ByteBuffer buf, float[][] w, float[] b) {
        for (float[] row : w) {
            for (float v : row) {
                buf.putFloat(v);
            }
        }
        for (float v : b) {
            buf.putFloat(v);
        }
    }
}
