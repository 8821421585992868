package org.polyspan.tools;

import org.polyspan.eval.Benchmarks;
import org.polyspan.eval.TokenMetrics;
import org.polyspan.eval.SpanMetrics;
import org.polyspan.labeling.ConllReader;
import org.polyspan.labeling.ConllSentence;
import org.polyspan.labeling.Document;
import org.polyspan.labeling.TaggedDocument;
import org.polyspan.model.LabelingModel;
import org.polyspan.onnx.OnnxWindowEncoder;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Evaluates heads of a model on the gold sets of {@code shared/data} for a task (ner, medical, argument):
 * entity-level micro P/R/F1 per set (seqeval semantics, exact spans, only the task's entity types), token-level F1,
 * the macro average per group, and sentences per second. Several heads are scored from one encoder pass.
 *
 * <pre>models/tool.sh Evaluate --model models/build/mbert-ner [--task ner] [--head ner[,other]] [--sets all] [--limit N]
 *     [--split test|dev] [--dump DIR] [--bootstrap 1000]</pre>
 *
 * <p>{@code --split dev} scores the development file beside each test file; {@code --dump DIR} writes every set's
 * tokens with gold and predicted tags ({@code token TAB gold TAB predicted}) for error analysis. {@code --bootstrap N} adds
 * a column with each set's 95 % bootstrap interval of span F1 (N resamples of its sentences).
 *
 * <p>With {@code --join K}, documents instead of sentences: see {@link DocumentEvaluation}.
 */
public final class Evaluate {
    private static final int BATCH = 256;

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv, List.of("model", "task", "head", "data", "sets", "types", "limit", "threads", "join", "scope",
                "context", "split", "dump", "bootstrap"));
        if (!args.get("join", "0").equals("0")) {
            DocumentEvaluation.run(args);
            return;
        }
        Benchmarks.Task task = Benchmarks.Task.valueOf(args.get("task", "ner").toUpperCase(Locale.ROOT));
        Path modelDir = Path.of(args.require("model"));
        Path data = Path.of(args.get("data", "../shared/data"));
        List<String> sets = Arrays.asList(args.get("sets", "all").split(","));
        Set<String> typesOverride = args.get("types", "").isEmpty() ? null : new LinkedHashSet<>(Arrays.asList(args.get("types", "").split(",")));
        int limit = Integer.parseInt(args.get("limit", "0"));
        int threads = Integer.parseInt(args.get("threads", "0"));
        String split = args.get("split", "test");
        Path dump = args.get("dump", "").isEmpty() ? null : Path.of(args.get("dump", ""));
        int bootstrap = Integer.parseInt(args.get("bootstrap", "0"));
        try (LabelingModel model = LabelingModel.load(modelDir.getFileName().toString(), modelDir, OnnxWindowEncoder.Device.CPU, threads)) {
            List<String> heads = Arrays.asList(args.get("head", task.defaultHead()).split(","));
            for (String head : heads) {
                if (!model.heads().containsKey(head)) {
                    throw new IllegalArgumentException("no head [" + head + "] in " + modelDir + "; heads: " + model.heads().keySet());
                }
            }
            // several heads are scored from one encoder pass; each gets its own table
            Map<String, StringBuilder> tables = new LinkedHashMap<>();
            Map<String, Map<String, List<Double>>> groupF1 = new LinkedHashMap<>();
            Map<String, SpanMetrics> overall = new LinkedHashMap<>();
            for (String head : heads) {
                tables.put(head, new StringBuilder(bootstrap > 0
                        ? "| set | lang | sentences | P | R | F1 | token F1 | F1, 95 % bootstrap interval |\n|---|---|---:|---:|---:|---:|---:|---|\n"
                        : "| set | lang | sentences | P | R | F1 | token F1 |\n|---|---|---:|---:|---:|---:|---:|\n"));
                groupF1.put(head, new LinkedHashMap<>());
                overall.put(head, new SpanMetrics());
            }
            System.out.printf(Locale.ROOT, "model %s, task %s, heads %s%n", modelDir, task.name().toLowerCase(Locale.ROOT), heads);
            long totalSentences = 0;
            long totalNanos = 0;
            for (Benchmarks.Benchmark b : Benchmarks.select(data, task, sets)) {
                Set<String> types = typesOverride != null ? typesOverride : b.types();
                ConllReader reader = new ConllReader(b.rename(), types);
                Path file = split.equals("test") ? b.file() : DocumentEvaluation.devFile(b.file());
                List<ConllSentence> sentences = reader.read(file);
                if (limit > 0 && sentences.size() > limit) {
                    sentences = sentences.subList(0, limit);
                }
                Map<String, SpanMetrics> metrics = new LinkedHashMap<>();
                Map<String, TokenMetrics> tokenMetrics = new LinkedHashMap<>();
                Map<String, StringBuilder> dumps = new LinkedHashMap<>();
                heads.forEach(h -> dumps.put(h, new StringBuilder()));
                heads.forEach(h -> metrics.put(h, new SpanMetrics()));
                heads.forEach(h -> tokenMetrics.put(h, new TokenMetrics()));
                long t0 = System.nanoTime();
                for (int from = 0; from < sentences.size(); from += BATCH) {
                    List<ConllSentence> batch = sentences.subList(from, Math.min(sentences.size(), from + BATCH));
                    List<Document> docs = new ArrayList<>(batch.size());
                    for (ConllSentence s : batch) {
                        docs.add(Document.ofTokens(s.tokens()));
                    }
                    Map<String, List<TaggedDocument>> tagged = model.label(docs, heads);
                    for (String head : heads) {
                        for (int i = 0; i < batch.size(); i++) {
                            List<String> predicted = keepTypes(tagged.get(head).get(i).tagNames(), types);
                            metrics.get(head).add(batch.get(i).tags(), predicted);
                            tokenMetrics.get(head).add(batch.get(i).tags(), predicted);
                            if (dump != null) {
                                appendConll(dumps.get(head), batch.get(i), predicted);
                            }
                        }
                    }
                }
                long nanos = System.nanoTime() - t0;
                if (dump != null) {
                    for (String head : heads) {
                        java.nio.file.Files.createDirectories(dump);
                        Path f = dump.resolve(b.group() + "-" + b.language() + "-" + split + "-" + head + ".conll");
                        java.nio.file.Files.writeString(f, dumps.get(head));
                        System.out.println("  wrote " + f);
                    }
                }
                totalNanos += nanos;
                totalSentences += sentences.size();
                for (String head : heads) {
                    SpanMetrics m = metrics.get(head);
                    overall.get(head).addAll(m);
                    groupF1.get(head).computeIfAbsent(b.group(), k -> new ArrayList<>()).add(m.f1());
                    String row = String.format(Locale.ROOT, "| %s | %s%s | %d | %.3f | %.3f | %.3f | %.3f |", b.group(), b.language(),
                            split.equals("test") ? "" : " (" + split + ")", sentences.size(), m.precision(), m.recall(), m.f1(), tokenMetrics.get(head).f1());
                    if (bootstrap > 0) {
                        double[] ci = m.f1Interval(bootstrap, 0.95, 1);
                        row += String.format(Locale.ROOT, " %.3f–%.3f |", ci[0], ci[1]);
                    }
                    tables.get(head).append(row).append('\n');
                    System.out.printf(Locale.ROOT, "%s %s  (%s, %.0f sentences/s)%n", row, head, head, sentences.size() / (nanos / 1e9));
                }
                if (reader.repaired()) {
                    System.out.println("  (" + b.file().getFileName() + ": " + reader.report() + ")");
                }
            }
            for (String head : heads) {
                System.out.println();
                System.out.println("## head " + head);
                System.out.print(tables.get(head));
                System.out.println();
                System.out.println("| group | languages | macro F1 |");
                System.out.println("|---|---:|---:|");
                groupF1.get(head).forEach((g, f1s) -> System.out.printf(Locale.ROOT, "| %s | %d | %.3f |%n", g, f1s.size(),
                        f1s.stream().mapToDouble(Double::doubleValue).average().orElse(0)));
                SpanMetrics all = overall.get(head);
                System.out.printf(Locale.ROOT, "%noverall micro P %.3f R %.3f F1 %.3f over %d gold entities%n",
                        all.precision(), all.recall(), all.f1(), all.goldCount());
            }
            System.out.printf(Locale.ROOT, "%d sentences in %.1f s (%.1f sentences/s, %d head(s) per pass)%n", totalSentences,
                    totalNanos / 1e9, totalSentences / (totalNanos / 1e9), heads.size());
        }
    }

    /** One token per line: the token, its gold tag and the predicted tag; a blank line after the sentence. */
    static void appendConll(StringBuilder out, ConllSentence sentence, List<String> predicted) {
        for (int k = 0; k < predicted.size(); k++) {
            out.append(sentence.tokens().get(k)).append('\t').append(sentence.tags().get(k)).append('\t').append(predicted.get(k)).append('\n');
        }
        out.append('\n');
    }

    /** Predicted types outside the evaluated set become O, like the gold ones. */
    static List<String> keepTypes(List<String> tags, Set<String> types) {
        List<String> out = new ArrayList<>(tags.size());
        for (String t : tags) {
            out.add(t.equals("O") || types.contains(t.substring(2)) ? t : "O");
        }
        return out;
    }
}
