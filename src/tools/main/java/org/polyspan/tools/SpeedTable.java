package org.polyspan.tools;

import org.polyspan.ingest.FieldAccess;
import org.polyspan.ingest.SpanLabeling;
import org.polyspan.ingest.SpanLabelingOptions;
import org.polyspan.labeling.ConllReader;
import org.polyspan.labeling.ConllSentence;
import org.polyspan.labeling.Document;
import org.polyspan.labeling.Word;
import org.polyspan.labeling.WordSplitter;
import org.polyspan.model.LabelingModel;
import org.polyspan.model.ModelLease;
import org.polyspan.model.ModelRepository;
import org.polyspan.model.TruncatedEncoder;
import org.polyspan.onnx.OnnxSessions;
import org.polyspan.onnx.OnnxWindowEncoder;
import org.polyspan.projection.IndexProjectionSpec;
import org.polyspan.projection.ProjectionRequest;
import org.polyspan.projection.ProjectionService;
import org.polyspan.projection.Projector;
import org.polyspan.projection.WordVectors;
import org.polyspan.runtime.IndexProjectionBatch;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One table, one run: for every model of a directory of models (e.g. {@code mbert-ner} and {@code mbert-ner-int8}),
 * on the same Europarl sentences, each row measured for all models in turn, slice by slice ({@code --slices}, the order
 * alternating), so that the ratios hold while a shared machine's load drifts:
 * <ul>
 *   <li>the encoder alone (ONNX Runtime, pre-tokenised sentence windows, calls of at most 512 padded sub-tokens, the
 *       whole output copied out);</li>
 *   <li>{@code LabelingModel.label}, 64 sentences per call, one head and all heads in one shared pass;</li>
 *   <li>the {@code span_labeling} processor's engine-neutral code ({@link SpanLabeling}: read the field, label, write
 *       {@code spans}), bulks of {@code --bulk} documents labelled in one call, as a bulk request reaches it;</li>
 *   <li>with {@code --url}, the same through a node's ingest pipeline ({@code _bulk}; the node must have the models);</li>
 *   <li>{@code _project} with the encoder scorer (tproj), in process: English Europarl sentences with their gold spans
 *       and the German, Spanish and Italian translations, {@code --pairs-per-request} pairs per request; and, as the
 *       yardstick for it, the processor's code labelling the same sentences (both sides of every pair) as documents;</li>
 *   <li>{@code _project/index} batches ({@link IndexProjectionBatch}, the core of a node's job without the search and
 *       the bulk write), in process: {@code --pairs}/3 English sentences each with its German, Spanish and Italian
 *       translation stored beside it, in batches of 32 documents, as one job per target language and as one job with
 *       the three; and the processor's code labelling the same sentences.</li>
 * </ul>
 * Each row prints the rate of every slice too; the rows of {@code _project} and {@code _project/index} are measured slice
 * by slice together with the labelling of their own sentences, and the summary divides pairs/s by docs/s slice by slice
 * (median, lowest and highest slice), so that the load of a shared machine, which moves within minutes, weighs on both.
 * A model directory that names a truncated encoder ({@code config.json}'s {@code polyspan.truncated_encoder}) projects
 * with it; {@code --full-copies} adds, for every model, a copy {@code <id>-full} that names none (its files linked
 * into a temporary directory), so that the full encoder and the truncated one are measured in the same run, slice by
 * slice.
 *
 * <pre>models/tool.sh SpeedTable --models models/build --ids mbert-ner,mbert-ner-int8 [--sentences 200] [--pairs 150]
 *     [--bulk 100] [--slices 4] [--url http://127.0.0.1:9200] [--threads 0 | --node-threads 2] [--full-copies]
 *     [--rows all|project]</pre>
 */
public final class SpeedTable {
    private static final int BATCH = 64;
    private static final int BATCH_TOKENS = 512;
    /** Documents per {@code _project/index} batch, the default {@code batch_size}. */
    private static final int INDEX_BATCH = IndexProjectionSpec.DEFAULT_BATCH;
    private static final List<String> INDEX_LANGUAGES = List.of("de", "es", "it");

    /** @param slices per model, the rate of each slice */
    private record Row(String name, String unit, Map<String, Double> values, Map<String, double[]> slices) {}

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv, List.of("models", "ids", "data", "sentences", "pairs", "pairs-per-request", "bulk", "url",
                "threads", "head", "slices", "node-threads", "full-copies", "rows"));
        Path root = Path.of(args.require("models"));
        List<String> ids = new ArrayList<>(List.of(args.require("ids").split(",")));
        boolean projectRowsOnly = args.get("rows", "all").equals("project");
        if (Boolean.parseBoolean(args.get("full-copies", "false"))) {
            root = withFullCopies(root, ids);
            List<String> both = new ArrayList<>();
            for (String id : ids) {
                both.add(id + "-full");
                both.add(id);
            }
            ids = both;
        }
        Path data = Path.of(args.get("data", "../shared/data"));
        int count = Integer.parseInt(args.get("sentences", "200"));
        int pairCount = Integer.parseInt(args.get("pairs", "150"));
        int perRequest = Integer.parseInt(args.get("pairs-per-request", "50"));
        int bulk = Integer.parseInt(args.get("bulk", "100"));
        int slices = Integer.parseInt(args.get("slices", "4"));
        int threads = Integer.parseInt(args.get("threads", "0"));
        String head = args.get("head", "ner");
        String url = args.get("url", "").replaceAll("/+$", "");

        int nodeThreads = Integer.parseInt(args.get("node-threads", "0"));
        if (nodeThreads > 0) {
            // as a node runs ONNX Runtime: one global intra-op pool, its idle threads blocking instead of spinning
            OnnxSessions.useGlobalThreadPool(nodeThreads);
        }
        List<String> texts = Benchmark.sentences(data, count);
        List<Map<String, Object>> pairs = projectionPairs(data, pairCount);
        List<IndexProjectionBatch.Source> indexDocs = indexDocuments(data, Math.max(1, pairCount / 3));
        System.out.printf(Locale.ROOT, "%d Europarl sentences (en/de/es/it, %.1f characters on average); %d en->de/es/it pairs "
                        + "with gold English spans; %s%n", texts.size(), texts.stream().mapToInt(String::length).average().orElse(0),
                pairs.size(), nodeThreads > 0 ? "one global pool of " + nodeThreads + " ONNX Runtime threads without spinning, as on a node"
                        : threads == 0 ? "ONNX Runtime's default threads (per session, spinning)" : threads + " intra-op threads per session");

        try (ModelRepository repository = new ModelRepository(root, OnnxWindowEncoder.Device.CPU, threads)) {
            Map<String, ModelLease<LabelingModel>> leases = new LinkedHashMap<>();
            Map<String, LabelingModel> models = new LinkedHashMap<>();
            for (String id : ids) {
                long t0 = System.nanoTime();
                ModelLease<LabelingModel> lease = repository.lease(id);
                leases.put(id, lease);
                models.put(id, lease.model());
                System.out.printf(Locale.ROOT, "loaded %s in %.1f s (heads %s)%n", id, (System.nanoTime() - t0) / 1e9,
                        lease.model().heads().keySet());
                lease.model().label(List.of(Document.of(texts.get(0))), List.of()); // warm-up
            }
            List<List<String>> textSlices = slices(texts, slices);
            List<List<Document>> docSlices = textSlices.stream().map(t -> t.stream().map(Document::of).toList()).toList();
            List<List<Map<String, Object>>> pairSlices = slices(pairs, slices);
            int[] sentenceUnits = sizes(textSlices);
            List<Row> rows = new ArrayList<>();
            if (!projectRowsOnly) {
                rows.add(row("encoder only (ONNX Runtime), sentence windows", "sentences/s", models, sentenceUnits,
                        (m, i) -> encoderSeconds(m, textSlices.get(i))));
                rows.addAll(rows(List.of("labelling, 64 sentences per call, head " + head,
                                "labelling, 64 sentences per call, all heads in one pass"), "sentences/s", models, sentenceUnits,
                        List.of((m, i) -> labelSeconds(m, docSlices.get(i), List.of(head)),
                                (m, i) -> labelSeconds(m, docSlices.get(i), List.of()))));
                rows.add(row("span_labeling processor code, bulk of " + bulk + ", all heads", "docs/s", models, sentenceUnits,
                        (m, i) -> processorSeconds(repository, m.id(), textSlices.get(i), bulk)));
                if (!url.isEmpty()) {
                    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
                    rows.add(row("ingest pipeline on a node, _bulk of " + bulk + ", all heads", "docs/s", models, sentenceUnits,
                            (m, i) -> nodeSeconds(http, url, m.id(), textSlices.get(i), bulk)));
                }
            }
            // _project: the pairs, and the same sentences labelled as documents, slice by slice together
            List<List<String>> pairSentences = pairSlices.stream().map(SpeedTable::pairSentences).toList();
            rows.addAll(rows(List.of("span_labeling processor code, the _project pairs' sentences (both sides), bulk of " + bulk
                                    + ", all heads", "_project, encoder scorer (tproj), " + perRequest + " pairs per request"),
                    List.of("docs/s", "pairs/s"), models, List.of(sizes(pairSentences), sizes(pairSlices)),
                    List.of((m, i) -> processorSeconds(repository, m.id(), pairSentences.get(i), bulk),
                            (m, i) -> projectSeconds(m, pairSlices.get(i), perRequest))));
            // _project/index: documents with three stored translations, one job per language and one job for the three,
            // and the same sentences labelled as documents
            List<List<IndexProjectionBatch.Source>> indexSlices = slices(indexDocs, slices);
            List<List<String>> indexSentences = indexSlices.stream().map(SpeedTable::indexSentences).toList();
            int[] indexPairs = java.util.Arrays.stream(sizes(indexSlices)).map(n -> n * INDEX_LANGUAGES.size()).toArray();
            rows.addAll(rows(List.of("span_labeling processor code, the _project/index documents' sentences (English and its "
                                    + "three translations), bulk of " + bulk + ", all heads",
                            "_project/index batches of " + INDEX_BATCH + ", tproj, one job per target language (de, es, it)",
                            "_project/index batches of " + INDEX_BATCH + ", tproj, one job with three target languages (de, es, it)"),
                    List.of("docs/s", "pairs/s", "pairs/s"), models, List.of(sizes(indexSentences), indexPairs, indexPairs),
                    List.of((m, i) -> processorSeconds(repository, m.id(), indexSentences.get(i), bulk),
                            (m, i) -> indexSeconds(repository, m.id(), indexSlices.get(i), false),
                            (m, i) -> indexSeconds(repository, m.id(), indexSlices.get(i), true))));
            print(rows, ids);
            if (!projectRowsOnly) {
                Row one = rows.get(1);
                Row all = rows.get(2);
                for (String id : ids) {
                    System.out.printf(Locale.ROOT, "%s: all %d heads in one pass cost %.2fx one head%n", id,
                            models.get(id).heads().size(), one.values().get(id) / all.values().get(id));
                }
            }
            // pairs/s against docs/s labelling the same sentences: the ratio of each slice (both measured in it), median
            int n = rows.size();
            Row projectLabel = rows.get(n - 5);
            Row project = rows.get(n - 4);
            Row indexLabel = rows.get(n - 3);
            Row indexOne = rows.get(n - 2);
            Row indexThree = rows.get(n - 1);
            System.out.println();
            for (String id : ids) {
                System.out.printf(Locale.ROOT, "%s projects with %s%n", id, models.get(id).projectionEncoder());
            }
            System.out.println();
            System.out.println("pairs/s divided by docs/s labelling the same sentences, slice by slice: median (lowest-highest slice)");
            System.out.println("| model | projection encoder | _project | _project/index, one job per language | "
                    + "_project/index, one job, three languages |");
            System.out.println("|---|---|---:|---:|---:|");
            for (String id : ids) {
                Object file = models.get(id).projectionEncoder().get("file");
                System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", id, file, ratio(project, projectLabel, id),
                        ratio(indexOne, indexLabel, id), ratio(indexThree, indexLabel, id));
            }
            for (ModelLease<LabelingModel> lease : leases.values()) {
                lease.close();
            }
        }
    }

    /** The ratio of two rows' rates for one model, slice by slice: "median (lowest-highest)". */
    private static String ratio(Row a, Row b, String id) {
        double[] x = a.slices().get(id);
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            r[i] = x[i] / b.slices().get(id)[i];
        }
        java.util.Arrays.sort(r);
        double median = r.length % 2 == 1 ? r[r.length / 2] : (r[r.length / 2 - 1] + r[r.length / 2]) / 2;
        return String.format(Locale.ROOT, "%.2f (%.2f-%.2f)", median, r[0], r[r.length - 1]);
    }

    /** Seconds that one model takes for one slice of the work. */
    private interface Measure {
        double seconds(LabelingModel model, int slice) throws Exception;
    }

    /**
     * The work is cut into slices; every slice is run by each model in turn (the order alternating), so that the load
     * of a shared machine, which drifts over minutes, weighs on all models alike.
     *
     * @param units units of work (sentences, documents, pairs) in each slice
     */
    private static Row row(String name, String unit, Map<String, LabelingModel> models, int[] units, Measure measure) throws Exception {
        return rows(List.of(name), unit, models, units, List.of(measure)).get(0);
    }

    /** As {@link #row}, for variants of the same work measured slice by slice together (e.g. one head and all heads). */
    private static List<Row> rows(List<String> names, String unit, Map<String, LabelingModel> models, int[] units,
                                  List<Measure> variants) throws Exception {
        return rows(names, java.util.Collections.nCopies(names.size(), unit), models,
                java.util.Collections.nCopies(names.size(), units), variants);
    }

    /** As {@link #rows}, with each variant's own unit and units per slice (e.g. documents labelled and pairs projected). */
    private static List<Row> rows(List<String> names, List<String> unitNames, Map<String, LabelingModel> models,
                                  List<int[]> unitsPerVariant, List<Measure> variants) throws Exception {
        int[] units = unitsPerVariant.get(0);
        List<Map<String, Double>> seconds = new ArrayList<>();
        List<Map<String, double[]>> rates = new ArrayList<>();
        for (int v = 0; v < variants.size(); v++) {
            seconds.add(new LinkedHashMap<>());
            rates.add(new LinkedHashMap<>());
        }
        List<String> ids = new ArrayList<>(models.keySet());
        for (int slice = 0; slice < units.length; slice++) {
            for (int k = 0; k < ids.size(); k++) {
                String id = ids.get(slice % 2 == 0 ? k : ids.size() - 1 - k);
                for (int j = 0; j < variants.size(); j++) {
                    int v = slice % 2 == 0 ? j : variants.size() - 1 - j;
                    double sec = variants.get(v).seconds(models.get(id), slice);
                    seconds.get(v).merge(id, sec, Double::sum);
                    rates.get(v).computeIfAbsent(id, key -> new double[units.length])[slice] = unitsPerVariant.get(v)[slice] / sec;
                    // each slice's rate, to see how the shared machine's load moved
                    System.out.printf(Locale.ROOT, "    slice %d %s %s: %.2f %s%n", slice, id, names.get(v),
                            unitsPerVariant.get(v)[slice] / sec, unitNames.get(v));
                }
            }
        }
        List<Row> out = new ArrayList<>();
        for (int v = 0; v < variants.size(); v++) {
            int total = java.util.Arrays.stream(unitsPerVariant.get(v)).sum();
            Map<String, Double> values = new LinkedHashMap<>();
            for (String id : ids) {
                values.put(id, total / seconds.get(v).get(id));
            }
            System.out.printf(Locale.ROOT, "  %s: %s%n", names.get(v), values);
            out.add(new Row(names.get(v), unitNames.get(v), values, rates.get(v)));
        }
        return out;
    }

    /** {@code list} cut into {@code n} consecutive slices. */
    private static <T> List<List<T>> slices(List<T> list, int n) {
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(list.subList(list.size() * i / n, list.size() * (i + 1) / n));
        }
        return out;
    }

    private static int[] sizes(List<? extends List<?>> slices) {
        return slices.stream().mapToInt(List::size).toArray();
    }

    private static void print(List<Row> rows, List<String> ids) {
        StringBuilder header = new StringBuilder("| path | unit |");
        StringBuilder rule = new StringBuilder("|---|---|");
        for (String id : ids) {
            header.append(' ').append(id).append(" |");
            rule.append("---:|");
        }
        for (int i = 1; i < ids.size(); i++) {
            header.append(' ').append(ids.get(i)).append(" / ").append(ids.get(0)).append(" |");
            rule.append("---:|");
        }
        System.out.println();
        System.out.println(header);
        System.out.println(rule);
        for (Row r : rows) {
            StringBuilder line = new StringBuilder("| " + r.name() + " | " + r.unit() + " |");
            for (String id : ids) {
                line.append(String.format(Locale.ROOT, " %.1f |", r.values().get(id)));
            }
            for (int i = 1; i < ids.size(); i++) {
                line.append(String.format(Locale.ROOT, " %.2fx |", r.values().get(ids.get(i)) / r.values().get(ids.get(0))));
            }
            System.out.println(line);
        }
    }

    /** Tokenised sentence windows, length-sorted into calls of at most 512 padded sub-tokens, as the labeler makes them. */
    static double encoderSeconds(LabelingModel model, List<String> texts) {
        long[] prefix = model.tokenizer().prefixIds();
        long[] suffix = model.tokenizer().suffixIds();
        int max = model.maxLength() - prefix.length - suffix.length;
        List<long[]> ids = new ArrayList<>();
        for (String text : texts) {
            Document doc = Document.of(text);
            List<String> words = new ArrayList<>();
            for (Word w : doc.words()) {
                words.add(WordSplitter.tokenizerText(doc.text(), w));
            }
            List<Long> seq = new ArrayList<>();
            for (long id : prefix) {
                seq.add(id);
            }
            for (int[] word : model.tokenizer().tokenize(words)) {
                if (word.length == 0 || seq.size() - prefix.length + word.length > max) {
                    continue;
                }
                for (int id : word) {
                    seq.add((long) id);
                }
            }
            for (long id : suffix) {
                seq.add(id);
            }
            ids.add(seq.stream().mapToLong(Long::longValue).toArray());
        }
        Integer[] order = new Integer[ids.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, Comparator.comparingInt(i -> ids.get(i).length));
        long t0 = System.nanoTime();
        for (int from = 0; from < order.length; ) {
            int to = from + 1;
            while (to < order.length && (long) ids.get(order[to]).length * (to - from + 1) <= BATCH_TOKENS) {
                to++;
            }
            long[][] seqs = new long[to - from][];
            for (int k = from; k < to; k++) {
                seqs[k - from] = ids.get(order[k]);
            }
            model.encoder().encode(seqs);
            from = to;
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    static double labelSeconds(LabelingModel model, List<Document> docs, List<String> heads) {
        long t0 = System.nanoTime();
        for (int from = 0; from < docs.size(); from += BATCH) {
            model.label(docs.subList(from, Math.min(docs.size(), from + BATCH)), heads);
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    static double processorSeconds(ModelRepository repository, String id, List<String> texts, int bulk) {
        try {
            SpanLabeling labeling = new SpanLabeling(repository, SpanLabelingOptions.parse(
                    new HashMap<>(Map.of("model", id, "field", "body")), repository));
            long t0 = System.nanoTime();
            int spans = 0;
            for (int from = 0; from < texts.size(); from += bulk) {
                List<FieldAccess> documents = new ArrayList<>();
                List<List<SpanLabeling.Source>> sources = new ArrayList<>();
                List<SpanLabeling.Source> all = new ArrayList<>();
                for (String t : texts.subList(from, Math.min(texts.size(), from + bulk))) {
                    Map<String, Object> fields = new HashMap<>(Map.of("body", t)); // a document of one body field
                    FieldAccess d = FieldAccess.of(fields::get, fields::put);
                    List<SpanLabeling.Source> s = labeling.sources(d);
                    documents.add(d);
                    sources.add(s);
                    all.addAll(s);
                }
                var tagged = labeling.label(all);
                int offset = 0;
                for (int d = 0; d < documents.size(); d++) {
                    labeling.write(documents.get(d), sources.get(d), tagged, offset);
                    offset += sources.get(d).size();
                    spans += ((List<?>) documents.get(d).get("spans")).size();
                }
            }
            double s = (System.nanoTime() - t0) / 1e9;
            if (spans == 0) {
                throw new IllegalStateException("the processor wrote no spans at all");
            }
            return s;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static double nodeSeconds(HttpClient http, String url, String id, List<String> texts, int bulk) {
        try {
            long t0 = System.nanoTime();
            Benchmark.pipeline(url, id, texts, bulk);
            return (System.nanoTime() - t0) / 1e9;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** English Europarl NER test sentences with gold tags, each paired with its German, Spanish or Italian translation. */
    static List<Map<String, Object>> projectionPairs(Path data, int count) throws Exception {
        Path dir = data.resolve("projection/europarl_ner");
        ConllReader reader = new ConllReader(Map.of(), Set.of());
        List<ConllSentence> english = reader.read(dir.resolve("en-europarl.test.conll02"));
        List<List<ConllSentence>> targets = new ArrayList<>();
        for (String lang : List.of("de", "es", "it")) {
            targets.add(reader.read(dir.resolve(lang + "-europarl.test.conll02")));
        }
        List<Map<String, Object>> pairs = new ArrayList<>();
        for (int i = 0; pairs.size() < count && i < english.size(); i++) {
            ConllSentence en = english.get(i);
            if (en.tags().stream().allMatch("O"::equals)) {
                continue; // nothing to project
            }
            List<ConllSentence> target = targets.get(pairs.size() % targets.size());
            if (i >= target.size()) {
                continue;
            }
            pairs.add(Map.of("source", Map.of("tokens", en.tokens(), "tags", en.tags()),
                    "target", Map.of("tokens", target.get(i).tokens())));
        }
        return pairs;
    }

    static double projectSeconds(LabelingModel model, List<Map<String, Object>> pairs, int perRequest) {
        try {
            long t0 = System.nanoTime();
            int projected = 0;
            for (int from = 0; from < pairs.size(); from += perRequest) {
                Map<String, Object> body = new HashMap<>();
                body.put("model", model.id());
                body.put("pairs", pairs.subList(from, Math.min(pairs.size(), from + perRequest)));
                ProjectionRequest request = ProjectionRequest.parse(body);
                List<Map<String, Object>> answers = ProjectionService.run(request, WordVectors.defaults(model),
                        Projector.defaults(request.options().method()));
                projected += answers.size();
            }
            double s = (System.nanoTime() - t0) / 1e9;
            if (projected != pairs.size()) {
                throw new IllegalStateException(projected + " answers for " + pairs.size() + " pairs");
            }
            return s;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A directory holding every model of {@code root} (linked) and, for each of {@code ids}, a copy {@code <id>-full}
     * whose {@code config.json} names no truncated encoder, so that it projects with the full encoder.
     */
    static Path withFullCopies(Path root, List<String> ids) throws java.io.IOException {
        Path dir = Files.createTempDirectory("speedtable-models");
        for (String id : ids) {
            Path src = root.resolve(id).toAbsolutePath();
            Files.createSymbolicLink(dir.resolve(id), src);
            Path copy = Files.createDirectory(dir.resolve(id + "-full"));
            com.google.gson.JsonObject config = com.google.gson.JsonParser.parseString(Files.readString(src.resolve("config.json")))
                    .getAsJsonObject();
            com.google.gson.JsonObject poly = config.has("polyspan") ? config.getAsJsonObject("polyspan") : new com.google.gson.JsonObject();
            String truncated = poly.has(TruncatedEncoder.CONFIG_KEY)
                    ? poly.getAsJsonObject(TruncatedEncoder.CONFIG_KEY).get("file").getAsString() : null;
            poly.remove(TruncatedEncoder.CONFIG_KEY);
            Files.writeString(copy.resolve("config.json"), config.toString());
            try (var files = Files.list(src)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    String name = f.getFileName().toString();
                    if (!name.equals("config.json") && !name.equals(truncated) && !name.startsWith(".")) {
                        Files.createSymbolicLink(copy.resolve(name), f);
                    }
                }
            }
        }
        return dir;
    }

    /** Both sides of every pair, as texts. */
    @SuppressWarnings("unchecked")
    static List<String> pairSentences(List<Map<String, Object>> pairs) {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> pair : pairs) {
            for (String side : List.of("source", "target")) {
                out.add(String.join(" ", (List<String>) ((Map<String, Object>) pair.get(side)).get("tokens")));
            }
        }
        return out;
    }

    /**
     * English Europarl NER test sentences with entities as stored documents: the text (tokens joined by spaces), the
     * gold spans in {@code span_labeling}'s shape, and the German, Spanish and Italian translations beside them.
     */
    static List<IndexProjectionBatch.Source> indexDocuments(Path data, int count) throws Exception {
        Path dir = data.resolve("projection/europarl_ner");
        ConllReader reader = new ConllReader(Map.of(), Set.of());
        List<ConllSentence> english = reader.read(dir.resolve("en-europarl.test.conll02"));
        Map<String, List<ConllSentence>> targets = new LinkedHashMap<>();
        for (String lang : INDEX_LANGUAGES) {
            targets.put(lang, reader.read(dir.resolve(lang + "-europarl.test.conll02")));
        }
        List<IndexProjectionBatch.Source> out = new ArrayList<>();
        for (int i = 0; out.size() < count && i < english.size(); i++) {
            ConllSentence en = english.get(i);
            final int k = i;
            if (en.tags().stream().allMatch("O"::equals) || targets.values().stream().anyMatch(t -> k >= t.size())) {
                continue;
            }
            Document doc = Document.ofTokens(en.tokens());
            List<Map<String, Object>> spans = new ArrayList<>();
            for (org.polyspan.projection.WordSpan w : org.polyspan.projection.SpanConversions.fromTags(en.tags(), "tags")) {
                int[] range = org.polyspan.projection.SpanConversions.charRange(doc, w.start(), w.end());
                spans.add(Map.of("label", w.label(), "start", range[0], "end", range[1], "field", "body", "head", "ner"));
            }
            Map<String, Object> source = new LinkedHashMap<>();
            source.put("body", doc.text());
            source.put("spans", spans);
            for (String lang : INDEX_LANGUAGES) {
                source.put("body_" + lang, String.join(" ", targets.get(lang).get(i).tokens()));
            }
            out.add(new IndexProjectionBatch.Source("en-" + i, source));
        }
        return out;
    }

    /** Every sentence of the documents: the English text and its translations. */
    static List<String> indexSentences(List<IndexProjectionBatch.Source> docs) {
        List<String> out = new ArrayList<>();
        for (IndexProjectionBatch.Source d : docs) {
            out.add((String) d.source().get("body"));
            for (String lang : INDEX_LANGUAGES) {
                out.add((String) d.source().get("body_" + lang));
            }
        }
        return out;
    }

    /**
     * The documents projected as a node's {@code _project/index} job projects them, batch by batch: into the three
     * languages by one job ({@code together}), or by one job per language in turn.
     */
    static double indexSeconds(ModelRepository repository, String id, List<IndexProjectionBatch.Source> docs, boolean together) {
        try {
            List<Map<String, Object>> targets = new ArrayList<>();
            for (String lang : INDEX_LANGUAGES) {
                targets.add(Map.of("target_language", lang, "target_text_field", "body_" + lang, "dest_index", "dest-" + lang));
            }
            List<List<Map<String, Object>>> jobs = together ? List.of(targets) : targets.stream().map(List::of).toList();
            IndexProjectionBatch.ModelWork inline = new IndexProjectionBatch.ModelWork() {
                @Override
                public <T> T call(java.util.concurrent.Callable<T> work) throws Exception {
                    return work.call();
                }
            };
            long t0 = System.nanoTime();
            long projected = 0;
            for (List<Map<String, Object>> job : jobs) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("source_index", "src");
                body.put("text_field", "body");
                body.put("spans_field", "spans");
                body.put("model", id);
                body.put("targets", job);
                IndexProjectionSpec spec = IndexProjectionSpec.parse(body);
                List<org.polyspan.translation.Translator> none = new ArrayList<>();
                job.forEach(t -> none.add(null));
                IndexProjectionBatch batch = new IndexProjectionBatch(repository, spec, none, inline);
                for (int from = 0; from < docs.size(); from += INDEX_BATCH) {
                    IndexProjectionBatch.Result r = batch.run(docs.subList(from, Math.min(docs.size(), from + INDEX_BATCH)), Map.of());
                    for (IndexProjectionBatch.Write w : r.writes()) {
                        if (w.failure() != null) {
                            throw new IllegalStateException(w.index() + "/" + w.id() + ": " + w.failure());
                        }
                        projected++;
                    }
                }
            }
            double s = (System.nanoTime() - t0) / 1e9;
            if (projected != (long) docs.size() * INDEX_LANGUAGES.size()) {
                throw new IllegalStateException(projected + " documents written for " + docs.size() + " x " + INDEX_LANGUAGES.size());
            }
            return s;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
