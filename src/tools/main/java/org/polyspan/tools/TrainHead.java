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
 * Trains a linear tagging head on the frozen features of an encoder-with-heads model from CoNLL files, and writes it
 * into the model's {@code heads/} directory (or {@code --out}). A running node picks it up with
 * {@code POST _plugins/polyspan/models/<id>/_reload}.
 *
 * <pre>models/tool.sh TrainHead --model DIR --train FILE[@W][,FILE[@W]...] --name ner [--dev FILE[,FILE...]]
 *     [--silver FILE[@W][,...]] [--silver-sample N] [--silver-weight a,b] [--silver-o-weight a,b] [--silver-drop none,no_entity]
 *     [--outside-penalty a,b] [--types PER,ORG,LOC,MISC] [--centering none|window_mean] [--epochs 10] [--lr 0.0005]
 *     [--l2 0.0001] [--seed 13] [--prior-weight 0.5] [--like HEAD.json] [--limit N] [--dev-limit N] [--cache DIR]
 *     [--out DIR] [--dump-features DIR]</pre>
 *
 * <p>Several training files are learnt from at once; {@code FILE@W} multiplies each of the file's words' loss by
 * {@code W}. {@code --silver} files hold labels projected onto translations (data transfer, "translate-train"): their
 * noise is handled by a {@link SilverPolicy} ({@code --silver-weight}, {@code --silver-o-weight},
 * {@code --silver-drop}), and {@code --silver-sample N} takes N sentences of each at random (a different sample per
 * file, so translations of the same English corpus bring different sentences).
 *
 * <p>With {@code --dev}, the head kept is the epoch with the best development span F1, averaged over the development
 * files when there are several (one per language, say). Every option that takes a comma-separated list ({@code --lr},
 * {@code --l2}, {@code --seed}, the silver options, {@code --outside-penalty}) is searched: every combination is
 * trained (or, for the outside penalty, decoded) on the same features and the best on development data is written,
 * with a table of all of them. Test sets are never read. {@code --like HEAD.json} gives the new head that head's
 * {@code decoding} object and language centring, and development F1 is then measured as the head will decode (span
 * units, outside penalty), through the processor's own {@link HeadDecoder}.
 *
 * <p>{@code --cache DIR} keeps the encoded words of every file there (float16), so that a second run with other
 * settings does not encode again. {@code --dump-features DIR} writes the encoded training and development words to
 * {@code DIR} and trains nothing.
 *
 * <p>{@code --prior-only HEAD.json} skips training and writes a copy of an existing head with a tag transition prior
 * estimated from {@code --train}.
 */
public final class TrainHead {
    private static final int ENCODE_BATCH = 256;
    private static final int TRAIN_BATCH = 256;

    /**
     * Features of every word (float16, as the encoder's output needs no more for a linear head, and it halves the
     * memory of a large training set), the mean of the window each word was encoded in (shared between the words of a
     * window; null when read from a cache), the word's gold tag index ({@code 0} is {@code O}), where each sentence
     * starts, and which training file each sentence comes from.
     */
    record Features(short[][] raw, float[][] windowMean, int[] y, int[] sentenceStart, int[] sentenceFile) {
        /** Features of words given as float rows, all of one file. */
        static Features of(float[][] x, float[][] windowMean, int[] y, int[] sentenceStart) {
            return new Features(half(x), windowMean, y, sentenceStart, new int[sentenceStart.length - 1]);
        }

        float[] row(int i, LinearHead.Centering centering) {
            short[] r = raw[i];
            float[] x = new float[r.length];
            for (int d = 0; d < x.length; d++) {
                x[d] = Float.float16ToFloat(r[d]);
            }
            if (centering == LinearHead.Centering.NONE) {
                return x;
            }
            if (windowMean == null) {
                throw new IllegalStateException("window-mean centring needs the window means, which a feature cache does not keep");
            }
            float[] m = windowMean[i];
            for (int d = 0; d < x.length; d++) {
                x[d] -= m[d];
            }
            return x;
        }

        int dim() {
            return raw.length == 0 ? 0 : raw[0].length;
        }

