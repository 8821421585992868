package org.polyspan.tools;

import org.polyspan.eval.SpanMetrics;
import org.polyspan.labeling.ConllReader;
import org.polyspan.labeling.ConllSentence;
import org.polyspan.labeling.Document;
import org.polyspan.model.LabelingModel;
import org.polyspan.onnx.OnnxWindowEncoder;
import org.polyspan.projection.GeneratedCandidates;
import org.polyspan.projection.ProjectionOptions;
import org.polyspan.projection.Candidate;
import org.polyspan.projection.NmtCandidates;
import org.polyspan.projection.Projector;
import org.polyspan.projection.SpanConversions;
import org.polyspan.projection.SpanScorer;
import org.polyspan.projection.WordAligner;
import org.polyspan.projection.WordSpan;
import org.polyspan.projection.WordVectors;
import org.polyspan.seq2seq.Seq2SeqLabeler;
import org.polyspan.seq2seq.Seq2SeqModel;
import org.polyspan.seq2seq.TProjectionGenerator;
import org.polyspan.translation.NmtScorer;
import org.polyspan.translation.TranslationModel;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Measures annotation projection on gold parallel data: the English gold spans of each sentence are projected onto
 * the gold target sentence and the projected spans are scored against the target's own gold with seqeval span F1.
 * Every sentence is encoded once (the English side once per task); the layer blocks and scorer settings can be varied
 * over one encoding with {@code --blocks}, {@code --tau}, {@code --wcos}, {@code --wlen}, {@code --threshold}
 * (comma-separated lists; every combination is run). With {@code --scorer nmt --nmt-model DIR}, {@code tproj} ranks its
 * candidates by translation probability with a translation model (M2M100 / NLLB optimum export) instead, and the
 * encoder is not used.
 *
 * <p>The word vectors come from the model's truncated encoder when it emits every block {@code --blocks} reads (as on a
 * node: block 0 of the default model), else from the full encoder; {@code --encoder full} always runs the full encoder,
 * to compare the two.
 *
 * <pre>models/tool.sh EvaluateProjection [--model models/build/mbert-ner] [--data ../shared/data]
 *     [--tasks europarl,absa,abstrct] [--methods align,tproj] [--limit N] [--blocks 0] [--tau 0.05] [--wcos 0]
 *     [--wlen 0.05] [--threshold 0.05] [--align itermax|argmax] [--pooling mean|first]
 *     [--scorer encoder|nmt] [--nmt-model DIR] [--encoder auto|full]
 *     [--candidates ngrams|seq2seq|seq2seq+ngrams --generator-model DIR [--generator-beams N] [--generator-max-input N]]</pre>
 *
 * <p>With {@code --candidates seq2seq}, {@code tproj} ranks the target ranges that a T-Projection text-to-text
 * generator (an optimum seq2seq export with {@code polyspan.layout = seq2seq}) proposes, instead of every n-gram;
 * generation runs once per pair and its time counts in pairs/s.
 */
public final class EvaluateProjection {
    private static final int ENCODE_BATCH = 128;

    /** Published projection F1 (T-Projection paper, averaged per task): fast_align, SimAlign, AWESOME, T-Projection. */
    private static final Map<String, String> PUBLISHED = Map.of(
            "europarl", "71 / 84 / 87 / 91", "absa", "75 / 86 / 92 / 94", "abstrct", "85 / 84 / 54 / 96");

    private record Pair(String lang, List<ConllSentence> target) {}

