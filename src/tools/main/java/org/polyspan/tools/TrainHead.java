package org.polyspan.tools;

import com.google.gson.JsonObject;
import org.polyspan.eval.SpanMetrics;
import org.polyspan.labeling.BioLabels;
import org.polyspan.labeling.ConllReader;
import org.polyspan.labeling.ConllSentence;
import org.polyspan.labeling.Document;
import org.polyspan.labeling.HeadDecoder;
import org.polyspan.labeling.LinearHead;
import org.polyspan.labeling.SentenceSegmenter;
import org.polyspan.labeling.SpanDecoding;
import org.polyspan.labeling.SpanLabeler;
import org.polyspan.labeling.SpanScope;
import org.polyspan.labeling.TransitionPrior;
import org.polyspan.model.HeadFiles;
import org.polyspan.model.LabelingModel;
import org.polyspan.onnx.OnnxWindowEncoder;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Trains a linear tagging head on the frozen features of an encoder-with-heads model from a CoNLL file, and writes it
 * into the model's {@code heads/} directory (or {@code --out}). A running node picks it up with
 * {@code POST _plugins/polyspan/models/<id>/_reload}.
 *
 * <pre>models/tool.sh TrainHead --model DIR --train FILE --name ner [--dev FILE] [--types PER,ORG,LOC,MISC]
 *     [--centering none|window_mean] [--epochs 10] [--lr 0.0005] [--l2 0.0001] [--seed 13] [--prior-weight 0.5]
 *     [--like HEAD.json] [--limit N] [--out DIR] [--dump-features DIR]</pre>
 *
 * <p>With {@code --dev}, the head kept is the epoch with the best development span F1. {@code --lr}, {@code --l2} and
 * {@code --seed} take comma-separated lists: every combination is trained on the same features and the one with the
 * best development F1 is written (a table of all of them is printed). {@code --like HEAD.json} gives the new head
 * that head's {@code decoding} object and language centring, and development F1 is then measured as the head will
 * decode (span units, outside penalty), through the processor's own {@link HeadDecoder}.
 *
 * <p>{@code --dump-features DIR} writes the encoded training and development words to {@code DIR} and trains nothing.
 *
 * <p>{@code --prior-only HEAD.json} skips training and writes a copy of an existing head with a tag transition prior
 * estimated from {@code --train}.
 */
public final class TrainHead {
    private static final int ENCODE_BATCH = 256;
    private static final int TRAIN_BATCH = 256;

    /**
     * Raw features of every word, the mean of the window each word was encoded in (shared between the words of a
     * window), the word's gold tag index and where each sentence starts.
     */
    record Features(float[][] raw, float[][] windowMean, int[] y, int[] sentenceStart) {
        float[] row(int i, LinearHead.Centering centering) {
            if (centering == LinearHead.Centering.NONE) {
                return raw[i];
            }
            float[] x = raw[i].clone();
            float[] m = windowMean[i];
            for (int d = 0; d < x.length; d++) {
                x[d] -= m[d];
            }
            return x;
        }
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv, List.of("model", "train", "dev", "name", "types", "centering", "epochs", "lr", "l2",
                "limit", "out", "seed", "threads", "prior-weight", "prior-only", "like", "dump-features"));
        Path modelDir = Path.of(args.require("model"));
        String name = args.require("name");
        List<LinearHead.Centering> centerings = new ArrayList<>();
        for (String c : args.get("centering", "none").split(",")) {
            LinearHead.Centering centering = LinearHead.Centering.valueOf(c.toUpperCase(Locale.ROOT));
            if (centering == LinearHead.Centering.LANGUAGE) {
                // English training text maps onto itself: train uncentred, then set "centering": "language" in the JSON
                throw new IllegalArgumentException("--centering language is not a training option: train with none and set "
                        + "\"centering\": \"language\" in the head's JSON (see models/tool.sh LanguageCentroids)");
            }
            centerings.add(centering);
        }
        int epochs = Integer.parseInt(args.get("epochs", "10"));
        List<Double> lrs = numbers(args.get("lr", "0.0005"));
        List<Double> l2s = numbers(args.get("l2", "0.0001"));
        List<Long> seeds = numbers(args.get("seed", "13")).stream().map(Double::longValue).toList();
        int limit = Integer.parseInt(args.get("limit", "0"));
        Path out = Path.of(args.get("out", modelDir.resolve("heads").toString()));
        Set<String> types = args.get("types", "").isEmpty() ? Set.of() : new LinkedHashSet<>(Arrays.asList(args.get("types", "").split(",")));
        Like like = args.get("like", "").isEmpty() ? Like.NONE : Like.read(Path.of(args.get("like", "")));
        if (like.languageCentring() && centerings.stream().anyMatch(c -> c != LinearHead.Centering.NONE)) {
            throw new IllegalArgumentException("--like names a head centred by language, which trains uncentred: drop --centering");
        }