        /** The words of several files, one after the other; sentence {@code s} of part {@code p} keeps file {@code p}. */
        static Features concat(List<Features> parts) {
            int words = parts.stream().mapToInt(p -> p.y().length).sum();
            int sentences = parts.stream().mapToInt(p -> p.sentenceStart().length - 1).sum();
            short[][] raw = new short[words][];
            float[][] means = parts.stream().allMatch(p -> p.windowMean() != null) ? new float[words][] : null;
            int[] y = new int[words];
            int[] start = new int[sentences + 1];
            int[] file = new int[sentences];
            int w = 0;
            int s = 0;
            for (int p = 0; p < parts.size(); p++) {
                Features part = parts.get(p);
                System.arraycopy(part.raw(), 0, raw, w, part.y().length);
                if (means != null) {
                    System.arraycopy(part.windowMean(), 0, means, w, part.y().length);
                }
                System.arraycopy(part.y(), 0, y, w, part.y().length);
                for (int k = 0; k + 1 < part.sentenceStart().length; k++) {
                    start[s] = w + part.sentenceStart()[k];
                    file[s++] = p;
                }
                w += part.y().length;
            }
            start[sentences] = words;
            return new Features(raw, means, y, start, file);
        }
    }

    static short[][] half(float[][] x) {
        short[][] out = new short[x.length][];
        for (int i = 0; i < x.length; i++) {
            out[i] = new short[x[i].length];
            for (int d = 0; d < x[i].length; d++) {
                out[i][d] = Float.floatToFloat16(x[i][d]);
            }
        }
        return out;
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv, List.of("model", "train", "dev", "name", "types", "centering", "epochs", "lr", "l2",
                "limit", "dev-limit", "out", "seed", "threads", "prior-weight", "prior-only", "like", "dump-features", "silver",
                "silver-sample", "silver-weight", "silver-o-weight", "silver-drop", "outside-penalty", "cache"));
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
        int devLimit = Integer.parseInt(args.get("dev-limit", String.valueOf(limit)));
        Path out = Path.of(args.get("out", modelDir.resolve("heads").toString()));
        Set<String> types = args.get("types", "").isEmpty() ? Set.of() : new LinkedHashSet<>(Arrays.asList(args.get("types", "").split(",")));
        Like like = args.get("like", "").isEmpty() ? Like.NONE : Like.read(Path.of(args.get("like", "")));
        if (like.languageCentring() && centerings.stream().anyMatch(c -> c != LinearHead.Centering.NONE)) {
            throw new IllegalArgumentException("--like names a head centred by language, which trains uncentred: drop --centering");
        }
        List<TrainingFile> files = new ArrayList<>(TrainingFile.parse(args.require("train"), false));
        files.addAll(TrainingFile.parse(args.get("silver", ""), true));
        List<SilverPolicy> policies = silverPolicies(args, files.stream().anyMatch(TrainingFile::silver));
        List<Float> penalties = args.get("outside-penalty", "").isEmpty() ? List.of(like.decoding().outsidePenalty())
                : numbers(args.get("outside-penalty", "")).stream().map(Double::floatValue).toList();
        FeatureCache cache = args.get("cache", "").isEmpty() ? null : new FeatureCache(Path.of(args.get("cache", "")), modelDir);
        if (cache != null && centerings.contains(LinearHead.Centering.WINDOW_MEAN)) {
            throw new IllegalArgumentException("--cache keeps no window means: drop --cache to train with --centering window_mean");
        }