    private record Task(String name, List<ConllSentence> source, List<Pair> pairs) {}

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv, List.of("model", "data", "tasks", "methods", "limit", "blocks", "tau", "wcos", "wlen",
                "threshold", "align", "pooling", "threads", "extra", "factor", "scorer", "nmt-model", "candidates", "generator-model",
                "generator-beams", "generator-max-input", "encoder"));
        WordVectors.Encoder encoderChoice = WordVectors.Encoder.valueOf(args.get("encoder", "auto").toUpperCase(Locale.ROOT));
        ProjectionOptions.Candidates candidates = ProjectionOptions.Candidates.of(args.get("candidates", "ngrams"));
        Path modelDir = Path.of(args.get("model", "models/build/mbert-ner"));
        Path data = Path.of(args.get("data", "../shared/data"));
        int limit = Integer.parseInt(args.get("limit", "0"));
        List<String> methods = List.of(args.get("methods", "align,tproj").split(","));
        List<String> blockSets = List.of(args.get("blocks", "0").split(","));
        List<Double> taus = doubles(args.get("tau", String.valueOf(SpanScorer.Params.DEFAULT.tau())));
        List<Double> wcos = doubles(args.get("wcos", String.valueOf(SpanScorer.Params.DEFAULT.wCos())));
        List<Double> wlen = doubles(args.get("wlen", String.valueOf(SpanScorer.Params.DEFAULT.wLen())));
        List<Double> thresholds = doubles(args.get("threshold", "0.05"));
        int extra = Integer.parseInt(args.get("extra", String.valueOf(SpanScorer.Params.DEFAULT.maxExtra())));
        double factor = Double.parseDouble(args.get("factor", String.valueOf(SpanScorer.Params.DEFAULT.maxFactor())));
        WordAligner.Mode alignMode = WordAligner.Mode.valueOf(args.get("align", "itermax").toUpperCase(Locale.ROOT));
        WordVectors.Pooling pooling = WordVectors.Pooling.valueOf(args.get("pooling", "mean").toUpperCase(Locale.ROOT));

        List<Task> tasks = new ArrayList<>();
        for (String t : args.get("tasks", "europarl,absa,abstrct").split(",")) {
            tasks.add(load(t, data, limit));
        }
        List<String[]> table = new ArrayList<>();
        String scorer = args.get("scorer", "encoder");
        if (scorer.equals("nmt") && candidates.generated()) {
            throw new IllegalArgumentException("--candidates " + candidates.value() + " is ranked by the encoder scorer, not --scorer nmt");
        }
        if (scorer.equals("nmt")) {
            String nmtDir = args.get("nmt-model", null);
            if (nmtDir == null) {
                throw new IllegalArgumentException("--scorer nmt needs --nmt-model DIR (a translation model in the optimum layout)");
            }
            evaluateNmt(Path.of(nmtDir), tasks, new SpanScorer.Params(SpanScorer.Params.DEFAULT.tau(), 1.0, 0, 0, extra, factor),
                    Integer.parseInt(args.get("threads", "0")), table);
            printTable(table);
            return;
        } else if (!scorer.equals("encoder")) {
            throw new IllegalArgumentException("--scorer must be encoder or nmt, got " + scorer);
        }
        Seq2SeqModel generatorModel = candidates.generated()
                ? Seq2SeqModel.load(Path.of(args.require("generator-model")), false, Integer.parseInt(args.get("threads", "0"))) : null;
        GeneratedCandidates generated = null;
        if (generatorModel != null) {
            Seq2SeqLabeler.Options o = generatorModel.options();
            int beams = Integer.parseInt(args.get("generator-beams", String.valueOf(o.beamWidth())));
            int maxInput = Integer.parseInt(args.get("generator-max-input", String.valueOf(o.maxInputTokens())));
            o = new Seq2SeqLabeler.Options(o.labels(), o.openTags(), o.closeTags(), o.inputPrefix(), o.beamWidth(),
                    o.lengthPenalty(), maxInput, o.decoderStart(), o.eos());
            generated = new GeneratedCandidates(new TProjectionGenerator(generatorModel.subwordTokenizer(), generatorModel.onnx(),
                    o, beams, Integer.MAX_VALUE), new SpanScorer.Params(0, 1, 0, 0, extra, factor));
        }
        try (generatorModel; LabelingModel model = LabelingModel.load(modelDir.getFileName().toString(), modelDir, OnnxWindowEncoder.Device.CPU,
                Integer.parseInt(args.get("threads", "0")))) {
            // the blocks any --blocks setting reads, encoded once: with block 0 only, on the truncated encoder when the
            // model has one (as _project does), unless --encoder full
            java.util.TreeSet<Integer> used = new java.util.TreeSet<>();
            for (String blockSet : blockSets) {
                for (int b : parseBlocks(blockSet)) {
                    used.add(b);
                }
            }
            int[] all = used.stream().mapToInt(Integer::intValue).toArray();
            WordVectors vectors = new WordVectors(model, all, pooling, encoderChoice);
            System.out.printf(Locale.ROOT, "word vectors: %s%n", vectors);
            for (Task task : tasks) {
                long t0 = System.nanoTime();
                List<float[][]> src = encode(vectors, task.source());
                double srcSeconds = (System.nanoTime() - t0) / 1e9;
                System.out.printf(Locale.ROOT, "%s: encoded %d EN sentences in %.1f s%n", task.name(), task.source().size(), srcSeconds);
                for (Pair pair : task.pairs()) {
                    long t1 = System.nanoTime();
                    List<float[][]> tgt = encode(vectors, pair.target());
                    double encodeSeconds = (System.nanoTime() - t1) / 1e9 + srcSeconds / task.pairs().size();
                    int n = Math.min(task.source().size(), pair.target().size());
                    System.out.printf(Locale.ROOT, "%s en-%s: %d pairs, encoding %.1f s%n", task.name(), pair.lang(), n, encodeSeconds);
                    List<List<List<int[]>>> proposals = null;
                    double generateSeconds = 0;
                    if (generated != null && methods.contains("tproj")) {
                        long tg = System.nanoTime();
                        proposals = new ArrayList<>(n);
                        int withSpans = 0;
                        int without = 0;
                        for (int i = 0; i < n; i++) {
                            List<WordSpan> spans = SpanConversions.fromTags(task.source().get(i).tags(), "tags");
                            List<List<int[]>> p = generated.propose(Document.ofTokens(pair.target().get(i).tokens()), spans);
                            proposals.add(p);
                            if (!spans.isEmpty()) {
                                withSpans++;
                                if (p.stream().allMatch(List::isEmpty)) {
                                    without++;
                                }
                            }
                        }
                        generateSeconds = (System.nanoTime() - tg) / 1e9;
                        System.out.printf(Locale.ROOT, "%s en-%s: generated candidates in %.1f s; %d of %d pairs with spans got none "
                                + "(input over the generator's max input tokens)%n", task.name(), pair.lang(), generateSeconds, without, withSpans);
                    }
                    for (String blockSet : blockSets) {
                        int[] chosen = parseBlocks(blockSet);
                        List<float[][]> s = select(src, chosen, all);
                        List<float[][]> g = select(tgt, chosen, all);
                        for (String method : methods) {
                            Projector.Method m = Projector.Method.valueOf(method.toUpperCase(Locale.ROOT));
                            for (double tau : m == Projector.Method.TPROJ ? taus : List.of(0.0)) {
                                for (double wc : m == Projector.Method.TPROJ ? wcos : List.of(0.0)) {
                                    for (double wl : m == Projector.Method.TPROJ ? wlen : List.of(0.0)) {
                                        for (double th : m == Projector.Method.TPROJ ? thresholds : List.of(0.0)) {
                                            SpanScorer.Params params = new SpanScorer.Params(tau, 1.0, wc, wl, extra, factor);
                                            Projector projector = new Projector(m, params, alignMode, th);
                                            long t2 = System.nanoTime();
                                            SpanMetrics metrics = new SpanMetrics();
                                            for (int i = 0; i < n; i++) {
                                                ConllSentence en = task.source().get(i);
                                                ConllSentence gold = pair.target().get(i);
                                                List<WordSpan> spans = SpanConversions.fromTags(en.tags(), "tags");
                                                Projector.Result r = m == Projector.Method.TPROJ && proposals != null
                                                        ? projector.project(s.get(i), spans, g.get(i), 0, proposals.get(i),
                                                                candidates == ProjectionOptions.Candidates.SEQ2SEQ_NGRAMS)
                                                        : projector.project(s.get(i), spans, g.get(i), 0);
                                                metrics.add(gold.tags(), SpanConversions.toTags(gold.tokens().size(), r.projections()));
                                            }
                                            double projectSeconds = (System.nanoTime() - t2) / 1e9
                                                    + (m == Projector.Method.TPROJ ? generateSeconds : 0);
                                            String setting = m == Projector.Method.TPROJ
                                                    ? String.format(Locale.ROOT, "blocks %s tau %s wcos %s wlen %s th %s candidates %s",
                                                            blockSet, tau, wc, wl, th, candidates.value())
                                                    : String.format(Locale.ROOT, "blocks %s %s", blockSet, alignMode.name().toLowerCase(Locale.ROOT));
                                            String[] row = {task.name(), "en-" + pair.lang(), method, String.valueOf(n),
                                                    pct(metrics.precision()), pct(metrics.recall()), pct(metrics.f1()),
                                                    String.format(Locale.ROOT, "%.1f", n / (encodeSeconds + projectSeconds)),
                                                    PUBLISHED.get(task.name()), setting};
                                            table.add(row);
                                            System.out.println(String.join(" | ", row));
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        printTable(table);
    }

    /** tproj with the NMT scorer: target n-grams scored by translation probability, then the global selection. */
    private static void evaluateNmt(Path dir, List<Task> tasks, SpanScorer.Params params, int threads, List<String[]> table) throws Exception {
        try (TranslationModel model = TranslationModel.load(dir.getFileName().toString(), dir, false, threads)) {
            int en = model.languageToken("en");
            for (Task task : tasks) {
                for (Pair pair : task.pairs()) {
                    NmtScorer scorer = new NmtScorer(model, en, model.languageToken(pair.lang()));
                    int n = Math.min(task.source().size(), pair.target().size());
                    long t0 = System.nanoTime();
                    SpanMetrics metrics = new SpanMetrics();
                    for (int i = 0; i < n; i++) {
                        ConllSentence source = task.source().get(i);
                        ConllSentence gold = pair.target().get(i);
                        List<WordSpan> spans = SpanConversions.fromTags(source.tags(), "tags");
                        Document target = Document.ofTokens(gold.tokens());
                        List<List<Candidate>> candidates = NmtCandidates.score(scorer, Document.ofTokens(source.tokens()), spans, target, params);
                        Projector.Result r = Projector.select(spans, candidates, gold.tokens().size(), 0.0, 0);
                        metrics.add(gold.tags(), SpanConversions.toTags(gold.tokens().size(), r.projections()));
                    }
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    String[] row = {task.name(), "en-" + pair.lang(), "tproj", String.valueOf(n), pct(metrics.precision()),
                            pct(metrics.recall()), pct(metrics.f1()), String.format(Locale.ROOT, "%.1f", n / seconds),
                            PUBLISHED.get(task.name()), "nmt " + dir.getFileName()};
                    table.add(row);
                    System.out.println(String.join(" | ", row));
                }
            }
        }
    }

    private static void printTable(List<String[]> table) {
        System.out.println();
        System.out.println("| task | pair | method | pairs | P | R | F1 | pairs/s | published F1 (fast_align / SimAlign / AWESOME / T-Projection) | setting |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (String[] row : table) {
            System.out.println("| " + String.join(" | ", row) + " |");
        }
    }

    private static List<float[][]> encode(WordVectors vectors, List<ConllSentence> sentences) {
        List<float[][]> out = new ArrayList<>(sentences.size());
        for (int from = 0; from < sentences.size(); from += ENCODE_BATCH) {
            List<Document> docs = new ArrayList<>();
            for (ConllSentence s : sentences.subList(from, Math.min(sentences.size(), from + ENCODE_BATCH))) {
                docs.add(Document.ofTokens(s.tokens()));
            }
            out.addAll(vectors.encode(docs));
        }
        return out;
    }

    /** Slices the chosen unit-norm blocks out of vectors of the {@code encoded} blocks and rescales them to mean cosine. */
    private static List<float[][]> select(List<float[][]> all, int[] blocks, int[] encoded) {
        int[] at = new int[blocks.length];
        for (int b = 0; b < blocks.length; b++) {
            at[b] = java.util.Arrays.binarySearch(encoded, blocks[b]);
        }
        List<float[][]> out = new ArrayList<>(all.size());
        double scale = Math.sqrt(encoded.length) / Math.sqrt(blocks.length);
        for (float[][] doc : all) {
            float[][] d = new float[doc.length][];
            for (int w = 0; w < doc.length; w++) {
                int dim = doc[w].length / encoded.length;
                float[] v = new float[dim * blocks.length];
                for (int b = 0; b < blocks.length; b++) {
                    for (int k = 0; k < dim; k++) {
                        v[b * dim + k] = (float) (doc[w][at[b] * dim + k] * scale);
                    }
                }
                d[w] = v;
            }
            out.add(d);
        }
        return out;
    }

    private static int[] parseBlocks(String s) {
        String[] parts = s.split("\\+");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Integer.parseInt(parts[i].trim());
        }
        return out;
    }

    private static Task load(String name, Path data, int limit) throws IOException {
        ConllReader reader = new ConllReader(Map.of(), Set.of());
        Map<String, Path> targets = new LinkedHashMap<>();
        List<ConllSentence> source;
        boolean tokenTagFirst = false;
        switch (name) {
            case "europarl" -> {
                Path dir = data.resolve("projection/europarl_ner");
                source = reader.read(dir.resolve("en-europarl.test.conll02"));
                for (String l : List.of("de", "es", "it")) {
                    targets.put(l, dir.resolve(l + "-europarl.test.conll02"));
                }
            }
            case "absa" -> {
                Path dir = data.resolve("projection/absa_ote");
                source = reader.read(dir.resolve("original/en/en.absa.test.tsv"));
                targets.put("es", dir.resolve("manual_projections/en2es/DeepL.Iker.test.tsv"));
                targets.put("fr", dir.resolve("manual_projections/en2fr/Nayla.DeepL.test.tsv"));
                targets.put("ru", dir.resolve("manual_projections/en2ru/Olia.DeepL.test.tsv"));
                tokenTagFirst = true; // token, tag, quality
            }
            case "abstrct" -> {
                Path dir = data.resolve("medical/abstrct");
                source = reader.read(dir.resolve("EN/argument_components/original_data/neoplasm_test.tsv"));
                targets.put("es", dir.resolve("ES/deepl/argument_components/manual_revision/es_neoplasm_deepl_awesome_test.tsv"));
                targets.put("fr", dir.resolve("FR/nllb/argument_components/manual_revision/fr_neoplasm_nllb_awesome_test.tsv"));
                targets.put("it", dir.resolve("IT/nllb/argument_components/manual_revision/it_neoplasm_nllb_awesome_test.tsv"));
            }
            default -> throw new IllegalArgumentException("unknown task [" + name + "]; tasks: europarl, absa, abstrct");
        }
        List<Pair> pairs = new ArrayList<>();
        for (Map.Entry<String, Path> e : targets.entrySet()) {
            List<ConllSentence> target = tokenTagFirst
                    ? new ConllReader(Map.of(), Set.of(), ConllReader.Columns.FIRST_TWO).read(e.getValue())
                    : reader.read(e.getValue());
            if (target.size() != source.size()) {
                System.out.printf(Locale.ROOT, "warning: %s en-%s has %d target vs %d source sentences; pairs beyond the shorter are dropped%n",
                        name, e.getKey(), target.size(), source.size());
            }
            pairs.add(new Pair(e.getKey(), limit > 0 ? target.subList(0, Math.min(limit, target.size())) : target));
        }
        System.out.println(name + ": " + reader.report());
        return new Task(name, limit > 0 ? source.subList(0, Math.min(limit, source.size())) : source, pairs);
    }

    private static List<Double> doubles(String s) {
        List<Double> out = new ArrayList<>();
        for (String p : s.split(",")) {
            out.add(Double.parseDouble(p));
        }
        return out;
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f", 100 * v);
    }
}
