package org.polyspan.tools;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.polyspan.eval.StoredSpans;
import org.polyspan.eval.Benchmarks;
import org.polyspan.eval.SpanMetrics;
import org.polyspan.labeling.ConllReader;
import org.polyspan.labeling.ConllSentence;
import org.polyspan.labeling.Document;
import org.polyspan.labeling.TagChunker;
import org.polyspan.labeling.Word;

import java.io.BufferedWriter;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Translate-train through a running node, with nothing but what the plugin offers: a labelled CoNLL corpus in one
 * language becomes a tagging head for another.
 * <ol>
 *   <li>the source sentences go to {@code _project} in batches, translated first by the node's Apertium service
 *       ({@code "format": "conll"}, {@code "translate": true}, {@code "output": "conll"}); the projected target CoNLL is
 *       written to a file, and what came back is counted (sentences, entities per label against the source);</li>
 *   <li>{@link TrainHead} trains a head on the source gold ({@code --train}) plus the projected file ({@code --silver}),
 *       keeping the epoch, and the silver policy when several are given ({@code --silver-weight 1,0.5},
 *       {@code --silver-o-weight}, {@code --silver-drop}), with the best span F1 on the <em>target development</em> set;
 *       it writes the head into the model's {@code heads/} directory and updates the model's self-check expectations;</li>
 *   <li>{@code POST .../models/<id>/_reload} makes the node load it;</li>
 *   <li>the target <em>test</em> set is labelled through the node ({@code _ingest/pipeline/_simulate} with a
 *       {@code span_labeling} processor running the new head and the zero-shot baseline in one encoder pass), and both
 *       are scored with span F1 on the same sentences (PER, ORG, LOC by default, as {@code Evaluate --task ner}).</li>
 * </ol>
 *
 * <pre>models/tool.sh TranslateTrain --url http://127.0.0.1:9200 --model-id mbert-ner --model-dir NODE_MODEL_DIR
 *     --source en.conll.train.tsv --target-language es --dev es.conll.dev.tsv --test es.conll.test.tsv --name ner_es
 *     [--source-language en] [--limit N] [--batch 32] [--project-model ID] [--method tproj] [--baseline ner]
 *     [--types PER,ORG,LOC] [--test-limit N] [--work DIR] [--projected FILE]
 *     [--silver-weight 1[,0.5]] [--silver-o-weight a,b] [--silver-drop none,no_entity] [--outside-penalty a,b]
 *     [--epochs 10] [--dev-limit N] [--cache DIR]</pre>
 *
 * <p>{@code --model-dir} is the node's copy of the model {@code --model-id} (or the directory the node reloads it from):
 * the head is written there. {@code --project-model} names the encoder {@code _project} scores with (default: the model
 * itself; the int8 copy is about three times faster). {@code --projected FILE} keeps the projection: when the file
 * exists it is read instead of projecting again. The options of the last line go to TrainHead as they are; its feature
 * cache is {@code --work}{@code /cache} unless {@code --cache} says otherwise, so a second run with other silver settings
 * does not encode again. Every other file goes to {@code --work} (default {@code target/translate-train/<name>}).
 */
public final class TranslateTrain {
    /** A 429 (model still loading, inference queue full) is retried this many times, waiting up to 10 s in between. */
    private static final int MAX_ATTEMPTS = 30;
    /** Test sentences per {@code _simulate} request. */
    private static final int LABEL_BATCH = 64;
    static final String TRAINED_FIELD = "translate_train";
    static final String BASELINE_FIELD = "baseline";

    private TranslateTrain() {}

    /** What a run did: the projection's counts, the head kept and the test F1 of the new head and of the baseline. */
    public record Result(Path projected, Projection projection, String silverPolicy, double devF1, Path headJson,
                         SpanMetrics trained, SpanMetrics baseline) {}

    /** The {@code _project} options of every batch. */
    record ProjectOptions(String sourceLanguage, String targetLanguage, String model, String method) {}

