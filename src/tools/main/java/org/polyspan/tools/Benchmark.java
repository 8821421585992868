package org.polyspan.tools;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.polyspan.labeling.ConllReader;
import org.polyspan.labeling.ConllSentence;
import org.polyspan.labeling.Document;
import org.polyspan.model.LabelingModel;
import org.polyspan.onnx.OnnxWindowEncoder;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Measures, on the same sentences and in one run, (1) raw ONNX Runtime labelling throughput of a model directory and
 * (2) documents per second through a {@code span_labeling} ingest pipeline of a running node (bulk requests).
 *
 * <pre>models/tool.sh Benchmark --model models/build/mbert-ner --url http://127.0.0.1:9200 [--sentences 2000] [--bulk 100]
 *     [--raw no]</pre>
 * With {@code --raw no} only the pipeline is measured (the model is not loaded in this process); {@code --pipeline-model}
 * names the node's model when it differs from the directory name.
 */
public final class Benchmark {
    private static final List<String> TEXTS = List.of("en", "de", "es", "it");

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv, List.of("model", "url", "data", "sentences", "bulk", "batch", "threads", "raw",
                "pipeline-model"));
        Path modelDir = Path.of(args.require("model"));
        Path data = Path.of(args.get("data", "../shared/data"));
        int count = Integer.parseInt(args.get("sentences", "2000"));
        int bulk = Integer.parseInt(args.get("bulk", "100"));
        int batch = Integer.parseInt(args.get("batch", "64"));
        String url = args.get("url", "");

        List<String> texts = sentences(data, count);
        long chars = texts.stream().mapToLong(String::length).sum();
        System.out.printf(Locale.ROOT, "%d sentences (Europarl test, %s), %.1f characters on average%n", texts.size(), TEXTS,
                (double) chars / texts.size());

        String modelId = args.get("pipeline-model", modelDir.getFileName().toString());
        if (!args.get("raw", "yes").equals("no")) {
            raw(modelDir, modelId, texts, batch, Integer.parseInt(args.get("threads", "0")));
        }
        if (!url.isEmpty()) {
            pipeline(url, modelId, texts, bulk);
        }
    }

    static void raw(Path modelDir, String modelId, List<String> texts, int batch, int threads) throws Exception {
        try (LabelingModel model = LabelingModel.load(modelId, modelDir, OnnxWindowEncoder.Device.CPU, threads)) {
            model.label(List.of(Document.of(texts.get(0))), List.of()); // warm-up
            for (int b : new int[] {1, batch}) {
                long t0 = System.nanoTime();
                for (int from = 0; from < texts.size(); from += b) {
                    List<Document> docs = new ArrayList<>();
                    for (String t : texts.subList(from, Math.min(texts.size(), from + b))) {
                        docs.add(Document.of(t));
                    }
                    model.label(docs, List.of());
                }
                double s = (System.nanoTime() - t0) / 1e9;
                System.out.printf(Locale.ROOT, "raw ONNX Runtime, %d sentence(s) per call: %.1f sentences/s (%.1f s)%n", b, texts.size() / s, s);
            }
            if (model.heads().size() > 1) {
                heads(model, texts, batch);
            }
        }
    }

    /** All heads in one encoder pass against one pass per head, as separate processors would run them. */
    static void heads(LabelingModel model, List<String> texts, int batch) {
        List<Document> docs = new ArrayList<>();
        for (String t : texts) {
            docs.add(Document.of(t));
        }
        List<String> names = new ArrayList<>(model.heads().keySet());
        long t0 = System.nanoTime();
        for (int from = 0; from < docs.size(); from += batch) {
            model.label(docs.subList(from, Math.min(docs.size(), from + batch)), names);
        }
        double together = (System.nanoTime() - t0) / 1e9;
        t0 = System.nanoTime();
        for (String head : names) {
            for (int from = 0; from < docs.size(); from += batch) {
                model.label(docs.subList(from, Math.min(docs.size(), from + batch)), List.of(head));
            }
        }
        double separate = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "heads %s: one shared pass %.1f s, one pass per head %.1f s (%.2fx)%n", names, together,
                separate, separate / together);
    }

    static List<String> sentences(Path data, int count) throws Exception {
        List<String> out = new ArrayList<>();
        ConllReader reader = new ConllReader(Map.of(), Set.of());
        List<List<ConllSentence>> perLang = new ArrayList<>();
        for (String l : TEXTS) {
            perLang.add(reader.read(data.resolve("projection/europarl_ner/" + l + "-europarl.test.conll02")));
        }
        for (int i = 0; out.size() < count; i++) {
            boolean any = false;
            for (List<ConllSentence> s : perLang) {
                if (i < s.size() && out.size() < count) {
                    out.add(Document.ofTokens(s.get(i).tokens()).text());
                    any = true;
                }
            }
            if (!any) {
                break;
            }
        }
        return out;
    }

    static void pipeline(String url, String modelId, List<String> texts, int bulk) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        String index = "polyspan-benchmark";
        send(http, "DELETE", url + "/" + index, null);
        send(http, "PUT", url + "/_ingest/pipeline/polyspan-benchmark",
                "{\"processors\":[{\"span_labeling\":{\"model\":\"" + modelId + "\",\"field\":\"body\"}}]}");
        send(http, "PUT", url + "/" + index, "{\"settings\":{\"number_of_replicas\":0,\"refresh_interval\":\"-1\"}}");
        send(http, "POST", url + "/" + index + "/_doc?pipeline=polyspan-benchmark", jsonDoc(texts.get(0))); // warm-up
        long t0 = System.nanoTime();
        int failed = 0;
        for (int from = 0; from < texts.size(); from += bulk) {
            StringBuilder body = new StringBuilder();
            for (String t : texts.subList(from, Math.min(texts.size(), from + bulk))) {
                body.append("{\"index\":{}}\n").append(jsonDoc(t)).append('\n');
            }
            JsonObject r = JsonParser.parseString(send(http, "POST", url + "/" + index + "/_bulk?pipeline=polyspan-benchmark",
                    body.toString())).getAsJsonObject();
            if (r.get("errors").getAsBoolean()) {
                failed++;
            }
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "ingest pipeline, bulk of %d: %.1f docs/s (%.1f s, %d bulk requests with errors)%n",
                bulk, texts.size() / s, s, failed);
        send(http, "DELETE", url + "/" + index, null);
        send(http, "DELETE", url + "/_ingest/pipeline/polyspan-benchmark", null);
    }

    private static String jsonDoc(String text) {
        JsonObject o = new JsonObject();
        o.addProperty("body", text);
        return o.toString();
    }

    /** One HTTP call; an error status (other than 404 on DELETE) throws with the answer. */
    static String send(HttpClient http, String method, String url, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(10))
                .header("Content-Type", url.contains("_bulk") ? "application/x-ndjson" : "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 400 && !(method.equals("DELETE") && r.statusCode() == 404)) {
            throw new IllegalStateException(method + " " + url + " -> " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }
}
