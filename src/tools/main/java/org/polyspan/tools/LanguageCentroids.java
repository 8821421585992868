package org.polyspan.tools;

import com.google.gson.JsonObject;
import org.polyspan.eval.Benchmarks;
import org.polyspan.labeling.ConllReader;
import org.polyspan.labeling.ConllSentence;
import org.polyspan.labeling.Document;
import org.polyspan.labeling.LinearHead;
import org.polyspan.model.LabelingModel;
import org.polyspan.model.LanguageCentroidFiles;
import org.polyspan.onnx.OnnxWindowEncoder;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Computes one mean feature vector per language from the unlabelled text of WikiNEuRal's validation split (the same
 * number of sentences in every language, so that the centroids differ by language and not by domain) and writes them
 * for heads with {@code "centering": "language"}. It prints how stable each centroid is (first half against second
 * half) and, with {@code --check}, how often the nearest centroid names the right language on gold sets.
 *
 * <pre>models/tool.sh LanguageCentroids --model DIR [--out DIR/heads] [--languages de,en,es,fr,it,nl,pl,pt,ru]
 *     [--sentences 500] [--reference en] [--min-cosine 0.3] [--strength 1] [--check argument:all,ner:wikineural/fr,...]
 *     [--check-limit 200] [--check-split test|dev] [--centroids FILE]</pre>
 *
 * <p>{@code --centroids FILE} checks existing centroids instead of computing new ones.
 */
