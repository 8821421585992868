package org.polyspan.model;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A model directory's {@code self_check.json}: a few sentences with what the model must produce for them, and how far
 * it may stray. A node runs it when it loads the model ({@link ModelSelfCheck}) and serves the model only when it
 * passes, so a model that computes wrong answers on this node (an int8 kernel that saturates, a corrupted or
 * mismatched encoder, a head trained for another encoder) fails loudly instead of labelling nothing.
 *
 * <p>Per sentence it holds the encoder's output at every sub-token position, sampled every {@code featureStride}-th
 * feature (a cosine over the sample tracks the cosine over all features), and the tags of every head. Text-to-text
 * models have no features, only the tags of their one head.
 *
 * @param precision     {@code fp32} or {@code int8}: the precision the tolerance was chosen for
 * @param source        the model directory the expected values were computed with (for int8, its fp32 original)
 * @param featureStride every how many features one is kept; 0 when the reference has no features
 * @param tolerance     the bounds the model must meet
 */
public record SelfCheckReference(String precision, String source, int featureStride, Tolerance tolerance,
                                 List<Sentence> sentences) {
    public static final String FILE = "self_check.json";
    static final int FORMAT = 1;
    /** About how many features per position a reference keeps. */
    static final int SAMPLED_FEATURES = 64;

    /**
     * @param minMeanCosine the mean over positions of the cosine between expected and computed features
     * @param minSpanF1     per head, the span F1 of the computed tags against the expected ones
     */
    public record Tolerance(double minMeanCosine, double minSpanF1) {
        /** fp32 runs agree across CPUs to about 1e-5 in cosine; a tag may flip where two scores tie. */
        public static final Tolerance FP32 = new Tolerance(0.999, 0.9);
        /**
         * The default int8 model scores a mean cosine of 0.994 against fp32 here, with a few flipped tags; on saturating
         * int8 kernels the same model scores 0.13 and finds no span (README, "int8 on every CPU").
         */
        public static final Tolerance INT8 = new Tolerance(0.95, 0.8);

        public static Tolerance forPrecision(String precision) {
            return "int8".equals(precision) ? INT8 : FP32;
        }
    }

    /** @param features per sub-token position, the sampled features; null without features */
    public record Sentence(String text, float[][] features, Map<String, List<String>> tags) {}

    /** The reference of the model in {@code dir}, or null when it has none. */
    public static SelfCheckReference read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return parse(JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject());
        } catch (RuntimeException e) {
            throw new ModelFilesException(FILE + " in " + dir + " is not a valid self-check reference: " + e.getMessage(), e);
        }
    }

    private static SelfCheckReference parse(JsonObject o) {
        int format = o.get("format").getAsInt();
        if (format != FORMAT) {
            throw new IllegalArgumentException("format " + format + " is not supported (expected " + FORMAT + ")");
        }
        JsonObject t = o.getAsJsonObject("tolerance");
        Tolerance tolerance = new Tolerance(t.get("min_mean_cosine").getAsDouble(), t.get("min_span_f1").getAsDouble());
        List<Sentence> sentences = new ArrayList<>();
        for (JsonElement e : o.getAsJsonArray("sentences")) {
            JsonObject s = e.getAsJsonObject();
            float[][] features = null;
            if (s.has("features")) {
                JsonArray rows = s.getAsJsonArray("features");
                features = new float[rows.size()][];
                for (int p = 0; p < features.length; p++) {
                    JsonArray row = rows.get(p).getAsJsonArray();
                    features[p] = new float[row.size()];
                    for (int k = 0; k < features[p].length; k++) {
                        features[p][k] = row.get(k).getAsFloat();
                    }
                }
            }
            Map<String, List<String>> tags = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> h : s.getAsJsonObject("tags").entrySet()) {
                List<String> list = new ArrayList<>();
                h.getValue().getAsJsonArray().forEach(x -> list.add(x.getAsString()));
                tags.put(h.getKey(), list);
            }
            sentences.add(new Sentence(s.get("text").getAsString(), features, tags));
        }
        if (sentences.isEmpty()) {
            throw new IllegalArgumentException("no sentences");
        }
        return new SelfCheckReference(o.get("precision").getAsString(), o.has("source") ? o.get("source").getAsString() : "",
                o.has("feature_stride") ? o.get("feature_stride").getAsInt() : 0, tolerance, sentences);
    }

    /** Writes {@code self_check.json} into {@code dir}, replacing the file in one move. */
    public void write(Path dir) throws IOException {
        JsonObject o = new JsonObject();
        o.addProperty("format", FORMAT);
        o.addProperty("precision", precision);
        o.addProperty("source", source);
        o.addProperty("feature_stride", featureStride);
        JsonObject t = new JsonObject();
        t.addProperty("min_mean_cosine", tolerance.minMeanCosine());
        t.addProperty("min_span_f1", tolerance.minSpanF1());
        o.add("tolerance", t);
        JsonArray list = new JsonArray();
        for (Sentence s : sentences) {
            JsonObject j = new JsonObject();
            j.addProperty("text", s.text());
            JsonObject tags = new JsonObject();
            s.tags().forEach((head, names) -> {
                JsonArray a = new JsonArray();
                names.forEach(a::add);
                tags.add(head, a);
            });
            j.add("tags", tags);
            if (s.features() != null) {
                JsonArray rows = new JsonArray();
                for (float[] row : s.features()) {
                    JsonArray r = new JsonArray();
                    for (float v : row) {
                        // five significant digits: far finer than any tolerance, and a third of the file
                        r.add(Float.parseFloat(String.format(Locale.ROOT, "%.5g", v)));
                    }
                    rows.add(r);
                }
                j.add("features", rows);
            }
            list.add(j);
        }
        o.add("sentences", list);
        Gson gson = new GsonBuilder().disableHtmlEscaping().create();
        Path tmp = dir.resolve(FILE + ".tmp");
        Files.writeString(tmp, gson.toJson(o) + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** This reference with the tags of {@code head} replaced, e.g. after the head was retrained. */
    public SelfCheckReference withHeadTags(String head, List<List<String>> tagsPerSentence) {
        if (tagsPerSentence.size() != sentences.size()) {
            throw new IllegalArgumentException("expected tags for " + sentences.size() + " sentences, got " + tagsPerSentence.size());
        }
        List<Sentence> out = new ArrayList<>();
        for (int i = 0; i < sentences.size(); i++) {
            Sentence s = sentences.get(i);
            Map<String, List<String>> tags = new LinkedHashMap<>(s.tags());
            tags.put(head, List.copyOf(tagsPerSentence.get(i)));
            out.add(new Sentence(s.text(), s.features(), tags));
        }
        return new SelfCheckReference(precision, source, featureStride, tolerance, out);
    }
}
