package org.polyspan.tools;

import org.polyspan.core.Document;
import org.polyspan.core.TaggedDocument;
import org.polyspan.eval.ConllReader;
import org.polyspan.eval.ConllSentence;
import org.polyspan.eval.NerBenchmarks;
import org.polyspan.eval.SpanMetrics;
import org.polyspan.model.LabelingModel;
import org.polyspan.model.OnnxWindowEncoder;

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
 * Evaluates a model's head on the gold NER sets of {@code shared/data}: entity-level micro P/R/F1 per set (seqeval
 * semantics, exact spans, only the chosen entity types), the macro average per group, and sentences per second.
 *
 * <pre>models/tool.sh Evaluate --model models/build/mbert-ner [--head ner] [--sets all] [--types PER,ORG,LOC] [--limit N]</pre>
 */
public final class Evaluate {
    private static final int BATCH = 256;

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv, List.of("model", "head", "data", "sets", "types", "limit", "threads"));
        Path modelDir = Path.of(args.require("model"));
        Path data = Path.of(args.get("data", "../shared/data"));
        List<String> sets = Arrays.asList(args.get("sets", "all").split(","));
        Set<String> types = new LinkedHashSet<>(Arrays.asList(args.get("types", "PER,ORG,LOC").split(",")));
        int limit = Integer.parseInt(args.get("limit", "0"));
        int threads = Integer.parseInt(args.get("threads", "0"));
        try (LabelingModel model = LabelingModel.load(modelDir.getFileName().toString(), modelDir, OnnxWindowEncoder.Device.CPU, threads)) {
            String head = args.get("head", model.heads().keySet().iterator().next());
            System.out.printf(Locale.ROOT, "model %s, head %s, types %s%n", modelDir, head, types);
            System.out.printf(Locale.ROOT, "| set | lang | sentences | P | R | F1 | sent/s |%n|---|---|---:|---:|---:|---:|---:|%n");
            Map<String, List<Double>> groupF1 = new LinkedHashMap<>();
            SpanMetrics overall = new SpanMetrics();
            long totalSentences = 0;
            long totalNanos = 0;
            for (NerBenchmarks.Benchmark b : NerBenchmarks.select(data, sets)) {
                ConllReader reader = new ConllReader(b.rename(), types);
                List<ConllSentence> sentences = reader.read(b.file());
                if (limit > 0 && sentences.size() > limit) {
                    sentences = sentences.subList(0, limit);
                }
                SpanMetrics m = new SpanMetrics();
                long t0 = System.nanoTime();
                for (int from = 0; from < sentences.size(); from += BATCH) {
                    List<ConllSentence> batch = sentences.subList(from, Math.min(sentences.size(), from + BATCH));
                    List<Document> docs = new ArrayList<>(batch.size());
                    for (ConllSentence s : batch) {
                        docs.add(Document.ofTokens(s.tokens()));
                    }
                    List<TaggedDocument> tagged = model.label(docs, List.of(head)).get(head);
                    for (int i = 0; i < batch.size(); i++) {
                        m.add(batch.get(i).tags(), keepTypes(tagged.get(i).tagNames(), types));
                    }
                }
                long nanos = System.nanoTime() - t0;
                totalNanos += nanos;
                totalSentences += sentences.size();
                overall.addAll(m);
                groupF1.computeIfAbsent(b.group(), k -> new ArrayList<>()).add(m.f1());
                System.out.printf(Locale.ROOT, "| %s | %s | %d | %.3f | %.3f | %.3f | %.0f |%n", b.group(), b.language(),
                        sentences.size(), m.precision(), m.recall(), m.f1(), sentences.size() / (nanos / 1e9));
                if (!reader.report().startsWith("malformed-utf8 lines: 0, stray I- tags repaired: 0,")) {
                    System.out.println("  (" + b.file().getFileName() + ": " + reader.report() + ")");
                }
            }
            System.out.println();
            System.out.println("| group | languages | macro F1 |");
            System.out.println("|---|---:|---:|");
            groupF1.forEach((g, f1s) -> System.out.printf(Locale.ROOT, "| %s | %d | %.3f |%n", g, f1s.size(),
                    f1s.stream().mapToDouble(Double::doubleValue).average().orElse(0)));
            System.out.printf(Locale.ROOT, "%noverall micro P %.3f R %.3f F1 %.3f over %d gold entities; %d sentences in %.1f s (%.0f sentences/s)%n",
                    overall.precision(), overall.recall(), overall.f1(), overall.goldCount(), totalSentences, totalNanos / 1e9,
                    totalSentences / (totalNanos / 1e9));
        }
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