        int silverSample = Integer.parseInt(args.get("silver-sample", "0"));
        List<List<ConllSentence>> perFile = new ArrayList<>();
        List<List<Integer>> chosen = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            List<ConllSentence> all = read(files.get(i).path(), types, 0);
            List<Integer> pick = choose(all.size(), files.get(i).silver() && silverSample > 0 ? silverSample : limit,
                    files.get(i).silver() && silverSample > 0 ? i + 1 : 0);
            chosen.add(pick);
            perFile.add(pick.stream().map(all::get).toList());
        }
        List<ConllSentence> gold = files.get(0).silver() ? List.of() : perFile.get(0);
        float priorWeight = Float.parseFloat(args.get("prior-weight", "0.5"));
        if (!args.get("prior-only", "").isEmpty()) {
            addPrior(Path.of(args.get("prior-only", "")), gold, priorWeight, name, out);
            return;
        }
        List<ConllSentence> train = perFile.stream().flatMap(List::stream).toList();
        List<String> tags = tagSet(train);
        BioLabels labels = new BioLabels(tags);
        // the tag transitions are estimated from the gold files only: projection noise would teach them missed entities
        List<ConllSentence> goldSentences = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            if (!files.get(i).silver()) {
                goldSentences.addAll(perFile.get(i));
            }
        }
        TransitionPrior prior = priorWeight > 0 && !goldSentences.isEmpty()
                ? TransitionPrior.estimate(tagIndices(goldSentences, tags), labels, priorWeight) : null;
        int settings = lrs.size() * l2s.size() * seeds.size() * policies.size() * penalties.size();
        if (settings > 1 && args.get("dev", "").isEmpty()) {
            throw new IllegalArgumentException("several values of a searched option need --dev to choose between them");
        }
        System.out.printf(Locale.ROOT, "training head [%s] on %d sentences of %s, tags %s, centring %s, decoding %s%n", name,
                train.size(), files, tags, centerings, like.decoding());

        try (LabelingModel model = LabelingModel.load(modelDir.getFileName().toString(), modelDir, OnnxWindowEncoder.Device.CPU,
                Integer.parseInt(args.get("threads", "0")))) {
            long t0 = System.nanoTime();
            List<Features> parts = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                parts.add(features(model, perFile.get(i), tags, cache, files.get(i).path(), chosen.get(i)));
            }
            Features trainF = Features.concat(parts);
            System.out.printf(Locale.ROOT, "encoded %d words in %.1f s%n", trainF.y().length, (System.nanoTime() - t0) / 1e9);
            List<DevSet> devSets = new ArrayList<>();
            for (String devFile : args.get("dev", "").isEmpty() ? new String[0] : args.get("dev", "").split(",")) {
                Path path = Path.of(devFile.trim());
                List<ConllSentence> all = read(path, types, 0);
                List<Integer> pick = choose(all.size(), devLimit, 0);
                List<ConllSentence> dev = pick.stream().map(all::get).toList();
                devSets.add(new DevSet(shortName(path), dev, features(model, dev, tags, cache, path, pick), labels, prior,
                        like.decoding()));
            }
            DevSets dev = devSets.isEmpty() ? null : new DevSets(devSets);
            if (!args.get("dump-features", "").isEmpty()) {
                Path dir = Path.of(args.get("dump-features", ""));
                dumpFeatures(trainF, dir.resolve("train"));
                for (int i = 0; i < devSets.size(); i++) {
                    dumpFeatures(devSets.get(i).features(), dir.resolve(i == 0 ? "dev" : "dev" + (i + 1)));
                }
                System.out.println("wrote the features to " + dir + "; nothing trained");
                return;
            }
            for (LinearHead.Centering centering : centerings) {
                String headName = centerings.size() == 1 ? name : name + "-" + centering.name().toLowerCase(Locale.ROOT);
                System.out.println("== head " + headName);
                Trained best = null;
                List<Trained> all = new ArrayList<>();
                for (SilverPolicy policy : policies) {
                    float[] weights = policy.wordWeights(trainF, files);
                    for (double lr : lrs) {
                        for (double l2 : l2s) {
                            for (long seed : seeds) {
                                Trained t = train(centering, trainF, weights, dev, labels, epochs, lr, l2, seed, penalties, policy);
                                all.add(t);
                                if (best == null || t.devF1() > best.devF1()) {
                                    best = t;
                                }
                            }
                        }
                    }
                }
                if (all.size() > 1 || penalties.size() > 1) {
                    System.out.println("silver\tlr\tl2\tseed\tbest epoch\toutside penalty\tdev F1");
                    for (Trained t : all) {
                        System.out.printf(Locale.ROOT, "%s\t%s\t%s\t%d\t%d\t%s\t%.4f%s%n", t.policy(), t.lr(), t.l2(), t.seed(), t.epoch(),
                                t.outsidePenalty(), t.devF1(), t == best ? "\tkept" : "");
                    }
                }
                if (dev != null && dev.size() > 1) {
                    System.out.println("development F1 of the head kept:");
                    double[] each = dev.f1Each(best.w(), best.b(), centering, best.outsidePenalty());
                    for (int i = 0; i < each.length; i++) {
                        System.out.printf(Locale.ROOT, "  %s\t%.4f%n", devSets.get(i).name(), each[i]);
                    }
                }
                // the kept run's policy may have left silver sentences out: the metadata counts what it trained on
                int dropped = best.policy().droppedSentences(trainF, files);
                write(headName, best, centering, like, labels, prior, epochs, files, train.size() - dropped, dropped,
                        args.get("dev", ""), out);
            }
        }
    }

    /** A data file by its folder and name ("hau/dev.txt"): sets of several languages often share file names. */
    static String shortName(Path file) {
        Path parent = file.getParent();
        return parent == null || parent.getFileName() == null ? file.getFileName().toString() : parent.getFileName() + "/" + file.getFileName();
    }

    /** Every combination of the silver options; without silver files, none is searched. */
    static List<SilverPolicy> silverPolicies(Args args, boolean anySilver) {
        if (!anySilver) {
            for (String option : List.of("silver-weight", "silver-o-weight", "silver-drop", "silver-sample")) {
                if (!args.get(option, "").isEmpty()) {
                    throw new IllegalArgumentException("--" + option + " needs --silver files");
                }
            }
            return List.of(SilverPolicy.NONE);
        }
        List<SilverPolicy> out = new ArrayList<>();
        for (double weight : numbers(args.get("silver-weight", "1"))) {
            for (double outside : numbers(args.get("silver-o-weight", "1"))) {
                for (String drop : args.get("silver-drop", "none").split(",")) {
                    if (!drop.equals("none") && !drop.equals("no_entity")) {
                        throw new IllegalArgumentException("--silver-drop takes none or no_entity, got [" + drop + "]");
                    }
                    out.add(new SilverPolicy((float) weight, (float) outside, drop.equals("no_entity")));
                }
            }
        }
        return out;
    }

    /**
     * Which of a file's {@code size} sentences are used, in file order: the first {@code n} ({@code n <= 0}: all), or,
     * with a non-zero {@code sampleSeed}, {@code n} chosen at random with that seed.
     */
    static List<Integer> choose(int size, int n, int sampleSeed) {
        List<Integer> all = IntStream.range(0, size).boxed().toList();
        if (n <= 0 || n >= size) {
            return all;
        }
        if (sampleSeed == 0) {
            return all.subList(0, n);
        }
        List<Integer> shuffled = new ArrayList<>(all);
        java.util.Collections.shuffle(shuffled, new Random(sampleSeed * 7919L));
        List<Integer> pick = new ArrayList<>(shuffled.subList(0, n));
        pick.sort(null);
        return pick;
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
            java.nio.ByteBuffer row = java.nio.ByteBuffer.allocate(4 * f.dim()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < f.y().length; i++) {
                row.clear();
                row.asFloatBuffer().put(f.row(i, LinearHead.Centering.NONE));
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
        for (String key : List.of("trained_on", "sentences", "silver_sentences_dropped", "epochs", "l2", "dev_f1", "description")) {
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
    record Trained(float[][] w, float[] b, double lr, double l2, long seed, int epoch, double devF1, float outsidePenalty,
                   SilverPolicy policy) {
    }

    /** Every word counts once; development F1 decoded with the development sets' own decoding. */
    static Trained train(LinearHead.Centering centering, Features trainF, DevSets dev, BioLabels labels, int epochs, double lr,
                         double l2, long seed) {
        float[] ones = new float[trainF.y().length];
        Arrays.fill(ones, 1f);
        float penalty = dev == null ? 0f : dev.decoding().outsidePenalty();
        return train(centering, trainF, ones, dev, labels, epochs, lr, l2, seed, List.of(penalty), SilverPolicy.NONE);
    }

    /**
     * Trains with each word's loss times {@code weights[word]} (a word of weight 0 is never seen), and keeps the epoch
     * and outside penalty (one of {@code penalties}) with the best development F1.
     */
    static Trained train(LinearHead.Centering centering, Features trainF, float[] weights, DevSets dev, BioLabels labels, int epochs,
                         double lr, double l2, long seed, List<Float> penalties, SilverPolicy policy) {
        List<String> tags = labels.tags();
        int dim = trainF.dim();
        float[][] w = new float[tags.size()][dim];
        float[] b = new float[tags.size()];
        Trained best = null;
        Adam adam = new Adam(tags.size(), dim, lr);
        Random random = new Random(seed);
        int[] order = IntStream.range(0, trainF.y().length).filter(i -> weights[i] > 0).toArray();
        System.out.printf(Locale.ROOT, "-- lr %s, l2 %s, seed %d, %s: %d of %d words%n", lr, l2, seed, policy, order.length,
                weights.length);
        for (int epoch = 1; epoch <= epochs; epoch++) {
            shuffle(order, random);
            double loss = 0;
            for (int from = 0; from < order.length; from += TRAIN_BATCH) {
                int[] batch = Arrays.copyOfRange(order, from, Math.min(order.length, from + TRAIN_BATCH));
                loss += step(w, b, trainF, weights, centering, batch, adam, l2);
            }
            StringBuilder devReport = new StringBuilder();
            if (dev != null) {
                for (float penalty : penalties) {
                    double f1 = dev.f1(w, b, centering, penalty);
                    devReport.append(String.format(Locale.ROOT, ", dev F1 %.4f", f1));
                    if (penalties.size() > 1) {
                        devReport.append(" (outside penalty ").append(penalty).append(')');
                    }
                    if (best == null || f1 > best.devF1()) {
                        best = new Trained(deepCopy(w), b.clone(), lr, l2, seed, epoch, f1, penalty, policy);
                    }
                }
            }
            System.out.printf(Locale.ROOT, "epoch %d: loss %.4f%s%n", epoch, loss / Math.max(1, order.length), devReport);
        }
        return best != null ? best : new Trained(w, b, lr, l2, seed, epochs, -1, penalties.get(0), policy);
    }

    static void write(String name, Trained t, LinearHead.Centering centering, Like like, BioLabels labels, TransitionPrior prior,
                      int epochs, List<TrainingFile> files, int sentences, int droppedSentences, String devFiles, Path out)
            throws Exception {
        JsonObject meta = new JsonObject();
        meta.addProperty("trained_on", String.join(", ", files.stream().map(TrainingFile::toString).toList()));
        if (files.stream().anyMatch(TrainingFile::silver)) {
            meta.addProperty("silver", t.policy().toString());
        }
        if (!devFiles.isEmpty()) {
            meta.addProperty("chosen_on", String.join(", ", Arrays.stream(devFiles.split(",")).map(f -> shortName(Path.of(f.trim()))).toList()));
        }
        meta.addProperty("sentences", sentences);
        if (t.policy().dropWithoutEntities()) {
            meta.addProperty("silver_sentences_dropped", droppedSentences);
        }
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
        SpanDecoding decoding = new SpanDecoding(like.decoding().units(), like.decoding().boundaryPenalty(), t.outsidePenalty());
        if (!decoding.equals(SpanDecoding.WORDS)) {
            meta.add("decoding", HeadFiles.decodingJson(decoding));
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

    /** The words of {@code sentences} encoded, from {@code cache} when it has them (and into it when not). */
    static Features features(LabelingModel model, List<ConllSentence> sentences, List<String> tags, FeatureCache cache, Path file,
                             List<Integer> chosen) throws java.io.IOException {
        int[] y = new int[sentences.stream().mapToInt(s -> s.tokens().size()).sum()];
        int w = 0;
        for (ConllSentence s : sentences) {
            for (String tag : s.tags()) {
                y[w++] = tags.indexOf(tag);
            }
        }
        Path entry = cache == null ? null : cache.entry(file, chosen);
        FeatureCache.Rows cached = entry == null ? null : FeatureCache.read(entry);
        if (cached != null && cached.raw().length == y.length) {
            System.out.println("  " + file.getFileName() + ": " + y.length + " encoded words from " + entry);
            return new Features(cached.raw(), null, y, cached.sentenceStart(), new int[sentences.size()]);
        }
        Features f = features(model, sentences, y);
        if (entry != null) {
            FeatureCache.write(entry, new FeatureCache.Rows(f.raw(), f.sentenceStart()));
        }
        return f;
    }

    static Features features(LabelingModel model, List<ConllSentence> sentences, int[] y) {
        int[] start = new int[sentences.size() + 1];
        for (int i = 0; i < sentences.size(); i++) {
            start[i + 1] = start[i] + sentences.get(i).tokens().size();
        }
        short[][] x = new short[start[sentences.size()]][];
        float[][] means = new float[x.length][];
        for (int from = 0; from < sentences.size(); from += ENCODE_BATCH) {
            int offset = from;
            List<Document> docs = new ArrayList<>();
            for (ConllSentence s : sentences.subList(from, Math.min(sentences.size(), from + ENCODE_BATCH))) {
                docs.add(Document.ofTokens(s.tokens()));
            }
            model.encode(docs, (doc, words, vectors, positions) -> {
                float[] mean = LinearHead.windowMean(vectors);
                for (int k = 0; k < words.length; k++) {
                    float[] v = vectors[positions[k]];
                    short[] h = new short[v.length];
                    for (int d = 0; d < v.length; d++) {
                        h[d] = Float.floatToFloat16(v[d]);
                    }
                    x[start[offset + doc] + words[k]] = h;
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
                x[i] = new short[dim]; // a word with no sub-tokens: no evidence (float16 zero)
                means[i] = new float[dim];
            }
        }
        return new Features(x, means, y, start, new int[sentences.size()]);
    }

    /** One mini-batch of softmax regression with Adam; returns the summed loss. */
    static double step(float[][] w, float[] b, Features f, float[] weights, LinearHead.Centering centering, int[] batch, Adam adam,
                       double l2) {
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
            float weight = weights[batch[i]];
            losses[i] = -weight * Math.log(Math.max(p[f.y()[batch[i]]], 1e-12));
            p[f.y()[batch[i]]] -= 1;
            for (int c = 0; c < k; c++) {
                p[c] *= weight;
            }
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
        private final String name;
        private final List<ConllSentence> sentences;
        private final Features features;
        private final BioLabels labels;
        private final TransitionPrior prior;
        private final SpanDecoding decoding;
        // the texts and their sentence starts do not change between epochs: found once
        private final List<Document> docs = new ArrayList<>();
        private final List<int[]> sentenceStarts = new ArrayList<>();

        DevSet(String name, List<ConllSentence> sentences, Features features, BioLabels labels, TransitionPrior prior,
               SpanDecoding decoding) {
            this.name = name;
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

        String name() {
            return name;
        }

        Features features() {
            return features;
        }

        SpanDecoding decoding() {
            return decoding;
        }

        double f1(float[][] w, float[] b, LinearHead.Centering centering) {
            return f1(w, b, centering, decoding.outsidePenalty());
        }

        /** Span F1 as a head decodes with this set's decoding, but {@code outsidePenalty} for words outside spans. */
        double f1(float[][] w, float[] b, LinearHead.Centering centering, float outsidePenalty) {
            SpanDecoding d = new SpanDecoding(decoding.units(), decoding.boundaryPenalty(), outsidePenalty);
            LinearHead head = new LinearHead("dev", labels, w, b, LinearHead.Centering.NONE, prior, d);
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

    /** Development sets in several languages: a setting's score is the mean of their span F1. */
    record DevSets(List<DevSet> sets) {
        int size() {
            return sets.size();
        }

        SpanDecoding decoding() {
            return sets.get(0).decoding();
        }

        double f1(float[][] w, float[] b, LinearHead.Centering centering, float outsidePenalty) {
            return Arrays.stream(f1Each(w, b, centering, outsidePenalty)).average().orElse(0);
        }

        double[] f1Each(float[][] w, float[] b, LinearHead.Centering centering, float outsidePenalty) {
            return sets.stream().mapToDouble(d -> d.f1(w, b, centering, outsidePenalty)).toArray();
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