    public static void main(String[] argv) throws Exception {
        run(argv);
    }

    public static Result run(String... argv) throws Exception {
        List<String> known = new ArrayList<>(List.of("url", "model-id", "model-dir", "source", "source-language", "target-language",
                "limit", "batch", "project-model", "method", "dev", "test", "test-limit", "name", "baseline", "types", "work", "projected"));
        known.addAll(TRAIN_HEAD_OPTIONS);
        Args args = new Args(argv, known);
        String url = args.require("url").replaceAll("/+$", "");
        String modelId = args.require("model-id");
        Path modelDir = Path.of(args.require("model-dir"));
        String name = args.require("name");
        String baseline = args.get("baseline", "ner");
        if (name.equals(baseline)) {
            throw new IllegalArgumentException("--name [" + name + "] would replace the baseline head it is compared with: choose another");
        }
        if (!Files.isDirectory(modelDir.resolve("heads"))) {
            throw new IllegalArgumentException("--model-dir " + modelDir + " has no heads/ directory: give the node's copy of model ["
                    + modelId + "]");
        }
        ProjectOptions project = new ProjectOptions(args.get("source-language", "en"), args.require("target-language"),
                args.get("project-model", modelId), args.get("method", "tproj"));
        int batch = Integer.parseInt(args.get("batch", "32"));
        if (batch < 1 || batch > 1000) {
            throw new IllegalArgumentException("--batch must be 1 to 1000 (sentences per _project request), got " + batch);
        }
        Set<String> types = args.get("types", "").isEmpty() ? Benchmarks.NER_TYPES
                : new LinkedHashSet<>(Arrays.asList(args.get("types", "").split(",")));
        Path work = Path.of(args.get("work", "target/translate-train/" + name));
        Files.createDirectories(work);
        SoakHttp http = new SoakHttp();
        String api = SoakCluster.pluginApi(http, url);

        // 1. project the source onto its translations
        int limit = Integer.parseInt(args.get("limit", "0"));
        Path gold = Path.of(args.require("source"));
        List<ConllSentence> source = TrainHead.read(gold, Set.of(), limit);
        if (limit > 0) {
            gold = work.resolve("source." + project.sourceLanguage() + ".conll");
            writeIfChanged(gold, conll(source));
        }
        Path projected = Path.of(args.get("projected", work.resolve("projected." + project.targetLanguage() + ".conll").toString()));
        Projection projection;
        long t0 = System.nanoTime();
        if (args.get("projected", "").isEmpty() || !Files.isRegularFile(projected)) {
            projection = project(http, url + api + "/_project", source, batch, project, projected);
            System.out.print(projection.report((System.nanoTime() - t0) / 1e9));
        } else {
            List<ConllSentence> kept = ConllReader.parse(Files.readString(projected), ConllReader.Columns.LAST_TWO);
            System.out.println("reusing the " + kept.size() + " projected sentences of " + projected + " (delete it to project again)");
            // without dropped sentences, the file lines up with the source and can be counted again
            projection = kept.size() == source.size() ? Projection.of(source, kept) : new Projection();
            if (kept.size() == source.size()) {
                System.out.print(projection.report(Double.NaN));
            }
        }

        // 2. train on gold plus silver, choosing on the target development set; TrainHead writes into the model's heads/
        Map<String, String> search = new java.util.LinkedHashMap<>();
        for (String option : TRAIN_HEAD_OPTIONS) {
            if (!args.get(option, "").isEmpty()) {
                search.put(option, args.get(option, ""));
            }
        }
        search.putIfAbsent("cache", work.resolve("cache").toString());
        long t1 = System.nanoTime();
        TrainHead.main(trainHeadCommand(modelDir, gold, projected, Path.of(args.require("dev")), name, search).toArray(String[]::new));
        Path headJson = modelDir.resolve("heads").resolve(name + ".json");
        JsonObject head = JsonParser.parseString(Files.readString(headJson)).getAsJsonObject();
        double devF1 = head.has("dev_f1") ? head.get("dev_f1").getAsDouble() : -1;
        String silver = head.has("silver") ? head.get("silver").getAsString() : "";
        System.out.printf(Locale.ROOT, "head [%s] (%s; development F1 %.4f) written to %s in %.1f s%n", name, silver, devF1, headJson,
                (System.nanoTime() - t1) / 1e9);

        // 3. the node loads it
        long t2 = System.nanoTime();
        reload(http, url + api + "/models/" + modelId + "/_reload", name, modelId, modelDir);
        System.out.printf(Locale.ROOT, "model [%s] reloaded with head [%s] in %.1f s%n", modelId, name, (System.nanoTime() - t2) / 1e9);

        // 4. label the target test set through the node: the new head and the baseline in one pass
        List<ConllSentence> test = new ConllReader(Map.of(), types).read(Path.of(args.require("test")));
        int testLimit = Integer.parseInt(args.get("test-limit", "0"));
        if (testLimit > 0 && test.size() > testLimit) {
            test = test.subList(0, testLimit);
        }
        long t3 = System.nanoTime();
        SpanMetrics[] metrics = label(http, url + "/_ingest/pipeline/_simulate", test, modelId, name, baseline, types);
        double seconds = (System.nanoTime() - t3) / 1e9;
        System.out.printf(Locale.ROOT, "%n%s: %d sentences labelled through the node in %.1f s (%.1f sentences/s); span F1 over %s%n",
                Path.of(args.require("test")).getFileName(), test.size(), seconds, test.size() / seconds, new java.util.TreeSet<>(types));
        System.out.print(table(List.of(name + " (translate-train)", baseline + " (zero-shot)"), List.of(metrics[0], metrics[1]), types));
        double[] paired = SpanMetrics.pairedF1Difference(metrics[1], metrics[0], 1000, 0.95, 1);
        System.out.printf(Locale.ROOT, "paired bootstrap (1000 resamples of the %d test sentences): [%s] scores higher than [%s] in %.1f %%; "
                + "F1 difference %+.3f, 95 %% interval %+.3f to %+.3f%n", test.size(), name, baseline, 100 * paired[0],
                metrics[0].f1() - metrics[1].f1(), paired[1], paired[2]);
        return new Result(projected, projection, silver, devF1, headJson, metrics[0], metrics[1]);
    }

