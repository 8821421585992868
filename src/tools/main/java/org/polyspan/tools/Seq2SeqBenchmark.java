package org.polyspan.tools;

import org.polyspan.labeling.Document;
import org.polyspan.labeling.Word;
import org.polyspan.labeling.WordSplitter;
import org.polyspan.seq2seq.BeamSearch;
import org.polyspan.seq2seq.LogitsSource;
import org.polyspan.seq2seq.Seq2SeqLabeler;
import org.polyspan.seq2seq.Seq2SeqModel;
import org.polyspan.seq2seq.TagAutomaton;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Decoding throughput of a seq2seq model directory with and without the tag automaton, same beam width, same number of
 * output tokens per sentence (the unconstrained run is capped at the constrained output's length), plus the cost of
 * the automaton alone, and labelling the sentences as one field one window at a time against batches of windows.
 *
 * <pre>models/tool.sh Seq2SeqBenchmark --model target/test-models/tiny-t5 [--beams 4] [--rounds 5] [--threads 1]</pre>
 */
public final class Seq2SeqBenchmark {
    private static final List<String> SENTENCES = List.of(
            "Angela Merkel met Barack Obama in Berlin on Tuesday.",
            "Amina Mohammed visited Nairobi, Kenya, with the United Nations.",
            "Москва и Россия, Путин в Москва.",
            "北京 東京 中国 日本 的 大学",
            "محمد في القاهرة مدينة",
            "Der Präsident der Straße in München und Zürich.",
            "Google and Microsoft opened offices in Lagos, Nigeria, and Paris, France.",
            "John Smith said the first new city of Europe was London.");

    private Seq2SeqBenchmark() {}

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv, List.of("model", "beams", "rounds", "threads"));
        Path dir = Path.of(args.require("model"));
        int beams = Integer.parseInt(args.get("beams", "4"));
        int rounds = Integer.parseInt(args.get("rounds", "5"));
        int threads = Integer.parseInt(args.get("threads", "1"));
        try (Seq2SeqModel model = Seq2SeqModel.load(dir, false, threads)) {
            var opt = model.options();
            BeamSearch search = new BeamSearch(beams, opt.lengthPenalty(), opt.decoderStart());
            int n = SENTENCES.size();
            TagAutomaton[] automata = new TagAutomaton[n];
            int[][] inputs = new int[n][];
            for (int s = 0; s < n; s++) {
                Document doc = Document.of(SENTENCES.get(s));
                List<String> words = doc.words().stream().map((Word w) -> WordSplitter.tokenizerText(doc.text(), w)).toList();
                int[][] ids = Arrays.stream(model.subwordTokenizer().tokenize(words)).filter(a -> a.length > 0).toArray(int[][]::new);
                automata[s] = new TagAutomaton(ids, model.labeler().openPaths(), model.labeler().closePaths(), opt.eos());
                inputs[s] = java.util.stream.IntStream.concat(Arrays.stream(ids).flatMapToInt(Arrays::stream),
                        Arrays.stream(model.subwordTokenizer().suffixIds()).mapToInt(v -> (int) v)).toArray();
            }
            int[] lengths = new int[n];
            for (int s = 0; s < n; s++) { // warm-up, and the output lengths that cap the unconstrained runs
                try (LogitsSource.Session session = model.onnx().open(inputs[s])) {
                    lengths[s] = search.search(session, automata[s]).tokens().length;
                }
                try (LogitsSource.Session session = model.onnx().open(inputs[s])) {
                    search.searchUnconstrained(session, opt.eos(), lengths[s]);
                }
            }
            System.out.printf("model %s, beam %d, %d sentences x %d rounds, intra-op threads %d%n", dir.getFileName(), beams, n, rounds, threads);
            for (boolean constrained : new boolean[] {true, false}) {
                long rows = 0;
                long outputTokens = 0;
                long t0 = System.nanoTime();
                for (int r = 0; r < rounds; r++) {
                    for (int s = 0; s < n; s++) {
                        try (LogitsSource.Session session = model.onnx().open(inputs[s])) {
                            BeamSearch.Result res = constrained ? search.search(session, automata[s])
                                    : search.searchUnconstrained(session, opt.eos(), lengths[s]);
                            rows += res.rowsScored();
                            outputTokens += res.tokens().length;
                        }
                    }
                }
                double sec = (System.nanoTime() - t0) / 1e9;
                System.out.printf("%-13s %8.0f decoder rows/s (hypothesis-tokens)  %7.0f output tokens/s  %6.2f ms/sentence%n",
                        constrained ? "constrained" : "unconstrained", rows / sec, outputTokens / sec, sec * 1000 / (rounds * n));
            }
            // the automaton alone: allowedTokens + advance along every constrained output
            int[][] outputs = new int[n][];
            for (int s = 0; s < n; s++) {
                try (LogitsSource.Session session = model.onnx().open(inputs[s])) {
                    outputs[s] = search.search(session, automata[s]).tokens();
                }
            }
            long steps = 0;
            long sink = 0;
            long t0 = System.nanoTime();
            for (int r = 0; r < 2000; r++) {
                for (int s = 0; s < n; s++) {
                    TagAutomaton.State st = automata[s].start();
                    for (int t : outputs[s]) {
                        sink += automata[s].allowedTokens(st).length;
                        st = automata[s].advance(st, t);
                        steps++;
                    }
                }
            }
            double ns = (System.nanoTime() - t0) / (double) steps;
            System.out.printf("automaton alone: %.0f ns per step (allowedTokens + advance), %d steps (checksum %d)%n", ns, steps, sink);
            batching(model, beams, rounds);
        }
    }

    /**
     * The sentences as one field, labelled by {@link Seq2SeqLabeler} one sentence window at a time and in batches of
     * windows (one encoder call per batch, every decoder call scoring the beams of all its windows).
     */
    private static void batching(Seq2SeqModel model, int beams, int rounds) {
        var o = model.options();
        Seq2SeqLabeler.Options options = new Seq2SeqLabeler.Options(o.labels(), o.openTags(), o.closeTags(), o.inputPrefix(),
                beams, o.lengthPenalty(), o.maxInputTokens(), o.decoderStart(), o.eos());
        List<String> repeated = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            repeated.addAll(SENTENCES);
        }
        List<Document> field = List.of(Document.of(String.join(" ", repeated)));
        int[] sizes = {1, 4, 8, 16, 32};
        Seq2SeqLabeler[] labelers = new Seq2SeqLabeler[sizes.length];
        List<int[]> reference = null;
        boolean[] same = new boolean[sizes.length];
        long tokens = 0;
        int windows = 0;
        for (int b = 0; b < sizes.length; b++) { // warm-up, and the outputs must not depend on the batch size
            labelers[b] = new Seq2SeqLabeler(model.subwordTokenizer(), model.onnx(), options, sizes[b], Integer.MAX_VALUE);
            List<Seq2SeqLabeler.Decoded> decoded = labelers[b].decodeAll(field).get(0);
            List<int[]> outputs = decoded.stream().map(d -> d.result().tokens()).toList();
            reference = reference == null ? outputs : reference;
            same[b] = sameOutputs(reference, outputs);
            tokens = outputs.stream().mapToLong(t -> t.length).sum();
            windows = decoded.size();
        }
        // interleaved rounds, median per batch size: the machine's load changes during the run
        double[][] ms = new double[sizes.length][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int b = 0; b < sizes.length; b++) {
                long t0 = System.nanoTime();
                labelers[b].decodeAll(field);
                ms[b][r] = (System.nanoTime() - t0) / 1e6;
            }
        }
        System.out.printf("one field of %d sentences (%d windows, %d output tokens), constrained, beam %d, median of %d rounds:%n",
                repeated.size(), windows, tokens, beams, rounds);
        double base = 0;
        for (int b = 0; b < sizes.length; b++) {
            double[] sorted = ms[b].clone();
            Arrays.sort(sorted);
            double median = sorted[rounds / 2];
            base = b == 0 ? median : base;
            System.out.printf("  batches of %2d windows: %7.1f ms/field  %7.0f output tokens/s  x%.2f vs one at a time, outputs %s%n",
                    sizes[b], median, tokens / (median / 1000), base / median, same[b] ? "identical" : "DIFFERENT");
        }
    }

    private static boolean sameOutputs(List<int[]> a, List<int[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }
}