        List<ConllSentence> train = read(Path.of(args.require("train")), types, limit);
        float priorWeight = Float.parseFloat(args.get("prior-weight", "0.5"));
        if (!args.get("prior-only", "").isEmpty()) {
            addPrior(Path.of(args.get("prior-only", "")), train, priorWeight, name, out);
            return;
        }
        List<String> tags = tagSet(train);
        BioLabels labels = new BioLabels(tags);
        TransitionPrior prior = priorWeight > 0 ? TransitionPrior.estimate(tagIndices(train, tags), labels, priorWeight) : null;
        int settings = lrs.size() * l2s.size() * seeds.size();
        if (settings > 1 && args.get("dev", "").isEmpty()) {
            throw new IllegalArgumentException("several --lr, --l2 or --seed values need --dev to choose between them");
        }
        System.out.printf(Locale.ROOT, "training head [%s] on %d sentences, tags %s, centring %s, decoding %s%n", name, train.size(),
                tags, centerings, like.decoding());

        try (LabelingModel model = LabelingModel.load(modelDir.getFileName().toString(), modelDir, OnnxWindowEncoder.Device.CPU,
                Integer.parseInt(args.get("threads", "0")))) {
            long t0 = System.nanoTime();
            Features trainF = features(model, train, tags);
            System.out.printf(Locale.ROOT, "encoded %d words in %.1f s%n", trainF.y().length, (System.nanoTime() - t0) / 1e9);
            List<ConllSentence> dev = args.get("dev", "").isEmpty() ? List.of() : read(Path.of(args.get("dev", "")), types, limit);
            DevSet devSet = dev.isEmpty() ? null : new DevSet(dev, features(model, dev, tags), labels, prior, like.decoding());
            if (!args.get("dump-features", "").isEmpty()) {
                Path dir = Path.of(args.get("dump-features", ""));
                dumpFeatures(trainF, dir.resolve("train"));
                if (devSet != null) {
                    dumpFeatures(devSet.features(), dir.resolve("dev"));
                }
                System.out.println("wrote the features to " + dir + "; nothing trained");
                return;
            }
            for (LinearHead.Centering centering : centerings) {
                String headName = centerings.size() == 1 ? name : name + "-" + centering.name().toLowerCase(Locale.ROOT);
                System.out.println("== head " + headName);
                Trained best = null;
                List<Trained> all = new ArrayList<>();
                for (double lr : lrs) {
                    for (double l2 : l2s) {
                        for (long seed : seeds) {
                            Trained t = train(centering, trainF, devSet, labels, epochs, lr, l2, seed);
                            all.add(t);
                            if (best == null || t.devF1() > best.devF1()) {
                                best = t;
                            }
                        }
                    }
                }
                if (all.size() > 1) {
                    System.out.println("lr\tl2\tseed\tbest epoch\tdev F1");
                    for (Trained t : all) {
                        System.out.printf(Locale.ROOT, "%s\t%s\t%d\t%d\t%.4f%s%n", t.lr(), t.l2(), t.seed(), t.epoch(), t.devF1(),
                                t == best ? "\tkept" : "");
                    }
                }
                write(headName, best, centering, like, labels, prior, epochs, Path.of(args.require("train")), train.size(), out);
            }
        }
    }

    /**
     * Writes {@code prefix.x} (float32 little-endian, one row of raw features per word), {@code prefix.y} (the gold tag
     * index per word, one per line) and {@code prefix.s} (where each sentence starts, plus the total), for head
     * experiments outside Java (see {@code models/analysis/head_probe.py}).
     */
    static void dumpFeatures(Features f, Path prefix) throws java.io.IOException {
        java.nio.file.Files.createDirectories(prefix.getParent());
        try (java.io.OutputStream out = new java.io.BufferedOutputStream(
                java.nio.file.Files.newOutputStream(prefix.resolveSibling(prefix.getFileName() + ".x")), 1 << 20)) {
            java.nio.ByteBuffer row = java.nio.ByteBuffer.allocate(4 * f.raw()[0].length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (float[] x : f.raw()) {
                row.clear();
                row.asFloatBuffer().put(x);
                out.write(row.array());
            }
        }
        StringBuilder y = new StringBuilder();
        for (int v : f.y()) {
            y.append(v).append('\n');
        }
        java.nio.file.Files.writeString(prefix.resolveSibling(prefix.getFileName() + ".y"), y);
        StringBuilder starts = new StringBuilder();
        for (int v : f.sentenceStart()) {
            starts.append(v).append('\n');
        }
        java.nio.file.Files.writeString(prefix.resolveSibling(prefix.getFileName() + ".s"), starts);
    }

    static List<Double> numbers(String list) {
        return Arrays.stream(list.split(",")).map(String::trim).map(Double::parseDouble).toList();
    }

    /** Writes a copy of an existing head with a transition prior estimated from {@code train}'s tags. */
    static void addPrior(Path headJson, List<ConllSentence> train, float weight, String name, Path out) throws Exception {
        LinearHead head = HeadFiles.read(headJson);
        TransitionPrior prior = TransitionPrior.estimate(tagIndices(train, head.labels().tags()), head.labels(), weight);
        JsonObject meta = com.google.gson.JsonParser.parseString(java.nio.file.Files.readString(headJson)).getAsJsonObject();
        JsonObject extra = new JsonObject();
        for (String key : List.of("trained_on", "sentences", "epochs", "l2", "dev_f1", "description")) {
            if (meta.has(key)) {
                extra.add(key, meta.get(key));
            }
        }
        extra.add("transitions", HeadFiles.priorJson(prior));
        HeadFiles.write(out, name, head.labels().tags(), head.hidden(), head.weights(), head.bias(), head.centering(), extra);
        System.out.println("wrote " + out.resolve(name + ".json") + " with a transition prior of weight " + weight);
        keepSelfCheckTrue(out);
    }

    /**
     * A head written into a model's own {@code heads/} changes what the model's self-check must expect: its expected
     * tags are computed again, or the node would refuse the model at its next load.
     */
    private static void keepSelfCheckTrue(Path headsDir) throws Exception {
        Path modelDir = headsDir.toAbsolutePath().getParent();
        if (!headsDir.getFileName().toString().equals("heads") || modelDir == null
                || !java.nio.file.Files.isRegularFile(modelDir.resolve(org.polyspan.model.SelfCheckReference.FILE))) {
            return;
        }
        SelfCheck.updateHeads(modelDir, 0);
        System.out.println("updated the expected head tags of " + modelDir.resolve(org.polyspan.model.SelfCheckReference.FILE));
    }

    static List<int[]> tagIndices(List<ConllSentence> sentences, List<String> tags) {
        List<int[]> out = new ArrayList<>(sentences.size());
        for (ConllSentence s : sentences) {
            int[] seq = new int[s.tags().size()];
            for (int i = 0; i < seq.length; i++) {
                seq[i] = Math.max(0, tags.indexOf(s.tags().get(i)));
            }
            out.add(seq);
        }
        return out;
    }

    /** One training run; without a development set the last epoch is kept and {@code devF1} is -1. */
    record Trained(float[][] w, float[] b, double lr, double l2, long seed, int epoch, double devF1) {
    }

    static Trained train(LinearHead.Centering centering, Features trainF, DevSet dev, BioLabels labels, int epochs, double lr,
                         double l2, long seed) {
        List<String> tags = labels.tags();
        int dim = trainF.raw()[0].length;
        float[][] w = new float[tags.size()][dim];
        float[] b = new float[tags.size()];
        Trained best = null;
        Adam adam = new Adam(tags.size(), dim, lr);
        Random random = new Random(seed);
        int[] order = IntStream.range(0, trainF.y().length).toArray();
        System.out.printf(Locale.ROOT, "-- lr %s, l2 %s, seed %d%n", lr, l2, seed);
        for (int epoch = 1; epoch <= epochs; epoch++) {
            shuffle(order, random);
            double loss = 0;
            for (int from = 0; from < order.length; from += TRAIN_BATCH) {
                int[] batch = Arrays.copyOfRange(order, from, Math.min(order.length, from + TRAIN_BATCH));
                loss += step(w, b, trainF, centering, batch, adam, l2);
            }
            String devReport = "";
            if (dev != null) {
                double f1 = dev.f1(w, b, centering);
                devReport = String.format(Locale.ROOT, ", dev F1 %.4f", f1);
                if (best == null || f1 > best.devF1()) {
                    best = new Trained(deepCopy(w), b.clone(), lr, l2, seed, epoch, f1);
                }
            }
            System.out.printf(Locale.ROOT, "epoch %d: loss %.4f%s%n", epoch, loss / order.length, devReport);
        }
        return best != null ? best : new Trained(w, b, lr, l2, seed, epochs, -1);
    }

    static void write(String name, Trained t, LinearHead.Centering centering, Like like, BioLabels labels, TransitionPrior prior,
                      int epochs, Path trainFile, int sentences, Path out) throws Exception {
        JsonObject meta = new JsonObject();
        meta.addProperty("trained_on", trainFile.getFileName().toString());
        meta.addProperty("sentences", sentences);
        meta.addProperty("epochs", t.devF1() >= 0 ? t.epoch() : epochs);
        meta.addProperty("lr", t.lr());
        meta.addProperty("l2", t.l2());
        meta.addProperty("seed", t.seed());
        if (t.devF1() >= 0) {
            meta.addProperty("dev_f1", Math.round(t.devF1() * 1e4) / 1e4);
        }
        if (prior != null) {
            meta.add("transitions", HeadFiles.priorJson(prior));
        }
        if (like.decoding() != SpanDecoding.WORDS) {
            meta.add("decoding", HeadFiles.decodingJson(like.decoding()));
        }
        if (like.centroids() != null) {
            meta.addProperty("centroids", like.centroids());
        }
        // English training text maps onto itself under language centring, so the head trains uncentred and takes it here
        HeadFiles.write(out, name, labels.tags(), t.w(), t.b(), like.languageCentring() ? LinearHead.Centering.LANGUAGE : centering, meta);
        System.out.println("wrote " + out.resolve(name + ".json") + " and " + out.resolve(name + ".bin"));
        keepSelfCheckTrue(out);
    }

    /** What {@code --like HEAD.json} carries over to the new head: its decoding and whether it centres by language. */
    record Like(SpanDecoding decoding, boolean languageCentring, String centroids) {
        static final Like NONE = new Like(SpanDecoding.WORDS, false, null);

        static Like read(Path json) throws java.io.IOException {
            JsonObject o = com.google.gson.JsonParser.parseString(java.nio.file.Files.readString(json)).getAsJsonObject();
            LinearHead head = HeadFiles.read(json); // validates the decoding object (and the centroids, when centred)
            return new Like(head.decoding(), head.centering() == LinearHead.Centering.LANGUAGE,
                    o.has("centroids") ? o.get("centroids").getAsString() : null);
        }
    }

    static List<ConllSentence> read(Path file, Set<String> types, int limit) throws Exception {
        ConllReader reader = new ConllReader(Map.of(), types);
        List<ConllSentence> s = reader.read(file);
        System.out.println(file.getFileName() + ": " + s.size() + " sentences; " + reader.report());
        return limit > 0 && s.size() > limit ? s.subList(0, limit) : s;
    }

    /** O first, then B-/I- of each type in order of first appearance. */
    static List<String> tagSet(List<ConllSentence> sentences) {
        Set<String> types = new LinkedHashSet<>();
        for (ConllSentence s : sentences) {
            for (String t : s.tags()) {
                if (!t.equals("O")) {
                    types.add(t.substring(2));
                }
            }
        }
        List<String> tags = new ArrayList<>();
        tags.add("O");
        for (String type : types) {
            tags.add("B-" + type);
            tags.add("I-" + type);
        }
        return tags;
    }

    static Features features(LabelingModel model, List<ConllSentence> sentences, List<String> tags) {
        int[] start = new int[sentences.size() + 1];
        for (int i = 0; i < sentences.size(); i++) {
            start[i + 1] = start[i] + sentences.get(i).tokens().size();
        }
        float[][] x = new float[start[sentences.size()]][];
        float[][] means = new float[x.length][];
        int[] y = new int[x.length];
        for (int i = 0; i < sentences.size(); i++) {
            for (int k = 0; k < sentences.get(i).tags().size(); k++) {
                y[start[i] + k] = tags.indexOf(sentences.get(i).tags().get(k));
            }
        }
        for (int from = 0; from < sentences.size(); from += ENCODE_BATCH) {
            int offset = from;
            List<Document> docs = new ArrayList<>();
            for (ConllSentence s : sentences.subList(from, Math.min(sentences.size(), from + ENCODE_BATCH))) {
                docs.add(Document.ofTokens(s.tokens()));
            }
            model.encode(docs, (doc, words, vectors, positions) -> {
                float[] mean = LinearHead.windowMean(vectors);
                for (int k = 0; k < words.length; k++) {
                    x[start[offset + doc] + words[k]] = vectors[positions[k]];
                    means[start[offset + doc] + words[k]] = mean;
                }
            });
            if ((from / ENCODE_BATCH) % 10 == 0) {
                System.out.printf(Locale.ROOT, "  encoded %d/%d sentences%n", Math.min(sentences.size(), from + ENCODE_BATCH), sentences.size());
            }
        }
        int dim = model.encoder().outputDim();
        for (int i = 0; i < x.length; i++) {
            if (x[i] == null) {
                x[i] = new float[dim]; // a word with no sub-tokens: no evidence
                means[i] = x[i];
            }
        }
        return new Features(x, means, y, start);
    }

    /** One mini-batch of softmax regression with Adam; returns the summed loss. */
    static double step(float[][] w, float[] b, Features f, LinearHead.Centering centering, int[] batch, Adam adam, double l2) {
        int k = w.length;
        int dim = w[0].length;
        float[][] g = new float[batch.length][];
        float[][] xs = new float[batch.length][];
        double[] losses = new double[batch.length];
        IntStream.range(0, batch.length).parallel().forEach(i -> {
            float[] x = f.row(batch[i], centering);
            xs[i] = x;
            float[] p = new float[k];
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                p[c] = dot(w[c], x) + b[c];
                max = Math.max(max, p[c]);
            }
            double sum = 0;
            for (int c = 0; c < k; c++) {
                p[c] = (float) Math.exp(p[c] - max);
                sum += p[c];
            }
            for (int c = 0; c < k; c++) {
                p[c] /= (float) sum;
            }
            losses[i] = -Math.log(Math.max(p[f.y()[batch[i]]], 1e-12));
            p[f.y()[batch[i]]] -= 1;
            g[i] = p;
        });
        IntStream.range(0, k).parallel().forEach(c -> {
            float[] gw = new float[dim];
            double gb = 0;
            for (int i = 0; i < batch.length; i++) {
                float gc = g[i][c] / batch.length;
                if (gc == 0) {
                    continue;
                }
                float[] x = xs[i];
                for (int d = 0; d < dim; d++) {
                    gw[d] += gc * x[d];
                }
                gb += gc;
            }
            for (int d = 0; d < dim; d++) {
                gw[d] += (float) (l2 * w[c][d]);
            }
            adam.update(c, w[c], gw, b, (float) gb);
        });
        adam.tick();
        double total = 0;
        for (double l : losses) {
            total += l;
        }
        return total;
    }

    static float dot(float[] a, float[] x) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int d = 0;
        for (; d + 3 < a.length; d += 4) {
            s0 += a[d] * x[d];
            s1 += a[d + 1] * x[d + 1];
            s2 += a[d + 2] * x[d + 2];
            s3 += a[d + 3] * x[d + 3];
        }
        for (; d < a.length; d++) {
            s0 += a[d] * x[d];
        }
        return s0 + s1 + s2 + s3;
    }

    /** Development sentences with their features, scored by span F1 as a head with {@code decoding} would tag them. */
    static final class DevSet {
        private final List<ConllSentence> sentences;
        private final Features features;
        private final BioLabels labels;
        private final TransitionPrior prior;
        private final SpanDecoding decoding;
        // the texts and their sentence starts do not change between epochs: found once
        private final List<Document> docs = new ArrayList<>();
        private final List<int[]> sentenceStarts = new ArrayList<>();

        DevSet(List<ConllSentence> sentences, Features features, BioLabels labels, TransitionPrior prior, SpanDecoding decoding) {
            this.sentences = sentences;
            this.features = features;
            this.labels = labels;
            this.prior = prior;
            this.decoding = decoding;
            SentenceSegmenter segmenter = SentenceSegmenter.getDefault();
            for (ConllSentence s : sentences) {
                Document doc = Document.ofTokens(s.tokens());
                docs.add(doc);
                sentenceStarts.add(segmenter.sentenceStarts(doc.text(), doc.words()));
            }
        }

        Features features() {
            return features;
        }

        double f1(float[][] w, float[] b, LinearHead.Centering centering) {
            LinearHead head = new LinearHead("dev", labels, w, b, LinearHead.Centering.NONE, prior, decoding);
            HeadDecoder decoder = new HeadDecoder(head);
            SpanMetrics m = new SpanMetrics();
            for (int s = 0; s < sentences.size(); s++) {
                int from = features.sentenceStart()[s];
                float[][] x = new float[features.sentenceStart()[s + 1] - from][];
                for (int i = 0; i < x.length; i++) {
                    x[i] = features.row(from + i, centering);
                }
                float[][] logits = head.logits(x);
                for (int i = 0; i < logits.length; i++) {
                    logits[i] = SpanLabeler.logSoftmax(logits[i]);
                }
                int[] tags = decoder.decode(docs.get(s), logits, sentenceStarts.get(s), SpanScope.SENTENCE);
                List<String> names = new ArrayList<>();
                for (int t : tags) {
                    names.add(labels.tag(t));
                }
                m.add(sentences.get(s).tags(), names);
            }
            return m.f1();
        }
    }

    private static void shuffle(int[] a, Random r) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static float[][] deepCopy(float[][] a) {
        float[][] c = new float[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    /** Adam optimiser state for a weight matrix and bias vector. */
    static final class Adam {
        private static final double BETA1 = 0.9;
        private static final double BETA2 = 0.999;
        private static final double EPS = 1e-8;
        private final float[][] mW;
        private final float[][] vW;
        private final float[] mB;
        private final float[] vB;
        private final double lr;
        private int t = 1;

        Adam(int rows, int dim, double lr) {
            mW = new float[rows][dim];
            vW = new float[rows][dim];
            mB = new float[rows];
            vB = new float[rows];
            this.lr = lr;
        }

        void update(int row, float[] w, float[] gw, float[] b, float gb) {
            double c1 = 1 - Math.pow(BETA1, t);
            double c2 = 1 - Math.pow(BETA2, t);
            float[] m = mW[row];
            float[] v = vW[row];
            for (int d = 0; d < w.length; d++) {
                m[d] = (float) (BETA1 * m[d] + (1 - BETA1) * gw[d]);
                v[d] = (float) (BETA2 * v[d] + (1 - BETA2) * gw[d] * gw[d]);
                w[d] -= (float) (lr * (m[d] / c1) / (Math.sqrt(v[d] / c2) + EPS));
            }
            mB[row] = (float) (BETA1 * mB[row] + (1 - BETA1) * gb);
            vB[row] = (float) (BETA2 * vB[row] + (1 - BETA2) * gb * gb);
            b[row] -= (float) (lr * (mB[row] / c1) / (Math.sqrt(vB[row] / c2) + EPS));
        }

        void tick() {
            t++;
        }
    }
}