    // ------------------------------------------------------------------ 1. projection

    /** Sentences as CoNLL: one {@code token TAB tag} line per token, a blank line after each sentence. */
    static String conll(List<ConllSentence> sentences) {
        StringBuilder out = new StringBuilder();
        for (ConllSentence s : sentences) {
            for (int i = 0; i < s.tokens().size(); i++) {
                out.append(s.tokens().get(i)).append('\t').append(s.tags().get(i)).append('\n');
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** The {@code _project} body of one batch: the sentences as CoNLL, translated first, answered as CoNLL. */
    static String projectBody(List<ConllSentence> batch, ProjectOptions o) {
        JsonObject body = new JsonObject();
        body.addProperty("format", "conll");
        body.addProperty("output", "conll");
        body.addProperty("translate", true);
        body.addProperty("source_language", o.sourceLanguage());
        body.addProperty("target_language", o.targetLanguage());
        body.addProperty("model", o.model());
        body.addProperty("method", o.method());
        body.addProperty("source_conll", conll(batch));
        return body.toString();
    }

    /** The sentences of a CoNLL answer, one per source sentence, each word with a well-formed tag. */
    static List<ConllSentence> parseAnswer(String answer, int expected) {
        List<ConllSentence> out = ConllReader.parse(answer, ConllReader.Columns.LAST_TWO);
        if (out.size() != expected) {
            throw new IllegalStateException("the CoNLL answer holds " + out.size() + " sentences for " + expected + " sent");
        }
        for (ConllSentence s : out) {
            for (int i = 0; i < s.tags().size(); i++) {
                if (s.tags().get(i) == null || !TagChunker.valid(s.tags().get(i))) {
                    throw new IllegalStateException("the CoNLL answer has no valid tag at line " + s.lines().get(i));
                }
            }
        }
        return out;
    }

    static Projection project(SoakHttp http, String endpoint, List<ConllSentence> source, int batch, ProjectOptions o, Path out)
            throws IOException, InterruptedException {
        Projection projection = new Projection();
        long t0 = System.nanoTime();
        try (BufferedWriter writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            for (int from = 0; from < source.size(); from += batch) {
                projectPart(http, endpoint, source.subList(from, Math.min(source.size(), from + batch)), o, projection, writer);
                if (projection.dropped > 10 + source.size() / 100) {
                    throw new IllegalStateException(projection.dropped + " sentences failed to project: see the errors above");
                }
                int done = Math.min(source.size(), from + batch);
                if ((from / batch) % 20 == 19 || done == source.size()) {
                    System.out.printf(Locale.ROOT, "  projected %d/%d sentences (%.1f pairs/s)%n", done, source.size(),
                            done / ((System.nanoTime() - t0) / 1e9));
                }
            }
        }
        return projection;
    }

    /** One batch; a batch the node refuses is split in halves, down to the one sentence at fault, which is dropped. */
    private static void projectPart(SoakHttp http, String endpoint, List<ConllSentence> part, ProjectOptions o, Projection projection,
            BufferedWriter writer) throws IOException, InterruptedException {
        HttpResponse<String> r = postRetrying(http, endpoint, projectBody(part, o));
        if (r.statusCode() == 200) {
            List<ConllSentence> targets = parseAnswer(r.body(), part.size());
            for (int i = 0; i < part.size(); i++) {
                projection.add(part.get(i), targets.get(i));
            }
            writer.write(conll(targets));
        } else if (r.statusCode() == 400 && !names("pair", r.body())) {
            // not one sentence's fault (no translator for the direction, an unknown model, ...): no batch can succeed
            throw new IllegalStateException("_project refused the request: " + SoakHttp.errorType(r.body()));
        } else if (part.size() > 1) {
            int half = part.size() / 2;
            projectPart(http, endpoint, part.subList(0, half), o, projection, writer);
            projectPart(http, endpoint, part.subList(half, part.size()), o, projection, writer);
        } else {
            projection.drop(part.get(0));
            System.out.println("  dropped [" + String.join(" ", part.get(0).tokens()) + "]: HTTP " + r.statusCode() + " "
                    + SoakHttp.errorType(r.body()));
        }
    }

    /** Whether an error answer's {@code error} object has {@code key} (a 400 that names the pair at fault has {@code pair}). */
    private static boolean names(String key, String body) {
        try {
            JsonElement error = JsonParser.parseString(body).getAsJsonObject().get("error");
            return error != null && error.isJsonObject() && error.getAsJsonObject().has(key);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A POST; a 429 (model still loading, queue full) is retried, waiting 0.5 s and doubling up to 10 s. */
    static HttpResponse<String> postRetrying(SoakHttp http, String url, String body) throws IOException, InterruptedException {
        long wait = 500;
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> r = http.exchange("POST", url, body);
            if (r.statusCode() != 429 || attempt >= MAX_ATTEMPTS) {
                return r;
            }
            Thread.sleep(wait);
            wait = Math.min(10_000, wait * 2);
        }
    }

    /**
     * What the projection gave back: sentences sent, returned and dropped; per label the source entities, the projected
     * ones, the source entities whose words the translation kept as they were (names Apertium left alone) and how many
     * of those were projected exactly onto those words with their label (where the right answer is known without a
     * target gold); and how many sentences lost 0, 1, 2, 3 or more entities.
     */
    public static final class Projection {
        private int sent;
        private int dropped;
        /** Per label: {source entities, projected entities, kept word for word in the translation, and projected onto them}. */
        private final Map<String, int[]> perLabel = new TreeMap<>();
        private final int[] lost = new int[4];

        static Projection of(List<ConllSentence> sources, List<ConllSentence> targets) {
            Projection p = new Projection();
            for (int i = 0; i < targets.size(); i++) {
                p.add(sources.get(i), targets.get(i));
            }
            return p;
        }

        void add(ConllSentence source, ConllSentence target) {
            sent++;
            List<TagChunker.Chunk> from = TagChunker.chunks(source.tags());
            List<TagChunker.Chunk> to = TagChunker.chunks(target.tags());
            for (TagChunker.Chunk c : from) {
                int[] n = counts(c.type());
                n[0]++;
                int at = kept(source.tokens().subList(c.start(), c.end()), target.tokens());
                if (at >= 0) {
                    n[2]++;
                    int length = Document.of(String.join(" ", source.tokens().subList(c.start(), c.end()))).words().size();
                    if (to.contains(new TagChunker.Chunk(c.type(), at, at + length))) {
                        n[3]++;
                    }
                }
            }
            for (TagChunker.Chunk c : to) {
                counts(c.type())[1]++;
            }
            lost[Math.min(3, Math.max(0, from.size() - to.size()))]++;
        }

        void drop(ConllSentence source) {
            sent++;
            dropped++;
            List<TagChunker.Chunk> from = TagChunker.chunks(source.tags());
            from.forEach(c -> counts(c.type())[0]++);
            lost[Math.min(3, from.size())]++;
        }

        private int[] counts(String label) {
            return perLabel.computeIfAbsent(label, k -> new int[4]);
        }

        /**
         * Where the entity's words (split as the node splits text) first stand in a row among the target's words, or -1
         * when the translation did not keep them as they were.
         */
        static int kept(List<String> entity, List<String> target) {
            Document d = Document.of(String.join(" ", entity));
            List<String> words = new ArrayList<>();
            for (Word w : d.words()) {
                words.add(d.text().substring(w.start(), w.end()));
            }
            return words.isEmpty() ? -1 : java.util.Collections.indexOfSubList(target, words);
        }

        public int sent() {
            return sent;
        }

        public int returned() {
            return sent - dropped;
        }

        public int sourceEntities() {
            return perLabel.values().stream().mapToInt(n -> n[0]).sum();
        }

        public int projectedEntities() {
            return perLabel.values().stream().mapToInt(n -> n[1]).sum();
        }

        /** Per label: {source entities, projected entities, kept word for word in the translation, and projected onto them}. */
        public Map<String, int[]> perLabel() {
            return perLabel;
        }

        /** Sentences that lost 0, 1, 2, 3 or more entities (source count minus projected count). */
        public int[] lost() {
            return lost.clone();
        }

        String report(double seconds) {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "projection: %d sentences sent, %d came back (%d dropped)%s%n", sent, returned(), dropped,
                    Double.isNaN(seconds) ? "" : String.format(Locale.ROOT, " in %.1f s, %.1f pairs/s", seconds, sent / seconds)));
            b.append("| label | source entities | projected | projected / source | kept word for word by the translation "
                    + "| of those, projected onto them |\n");
            b.append("|---|---:|---:|---:|---:|---:|\n");
            int[] all = new int[4];
            perLabel.forEach((label, n) -> {
                b.append(row(label, n));
                Arrays.setAll(all, k -> all[k] + n[k]);
            });
            b.append(row("all", all));
            b.append(String.format(Locale.ROOT, "sentences that lost no entity %d, one %d, two %d, three or more %d%n",
                    lost[0], lost[1], lost[2], lost[3]));
            return b.toString();
        }

        private static String row(String label, int[] n) {
            return String.format(Locale.ROOT, "| %s | %d | %d | %.3f | %d (%.3f) | %d (%.3f) |%n", label, n[0], n[1], share(n[1], n[0]),
                    n[2], share(n[2], n[0]), n[3], share(n[3], n[2]));
        }

        private static double share(int part, int whole) {
            return whole == 0 ? 0 : (double) part / whole;
        }
    }

    // ------------------------------------------------------------------ 2. training

    /** TrainHead's options a run passes on as they are: the searched silver policy and decoding, epochs, the feature cache. */
    static final List<String> TRAIN_HEAD_OPTIONS = List.of("silver-weight", "silver-o-weight", "silver-drop", "outside-penalty", "epochs",
            "dev-limit", "cache");

    /**
     * TrainHead's command line: the source gold as the training file, the projected file as silver, the target
     * development set to choose on, and the model's own {@code heads/} as where the head goes (TrainHead then updates the
     * model's self-check expectations). {@code options} are TrainHead options ({@link #TRAIN_HEAD_OPTIONS}) passed on.
     */
    static List<String> trainHeadCommand(Path modelDir, Path gold, Path silver, Path dev, String name, Map<String, String> options) {
        List<String> command = new ArrayList<>(List.of("--model", modelDir.toString(), "--train", gold.toString(), "--silver",
                silver.toString(), "--dev", dev.toString(), "--name", name, "--out", modelDir.resolve("heads").toString()));
        options.forEach((option, value) -> {
            command.add("--" + option);
            command.add(value);
        });
        return command;
    }

    /** Writes {@code text} unless the file already holds it (the feature cache keys on a file's size and time). */
    static void writeIfChanged(Path file, String text) throws IOException {
        if (!Files.isRegularFile(file) || !Files.readString(file).equals(text)) {
            Files.writeString(file, text);
        }
    }

    // ------------------------------------------------------------------ 3. reload

    private static void reload(SoakHttp http, String url, String name, String modelId, Path modelDir) throws IOException, InterruptedException {
        JsonObject r = JsonParser.parseString(http.send("POST", url, null)).getAsJsonObject();
        for (Map.Entry<String, JsonElement> node : r.getAsJsonObject("nodes").entrySet()) {
            JsonObject n = node.getValue().getAsJsonObject();
            List<String> heads = new ArrayList<>();
            if (n.has("heads")) {
                n.getAsJsonArray("heads").forEach(h -> heads.add(h.getAsString()));
            }
            if (!heads.contains(name)) {
                throw new IllegalStateException("node " + node.getKey() + " reloaded model [" + modelId + "] without head [" + name
                        + "] (heads " + heads + "): is " + modelDir + " the directory that node reads the model from?");
            }
        }
    }

    // ------------------------------------------------------------------ 4. test

    /** The {@code _simulate} body labelling each sentence (its tokens joined by spaces) with both heads in one pass. */
    static String simulateBody(List<ConllSentence> batch, String model, String head, String baseline) {
        JsonObject targets = new JsonObject();
        targets.add(TRAINED_FIELD, list(head));
        targets.add(BASELINE_FIELD, list(baseline));
        JsonObject processor = new JsonObject();
        processor.addProperty("model", model);
        processor.addProperty("field", "text");
        processor.add("targets", targets);
        JsonObject wrapper = new JsonObject();
        wrapper.add("span_labeling", processor);
        JsonArray processors = new JsonArray();
        processors.add(wrapper);
        JsonObject pipeline = new JsonObject();
        pipeline.add("processors", processors);
        JsonArray docs = new JsonArray();
        for (ConllSentence s : batch) {
            JsonObject source = new JsonObject();
            source.addProperty("text", Document.ofTokens(s.tokens()).text());
            JsonObject doc = new JsonObject();
            doc.add("_source", source);
            docs.add(doc);
        }
        JsonObject body = new JsonObject();
        body.add("pipeline", pipeline);
        body.add("docs", docs);
        return body.toString();
    }

    private static JsonArray list(String value) {
        JsonArray a = new JsonArray();
        a.add(value);
        return a;
    }

    /**
     * Adds one {@code _simulate} answer to the metrics: the new head's tags and the baseline's, over each gold sentence's
     * tokens, with types outside {@code types} read as O (as {@code Evaluate} scores).
     */
    static void score(String answer, List<ConllSentence> gold, Set<String> types, SpanMetrics trained, SpanMetrics baseline) {
        JsonArray docs = JsonParser.parseString(answer).getAsJsonObject().getAsJsonArray("docs");
        if (docs.size() != gold.size()) {
            throw new IllegalStateException("_simulate answered " + docs.size() + " documents for " + gold.size());
        }
        for (int i = 0; i < gold.size(); i++) {
            JsonObject d = docs.get(i).getAsJsonObject();
            if (d.has("error") || !d.has("doc")) {
                throw new IllegalStateException("sentence " + i + " of the batch failed: " + SoakHttp.shorten(d.toString()));
            }
            JsonObject source = d.getAsJsonObject("doc").getAsJsonObject("_source");
            List<String> tokens = gold.get(i).tokens();
            trained.add(gold.get(i).tags(), Evaluate.keepTypes(StoredSpans.tags(tokens, spans(source, TRAINED_FIELD)), types));
            baseline.add(gold.get(i).tags(), Evaluate.keepTypes(StoredSpans.tags(tokens, spans(source, BASELINE_FIELD)), types));
        }
    }

    private static JsonArray spans(JsonObject source, String field) {
        return source.has(field) && source.get(field).isJsonArray() ? source.getAsJsonArray(field) : null;
    }

    private static SpanMetrics[] label(SoakHttp http, String url, List<ConllSentence> test, String model, String head, String baseline,
            Set<String> types) throws IOException, InterruptedException {
        SpanMetrics trained = new SpanMetrics();
        SpanMetrics zeroShot = new SpanMetrics();
        for (int from = 0; from < test.size(); from += LABEL_BATCH) {
            List<ConllSentence> part = test.subList(from, Math.min(test.size(), from + LABEL_BATCH));
            HttpResponse<String> r = postRetrying(http, url, simulateBody(part, model, head, baseline));
            if (r.statusCode() != 200) {
                throw new IllegalStateException("_simulate -> HTTP " + r.statusCode() + ": " + SoakHttp.errorType(r.body()));
            }
            score(r.body(), part, types, trained, zeroShot);
        }
        return new SpanMetrics[] {trained, zeroShot};
    }

    /** P, R, F1 (with its 95 % bootstrap interval) and F1 per type, one row per head. */
    static String table(List<String> heads, List<SpanMetrics> metrics, Set<String> types) {
        List<String> sorted = types.stream().sorted().toList();
        StringBuilder b = new StringBuilder("| head | P | R | F1 | F1, 95 % bootstrap interval |");
        sorted.forEach(t -> b.append(' ').append(t).append(" F1 |"));
        b.append("\n|---|---:|---:|---:|---|").append("---:|".repeat(sorted.size())).append('\n');
        for (int h = 0; h < heads.size(); h++) {
            SpanMetrics m = metrics.get(h);
            double[] ci = m.f1Interval(1000, 0.95, 1);
            b.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %.3f–%.3f |", heads.get(h), m.precision(), m.recall(), m.f1(),
                    ci[0], ci[1]));
            for (String t : sorted) {
                long[] c = m.perType().getOrDefault(t, new long[3]); // {true positives, gold, predicted}
                double f1 = c[1] + c[2] == 0 ? 0 : 2.0 * c[0] / (c[1] + c[2]);
                b.append(String.format(Locale.ROOT, " %.3f |", f1));
            }
            b.append('\n');
        }
        return b.toString();
    }
}