public final class LanguageCentroids {
    private static final int BATCH = 128;

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv, List.of("model", "out", "data", "languages", "sentences", "reference", "min-cosine", "check",
                "check-limit", "check-split", "threads", "centroids", "strength"));
        Path modelDir = Path.of(args.require("model"));
        Path out = Path.of(args.get("out", modelDir.resolve("heads").toString()));
        Path data = Path.of(args.get("data", "../shared/data"));
        List<String> languages = Arrays.asList(args.get("languages", "de,en,es,fr,it,nl,pl,pt,ru").split(","));
        int perLanguage = Integer.parseInt(args.get("sentences", "500"));
        String reference = args.get("reference", "en");
        float minCosine = Float.parseFloat(args.get("min-cosine", "0.3"));
        float strength = Float.parseFloat(args.get("strength", "1"));
        try (LabelingModel model = LabelingModel.load(modelDir.getFileName().toString(), modelDir, OnnxWindowEncoder.Device.CPU,
                Integer.parseInt(args.get("threads", "0")))) {
            org.polyspan.labeling.LanguageCentroids result;
            if (!args.get("centroids", "").isEmpty()) {
                // check existing centroids only
                result = LanguageCentroidFiles.read(Path.of(args.get("centroids", "")));
                if (args.get("min-cosine", null) != null) {
                    result = withMinCosine(result, minCosine);
                }
            } else {
                result = compute(model, data, languages, perLanguage, reference, minCosine, strength);
                JsonObject extra = new JsonObject();
                extra.addProperty("source", "WikiNEuRal validation split (CC BY-NC-SA 4.0), first " + perLanguage
                        + " sentences per language, labels unused");
                extra.addProperty("mean_of", "the mean feature vector of each sentence (every position, special tokens included)");
                LanguageCentroidFiles.write(out, result, extra);
                System.out.println("wrote " + out.resolve(LanguageCentroidFiles.JSON));
            }
            if (!args.get("check", "").isEmpty()) {
                check(model, result, data, args.get("check", ""), Integer.parseInt(args.get("check-limit", "200")),
                        args.get("check-split", "test"));
            }
        }
    }

    static org.polyspan.labeling.LanguageCentroids compute(LabelingModel model, Path data, List<String> languages, int perLanguage,
                                                       String reference, float minCosine, float strength) throws java.io.IOException {
        float[][] centroids = new float[languages.size()][];
        float[][] firstHalf = new float[languages.size()][];
        float[][] secondHalf = new float[languages.size()][];
        for (int l = 0; l < languages.size(); l++) {
            Path file = data.resolve("ner/wikineural/" + languages.get(l) + "/val.conllu");
            List<ConllSentence> sentences = new ConllReader(Map.of(), Set.of()).read(file);
            if (sentences.size() < perLanguage) {
                throw new IllegalArgumentException(file + " has " + sentences.size() + " sentences, fewer than " + perLanguage);
            }
            float[][] means = sentenceMeans(model, sentences.subList(0, perLanguage));
            centroids[l] = mean(means, 0, perLanguage);
            firstHalf[l] = mean(means, 0, perLanguage / 2);
            secondHalf[l] = mean(means, perLanguage / 2, perLanguage);
            System.out.printf(Locale.ROOT, "%s: %d sentences of %s%n", languages.get(l), perLanguage, file);
        }
        org.polyspan.labeling.LanguageCentroids result = new org.polyspan.labeling.LanguageCentroids(languages, centroids, reference, minCosine, strength);
        printStability(languages, result, firstHalf, secondHalf);
        return result;
    }

    private static org.polyspan.labeling.LanguageCentroids withMinCosine(org.polyspan.labeling.LanguageCentroids c, float minCosine) {
        float[][] vectors = new float[c.languages().size()][];
        for (int l = 0; l < vectors.length; l++) {
            vectors[l] = c.centroid(l);
        }
        return new org.polyspan.labeling.LanguageCentroids(c.languages(), vectors, c.reference(), minCosine, c.strength());
    }

    /**
     * How far each centroid moves between the two halves of its sentences, against how far it lies from the reference
     * language: the offset the heads see must be language, not sampling noise.
     */
    private static void printStability(List<String> languages, org.polyspan.labeling.LanguageCentroids c, float[][] a, float[][] b) {
        float[] ref = c.centroid(languages.indexOf(c.reference()));
        System.out.println();
        System.out.println("| language | |half1 - half2| | |centroid - " + c.reference() + "| | ratio | half1 nearest | half2 nearest |");
        System.out.println("|---|---:|---:|---:|---|---|");
        for (int l = 0; l < languages.size(); l++) {
            double noise = distance(a[l], b[l]);
            double offset = distance(c.centroid(l), ref);
            System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %s | %s |%n", languages.get(l), noise, offset,
                    offset == 0 ? 0 : noise / offset, name(c, c.nearest(a[l])), name(c, c.nearest(b[l])));
        }
    }

    /** Per check set: how often the nearest centroid is the set's language, how often none is near enough. */
    private static void check(LabelingModel model, org.polyspan.labeling.LanguageCentroids c, Path data, String selectors, int limit,
                              String split) throws Exception {
        System.out.println();
        System.out.printf(Locale.ROOT, "| set | split | sentences | nearest is its language | the same, any cosine | left alone (best cosine < %.2f) | most chosen | best cosine 10%% / 50%% / 90%% |%n",
                c.minCosine());
        System.out.println("|---|---|---:|---:|---:|---:|---|---|");
        for (String selector : selectors.split(",")) {
            String[] taskAndSets = selector.split(":", 2);
            Benchmarks.Task task = Benchmarks.Task.valueOf(taskAndSets[0].toUpperCase(Locale.ROOT));
            for (Benchmarks.Benchmark b : Benchmarks.select(data, task, List.of(taskAndSets[1]))) {
                Path file = split.equals("test") ? b.file() : DocumentEvaluation.devFile(b.file());
                List<ConllSentence> sentences = new ConllReader(b.rename(), b.types()).read(file);
                sentences = sentences.subList(0, Math.min(limit, sentences.size()));
                float[][] means = sentenceMeans(model, sentences);
                int right = 0;
                int rightAnyCosine = 0;
                int none = 0;
                int[] chosen = new int[c.languages().size()];
                float[] best = new float[means.length];
                for (int i = 0; i < means.length; i++) {
                    int l = c.nearest(means[i]);
                    float[] cos = c.cosines(means[i]);
                    best[i] = max(cos);
                    rightAnyCosine += c.languages().get(argmax(cos)).equals(b.language()) ? 1 : 0;
                    if (l < 0) {
                        none++;
                    } else {
                        chosen[l]++;
                        right += c.languages().get(l).equals(b.language()) ? 1 : 0;
                    }
                }
                int top = 0;
                for (int l = 1; l < chosen.length; l++) {
                    top = chosen[l] > chosen[top] ? l : top;
                }
                Arrays.sort(best);
                System.out.printf(Locale.ROOT, "| %s | %s | %d | %.3f | %.3f | %.3f | %s (%d) | %.2f / %.2f / %.2f |%n", b.name(), split,
                        means.length, right / (double) means.length, rightAnyCosine / (double) means.length, none / (double) means.length,
                        c.languages().get(top), chosen[top], best[best.length / 10], best[best.length / 2], best[best.length * 9 / 10]);
            }
        }
    }

    /** The mean feature vector of each sentence, as the head sees it: the mean of its window (of its windows, if long). */
    static float[][] sentenceMeans(LabelingModel model, List<ConllSentence> sentences) {
        float[][] sums = new float[sentences.size()][];
        int[] windows = new int[sentences.size()];
        for (int from = 0; from < sentences.size(); from += BATCH) {
            int offset = from;
            List<Document> docs = new ArrayList<>();
            for (ConllSentence s : sentences.subList(from, Math.min(sentences.size(), from + BATCH))) {
                docs.add(Document.ofTokens(s.tokens()));
            }
            model.encode(docs, (doc, words, vectors, positions) -> {
                float[] m = LinearHead.windowMean(vectors);
                int i = offset + doc;
                if (sums[i] == null) {
                    sums[i] = m;
                } else {
                    for (int d = 0; d < m.length; d++) {
                        sums[i][d] += m[d];
                    }
                }
                windows[i]++;
            });
        }
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < sums.length; i++) {
            if (sums[i] != null) {
                for (int d = 0; d < sums[i].length; d++) {
                    sums[i][d] /= windows[i];
                }
                out.add(sums[i]);
            }
        }
        return out.toArray(new float[0][]);
    }

    private static float[] mean(float[][] rows, int from, int to) {
        float[] m = new float[rows[from].length];
        for (int i = from; i < to; i++) {
            for (int d = 0; d < m.length; d++) {
                m[d] += rows[i][d] / (to - from);
            }
        }
        return m;
    }

    private static double distance(float[] a, float[] b) {
        double s = 0;
        for (int d = 0; d < a.length; d++) {
            s += (double) (a[d] - b[d]) * (a[d] - b[d]);
        }
        return Math.sqrt(s);
    }

    private static float max(float[] v) {
        float m = v[0];
        for (float x : v) {
            m = Math.max(m, x);
        }
        return m;
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            best = v[i] > v[best] ? i : best;
        }
        return best;
    }

    private static String name(org.polyspan.labeling.LanguageCentroids c, int l) {
        return l < 0 ? "none" : c.languages().get(l);
    }
}
