package org.polyspan.tools;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.polyspan.labeling.Document;
import org.polyspan.labeling.TaggedDocument;
import org.polyspan.labeling.Vectors;
import org.polyspan.model.LabelingModel;
import org.polyspan.onnx.OnnxWindowEncoder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Compares a candidate model directory (e.g. an int8 quantisation) with a reference one (fp32) on real sentences: the
 * cosine between their encoder outputs at every position, overall and per block of {@code hidden_size} features (one
 * block per transformer layer in the default model's concatenated {@code features}), and how often each head gives a
 * word the same tag. Sentences: the {@code tokenizer_reference.json} texts of the reference model, plus Europarl test
 * sentences from {@code --data} when that directory exists. Exits with status 1 when the mean or the minimum cosine of
 * any block is below {@code --min-mean-cosine} / {@code --min-cosine}.
 *
 * <pre>models/tool.sh CompareModels --reference models/build/mbert-ner --candidate models/build/mbert-ner-int8
 *     [--data ../shared/data] [--sentences 200] [--min-mean-cosine 0.95] [--min-cosine 0.8]</pre>
 */
public final class CompareModels {
    private static final int BATCH = 16;

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv, List.of("reference", "candidate", "data", "sentences", "min-mean-cosine", "min-cosine", "threads"));
        Path refDir = Path.of(args.require("reference"));
        Path candDir = Path.of(args.require("candidate"));
        Path data = Path.of(args.get("data", "../shared/data"));
        int count = Integer.parseInt(args.get("sentences", "200"));
        double minMean = Double.parseDouble(args.get("min-mean-cosine", "0"));
        double minAny = Double.parseDouble(args.get("min-cosine", "-1"));
        int threads = Integer.parseInt(args.get("threads", "0"));

        List<String> texts = texts(refDir, data, count);
        try (LabelingModel ref = LabelingModel.load("reference", refDir, OnnxWindowEncoder.Device.CPU, threads);
             LabelingModel cand = LabelingModel.load("candidate", candDir, OnnxWindowEncoder.Device.CPU, threads)) {
            Result r = compare(ref, cand, texts, hiddenSize(refDir));
            System.out.printf(Locale.ROOT, "%s vs %s: %d sentences, %d positions%n", candDir, refDir, texts.size(), r.positions);
            System.out.println("| output | mean cosine | min cosine |");
            System.out.println("|---|---:|---:|");
            boolean ok = true;
            for (int k = 0; k < r.names.size(); k++) {
                double mean = r.sum[k] / r.positions;
                System.out.printf(Locale.ROOT, "| %s | %.4f | %.4f |%n", r.names.get(k), mean, r.min[k]);
                ok &= mean >= minMean && r.min[k] >= minAny;
            }
            for (Map.Entry<String, long[]> e : r.agreement.entrySet()) {
                long[] a = e.getValue();
                System.out.printf(Locale.ROOT, "head %s: same tag on %d of %d words (%.2f%%), same spans in %d of %d sentences%n",
                        e.getKey(), a[0], a[1], 100.0 * a[0] / Math.max(1, a[1]), a[2], a[3]);
            }
            System.out.printf(Locale.ROOT, "encoder time: reference %.2f s, candidate %.2f s (%.2fx)%n", r.refNanos / 1e9,
                    r.candNanos / 1e9, (double) r.refNanos / Math.max(1, r.candNanos));
            if (!ok) {
                System.out.printf(Locale.ROOT, "FAILED: a cosine is below the bounds (mean >= %.3f, min >= %.3f)%n", minMean, minAny);
                System.exit(1);
            }
        }
    }

    /** Cosines and head agreement of two models on the texts. */
    public static final class Result {
        public final List<String> names = new ArrayList<>();
        public double[] sum;
        public double[] min;
        public long positions;
        public long refNanos;
        public long candNanos;
        /** per head: words with the same tag, words, sentences with the same tags, sentences */
        public final Map<String, long[]> agreement = new java.util.LinkedHashMap<>();
    }

    public static Result compare(LabelingModel ref, LabelingModel cand, List<String> texts, int hidden) {
        OnnxWindowEncoder re = ref.encoder();
        OnnxWindowEncoder ce = cand.encoder();
        if (re.outputDim() != ce.outputDim()) {
            throw new IllegalArgumentException("output sizes differ: " + re.outputDim() + " vs " + ce.outputDim());
        }
        int dim = re.outputDim();
        int blocks = hidden > 0 && dim % hidden == 0 && dim > hidden ? dim / hidden : 0;
        Result r = new Result();
        r.names.add("all " + dim);
        for (int b = 0; b < blocks; b++) {
            r.names.add(String.format(Locale.ROOT, "block %d of %d [%d..%d)", b + 1, blocks, b * hidden, (b + 1) * hidden));
        }
        r.sum = new double[r.names.size()];
        r.min = new double[r.names.size()];
        java.util.Arrays.fill(r.min, Double.POSITIVE_INFINITY);

        List<long[]> seqs = new ArrayList<>();
        for (String t : texts) {
            long[] ids = ref.tokenizer().encodeText(t);
            seqs.add(ids.length > ref.maxLength() ? java.util.Arrays.copyOf(ids, ref.maxLength()) : ids);
        }
        seqs.sort(Comparator.comparingInt(s -> s.length));
        for (int from = 0; from < seqs.size(); from += BATCH) {
            long[][] batch = seqs.subList(from, Math.min(seqs.size(), from + BATCH)).toArray(new long[0][]);
            // alternate which model runs first so that neither profits from a warmer cache
            long t0 = System.nanoTime();
            float[][][] a = (from / BATCH) % 2 == 0 ? re.encode(batch) : null;
            long t1 = System.nanoTime();
            float[][][] b = ce.encode(batch);
            long t2 = System.nanoTime();
            if (a == null) {
                a = re.encode(batch);
                r.refNanos += System.nanoTime() - t2;
            } else {
                r.refNanos += t1 - t0;
            }
            r.candNanos += t2 - t1;
            for (int s = 0; s < batch.length; s++) {
                for (int p = 0; p < batch[s].length; p++) {
                    add(r, 0, Vectors.cosine(a[s][p], b[s][p], 0, dim));
                    for (int k = 0; k < blocks; k++) {
                        add(r, k + 1, Vectors.cosine(a[s][p], b[s][p], k * hidden, (k + 1) * hidden));
                    }
                    r.positions++;
                }
            }
        }
        List<Document> docs = texts.stream().map(Document::of).toList();
        Map<String, List<TaggedDocument>> x = ref.label(docs, List.of());
        Map<String, List<TaggedDocument>> y = cand.label(docs, List.of());
        for (String head : x.keySet()) {
            long[] agree = new long[4];
            for (int i = 0; i < docs.size(); i++) {
                int[] u = x.get(head).get(i).tags();
                int[] v = y.get(head).get(i).tags();
                for (int w = 0; w < u.length; w++) {
                    agree[0] += u[w] == v[w] ? 1 : 0;
                }
                agree[1] += u.length;
                agree[2] += java.util.Arrays.equals(u, v) ? 1 : 0;
                agree[3]++;
            }
            r.agreement.put(head, agree);
        }
        return r;
    }

    private static void add(Result r, int k, double c) {
        r.sum[k] += c;
        r.min[k] = Math.min(r.min[k], c);
    }

    static int hiddenSize(Path dir) throws Exception {
        JsonObject config = JsonParser.parseString(Files.readString(dir.resolve("config.json"))).getAsJsonObject();
        return config.has("hidden_size") ? config.get("hidden_size").getAsInt() : 0;
    }

    /** The reference model's tokenizer_reference.json texts, then Europarl test sentences when the data is there. */
    static List<String> texts(Path dir, Path data, int count) throws Exception {
        List<String> out = new ArrayList<>();
        Path ref = dir.resolve("tokenizer_reference.json");
        if (Files.isRegularFile(ref)) {
            for (JsonElement c : JsonParser.parseString(Files.readString(ref)).getAsJsonObject().getAsJsonArray("cases")) {
                out.add(c.getAsJsonObject().get("text").getAsString());
            }
        }
        if (Files.isDirectory(data.resolve("projection/europarl_ner"))) {
            out.addAll(Benchmark.sentences(data, Math.max(0, count - out.size())));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no sentences: " + ref + " is missing and " + data + " has no Europarl test files");
        }
        return out;
    }
}
