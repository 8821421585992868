package org.polyspan.tools;

import org.polyspan.eval.Benchmarks;
import org.polyspan.eval.SpanMetrics;
import org.polyspan.eval.TokenMetrics;
import org.polyspan.labeling.ConllReader;
import org.polyspan.labeling.ConllSentence;
import org.polyspan.labeling.Document;
import org.polyspan.labeling.Span;
import org.polyspan.labeling.SpanLabeler;
import org.polyspan.labeling.SpanScope;
import org.polyspan.labeling.TaggedDocument;
import org.polyspan.model.LabelingModel;
import org.polyspan.onnx.OnnxWindowEncoder;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code Evaluate --join K}: labels gold sentences the way the {@code span_labeling} processor labels a field, once
 * with every sentence as its own field and once with K consecutive sentences joined by a space into one field, and
 * prints both F1s side by side per set. The processor's path is followed exactly: the field text is split into words
 * by {@link Document#of} (not by the gold tokens), labelled by {@link LabelingModel#label(List, List, SpanScope)} in
 * the given span scope, and the stored spans (character offsets) are mapped back onto the gold tokens: a token takes
 * the label of the first span that overlaps it. Also counted: predicted spans that cross a gold sentence boundary.
 *
 * <pre>models/tool.sh Evaluate --model models/build/mbert-ner --task argument --join 10 [--scope sentence|field]
 *     [--context sentence|neighbours|both] [--split test|dev] [--sets ...] [--limit N]</pre>
 *
 * <p>{@code --context both} compares, at field level, windows that never mix sentences with windows that give the
 * encoder the neighbouring sentences as context (spans stay inside sentences either way in sentence scope).
 */
final class DocumentEvaluation {
    private static final int BATCH = 64;

    private DocumentEvaluation() {}

    static void run(Args args) throws Exception {
        Benchmarks.Task task = Benchmarks.Task.valueOf(args.get("task", "ner").toUpperCase(Locale.ROOT));
        Path modelDir = Path.of(args.require("model"));
        Path data = Path.of(args.get("data", "../shared/data"));
        List<String> sets = Arrays.asList(args.get("sets", "all").split(","));
        int limit = Integer.parseInt(args.get("limit", "0"));
        int threads = Integer.parseInt(args.get("threads", "0"));
        int join = Integer.parseInt(args.get("join", "10"));
        SpanScope scope = SpanScope.parse(args.get("scope", "sentence"));
        String contextArg = args.get("context", "sentence");
        boolean compareContexts = contextArg.equals("both");
        SpanLabeler.Context context = compareContexts ? SpanLabeler.Context.SENTENCE
                : SpanLabeler.Context.valueOf(contextArg.toUpperCase(Locale.ROOT));
        String split = args.get("split", "test");
        String head = args.get("head", task.defaultHead());
        if (head.contains(",")) {
            throw new IllegalArgumentException("--join scores one head at a time");
        }
        try (LabelingModel model = LabelingModel.load(modelDir.getFileName().toString(), modelDir, OnnxWindowEncoder.Device.CPU, threads)) {
            if (!model.heads().containsKey(head)) {
                throw new IllegalArgumentException("no head [" + head + "] in " + modelDir + "; heads: " + model.heads().keySet());
            }
            System.out.printf(Locale.ROOT, "model %s, task %s, head %s: one sentence per field vs %d sentences per field, span_scope %s, "
                            + "encoder context %s%s%n", modelDir, task.name().toLowerCase(Locale.ROOT), head, join, scope.label(),
                    context.name().toLowerCase(Locale.ROOT), limit > 0 ? ", first " + limit + " sentences of each set" : "");
            StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
                    "| set | lang | sentences | sentence-level F1 | field-level F1 (%d sentences) | relative change | token F1 sentence / field | predicted spans crossing a sentence boundary |%n"
                            + "|---|---|---:|---:|---:|---:|---:|---:|%n", join));
            StringBuilder contextTable = new StringBuilder(String.format(Locale.ROOT,
                    "| set | lang | sentences | span F1, one sentence per field | span F1, %d per field, sentence windows | span F1, %d per field, "
                            + "windows with neighbouring sentences | token F1, same three |%n|---|---|---:|---:|---:|---:|---:|%n", join, join));
            int within = 0;
            int total = 0;
            for (Benchmarks.Benchmark b : Benchmarks.select(data, task, sets)) {
                ConllReader reader = new ConllReader(b.rename(), b.types());
                Path file = split.equals("test") ? b.file() : devFile(b.file());
                List<ConllSentence> sentences = reader.read(file);
                if (limit > 0 && sentences.size() > limit) {
                    sentences = sentences.subList(0, limit);
                }
                long t0 = System.nanoTime();
                Result single = score(model, head, scope, context, sentences, 1, b.types());
                Result joined = score(model, head, scope, context, sentences, join, b.types());
                if (compareContexts) {
                    Result neighbours = score(model, head, scope, SpanLabeler.Context.NEIGHBOURS, sentences, join, b.types());
                    String row = String.format(Locale.ROOT, "| %s | %s (%s) | %d | %.3f | %.3f | %.3f | %.3f / %.3f / %.3f |", b.group(),
                            b.language(), split, sentences.size(), single.spans.f1(), joined.spans.f1(), neighbours.spans.f1(),
                            single.tokens.f1(), joined.tokens.f1(), neighbours.tokens.f1());
                    contextTable.append(row).append('\n');
                    System.out.printf(Locale.ROOT, "%s  (%.0f s)%n", row, (System.nanoTime() - t0) / 1e9);
                    continue;
                }
                double change = single.spans.f1() == 0 ? 0 : (joined.spans.f1() - single.spans.f1()) / single.spans.f1();
                total++;
                if (change >= -0.05) {
                    within++;
                }
                String row = String.format(Locale.ROOT, "| %s | %s | %d | %.3f | %.3f | %+.1f %% | %.3f / %.3f | %d of %d |", b.group(),
                        b.language(), sentences.size(), single.spans.f1(), joined.spans.f1(), 100 * change, single.tokens.f1(),
                        joined.tokens.f1(), joined.crossing, joined.predicted);
                table.append(row).append('\n');
                System.out.printf(Locale.ROOT, "%s  (%.0f s)%n", row, (System.nanoTime() - t0) / 1e9);
            }
            System.out.println();
            if (compareContexts) {
                System.out.print(contextTable);
                return;
            }
            System.out.print(table);
            System.out.printf(Locale.ROOT, "%nfield-level F1 within 5 %% (relative) of sentence-level F1, or above it: %d of %d sets%n", within, total);
        }
    }

    /** The development file beside a test file (CoNLL-2003, AbstRCT, BC5CDR, NCBI-disease and MasakhaNER name theirs alike). */
    static Path devFile(Path test) {
        String name = test.getFileName().toString();
        for (String[] r : new String[][] {{"test.tsv", "dev.tsv"}, {"test.txt", "dev.txt"}, {"_test.", "_dev."}, {".test.", ".dev."}}) {
            if (name.contains(r[0])) {
                Path dev = test.resolveSibling(name.replace(r[0], r[1]));
                if (java.nio.file.Files.isRegularFile(dev)) {
                    return dev;
                }
            }
        }
        Path devel = test.resolveSibling("devel.tsv");
        if (name.equals("test.tsv") && java.nio.file.Files.isRegularFile(devel)) {
            return devel;
        }
        throw new IllegalArgumentException("no development file beside " + test);
    }

    private static final class Result {
        final SpanMetrics spans = new SpanMetrics();
        final TokenMetrics tokens = new TokenMetrics();
        int crossing;
        int predicted;
    }

    /** Labels the sentences {@code join} at a time as one field each and scores them against the gold tags. */
    static Result score(LabelingModel model, String head, SpanScope scope, SpanLabeler.Context context,
                        List<ConllSentence> sentences, int join, Set<String> types) {
        Result result = new Result();
        List<Field> fields = new ArrayList<>();
        for (int from = 0; from < sentences.size(); from += join) {
            fields.add(new Field(sentences.subList(from, Math.min(sentences.size(), from + join))));
        }
        for (int from = 0; from < fields.size(); from += BATCH) {
            List<Field> batch = fields.subList(from, Math.min(fields.size(), from + BATCH));
            List<Document> docs = new ArrayList<>(batch.size());
            for (Field f : batch) {
                docs.add(Document.of(f.text));
            }
            List<TaggedDocument> tagged = model.label(docs, List.of(head), scope, context).get(head);
            for (int i = 0; i < batch.size(); i++) {
                Field f = batch.get(i);
                List<Span> spans = new ArrayList<>();
                for (Span s : tagged.get(i).spans()) {
                    if (types.contains(s.label())) {
                        spans.add(s);
                    }
                }
                List<String> predicted = f.tags(spans);
                result.spans.add(f.gold, predicted);
                result.tokens.add(f.gold, predicted);
                result.predicted += spans.size();
                for (Span s : spans) {
                    for (int boundary : f.sentenceStarts) {
                        if (s.start() < boundary && boundary < s.end()) {
                            result.crossing++;
                            break;
                        }
                    }
                }
            }
        }
        return result;
    }

    /** Gold sentences joined into one field value: tokens by a space, sentences by a space. */
    private static final class Field {
        final String text;
        final int[] tokenStart;
        final int[] tokenEnd;
        final List<String> gold = new ArrayList<>();
        final int[] sentenceStarts;

        Field(List<ConllSentence> sentences) {
            StringBuilder sb = new StringBuilder();
            List<int[]> offsets = new ArrayList<>();
            sentenceStarts = new int[sentences.size() - 1];
            for (int s = 0; s < sentences.size(); s++) {
                ConllSentence sentence = sentences.get(s);
                if (s > 0) {
                    sb.append(' ');
                    sentenceStarts[s - 1] = sb.length();
                }
                for (int t = 0; t < sentence.tokens().size(); t++) {
                    if (t > 0) {
                        sb.append(' ');
                    }
                    offsets.add(new int[] {sb.length(), sb.length() + sentence.tokens().get(t).length()});
                    sb.append(sentence.tokens().get(t));
                }
                gold.addAll(sentence.tags());
            }
            text = sb.toString();
            tokenStart = new int[offsets.size()];
            tokenEnd = new int[offsets.size()];
            for (int i = 0; i < offsets.size(); i++) {
                tokenStart[i] = offsets.get(i)[0];
                tokenEnd[i] = offsets.get(i)[1];
            }
        }

        /** IOB2 tags of the gold tokens from character spans: a token takes the first span that overlaps it. */
        List<String> tags(List<Span> spans) {
            String[] tags = new String[tokenStart.length];
            Arrays.fill(tags, "O");
            for (Span s : spans) {
                boolean first = true;
                for (int t = 0; t < tags.length; t++) {
                    if (tokenStart[t] < s.end() && s.start() < tokenEnd[t]) {
                        if (tags[t].equals("O")) {
                            tags[t] = (first ? "B-" : "I-") + s.label();
                        }
                        first = false;
                    }
                }
            }
            return new ArrayList<>(Arrays.asList(tags));
        }
    }

}
