package org.polyspan.tools;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.polyspan.eval.StoredSpans;
import org.polyspan.eval.SpanMetrics;
import org.polyspan.labeling.ConllReader;
import org.polyspan.labeling.ConllSentence;
import org.polyspan.labeling.Document;
import org.polyspan.projection.SpanConversions;
import org.polyspan.projection.WordSpan;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Measures {@code _project/index} on a running node: indexes the English Europarl NER test sentences with their gold
 * spans and the gold translation beside them, runs the background task to completion, and scores the spans stored in
 * the destination index against the target language's gold (seqeval span F1, PER/ORG/LOC/MISC), with documents/s.
 *
 * <pre>models/tool.sh BenchmarkProjectIndex [--url http://127.0.0.1:9200] [--langs de,es,it] [--limit N]
 *     [--batch-size 32] [--model mbert-ner] [--data ../shared/data]</pre>
 */
public final class BenchmarkProjectIndex {
    private BenchmarkProjectIndex() {}

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv, List.of("url", "langs", "limit", "batch-size", "model", "data"));
        String url = args.get("url", "http://127.0.0.1:9200").replaceAll("/+$", "");
        Path dir = Path.of(args.get("data", "../shared/data")).resolve("projection/europarl_ner");
        int limit = Integer.parseInt(args.get("limit", "0"));
        int batch = Integer.parseInt(args.get("batch-size", "32"));
        String model = args.get("model", "mbert-ner");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        ConllReader reader = new ConllReader(Map.of(), Set.of());
        List<ConllSentence> english = reader.read(dir.resolve("en-europarl.test.conll02"));
        // the task loads the model when it first needs it; load it before timing
        Benchmark.send(http, "POST", url + "/_plugins/polyspan/_project", "{\"model\":\"" + model + "\",\"pairs\":[{\"source\":"
                + "{\"text\":\"Paris\",\"spans\":[{\"start\":0,\"end\":5,\"label\":\"LOC\"}]},\"target\":{\"text\":\"París\"}}]}");
        System.out.println("| pair | documents | batch | seconds | docs/s | P | R | F1 | failed |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (String lang : Arrays.asList(args.get("langs", "de,es,it").split(","))) {
            List<ConllSentence> target = reader.read(dir.resolve(lang + "-europarl.test.conll02"));
            int n = Math.min(english.size(), target.size());
            if (limit > 0) {
                n = Math.min(n, limit);
            }
            String source = "polyspan-bench-europarl-en-" + lang;
            String dest = "polyspan-bench-europarl-" + lang;
            Benchmark.send(http, "DELETE", url + "/" + source, null);
            Benchmark.send(http, "DELETE", url + "/" + dest, null);
            Benchmark.send(http, "PUT", url + "/" + source, "{\"settings\":{\"number_of_replicas\":0},\"mappings\":{\"properties\":"
                    + "{\"text\":{\"type\":\"text\"},\"translation\":{\"type\":\"text\"},\"spans\":{\"type\":\"nested\"}}}}");
            StringBuilder bulk = new StringBuilder();
            for (int i = 0; i < n; i++) {
                bulk.append("{\"index\":{\"_id\":\"").append(i).append("\"}}\n").append(sourceDoc(english.get(i), target.get(i))).append('\n');
                if ((i + 1) % 500 == 0 || i == n - 1) {
                    Benchmark.send(http, "POST", url + "/" + source + "/_bulk?refresh=true", bulk.toString());
                    bulk.setLength(0);
                }
            }
            long t0 = System.nanoTime();
            JsonObject r = JsonParser.parseString(Benchmark.send(http, "POST", url + "/_plugins/polyspan/_project/index?wait_for_completion=true",
                    "{\"source_index\":\"" + source + "\",\"dest_index\":\"" + dest + "\",\"text_field\":\"text\",\"spans_field\":\"spans\","
                            + "\"target_text_field\":\"translation\",\"batch_size\":" + batch + ",\"model\":\"" + model + "\","
                            + "\"source_language\":\"en\",\"target_language\":\"" + lang + "\"}")).getAsJsonObject();
            double seconds = (System.nanoTime() - t0) / 1e9;
            Benchmark.send(http, "POST", url + "/" + dest + "/_refresh", null);
            SpanMetrics metrics = new SpanMetrics();
            JsonArray hits = JsonParser.parseString(Benchmark.send(http, "POST", url + "/" + dest + "/_search",
                    "{\"size\":" + n + ",\"query\":{\"match_all\":{}}}")).getAsJsonObject().getAsJsonObject("hits").getAsJsonArray("hits");
            for (JsonElement h : hits) {
                JsonObject hit = h.getAsJsonObject();
                ConllSentence gold = target.get(Integer.parseInt(hit.get("_id").getAsString()));
                JsonObject stored = hit.getAsJsonObject("_source");
                metrics.add(gold.tags(), StoredSpans.tags(gold.tokens(), stored.has("spans") ? stored.getAsJsonArray("spans") : null));
            }
            System.out.printf(Locale.ROOT, "| en-%s | %d | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %s |%n", lang, n, batch, seconds, n / seconds,
                    100 * metrics.precision(), 100 * metrics.recall(), 100 * metrics.f1(), failed(r));
            Benchmark.send(http, "DELETE", url + "/" + source, null);
            Benchmark.send(http, "DELETE", url + "/" + dest, null);
        }
    }

    /** The English sentence (tokens joined by spaces), its gold spans as character offsets, and the gold translation. */
    private static String sourceDoc(ConllSentence english, ConllSentence target) {
        Document doc = Document.ofTokens(english.tokens());
        JsonArray spans = new JsonArray();
        for (WordSpan w : SpanConversions.fromTags(english.tags(), "tags")) {
            int[] range = SpanConversions.charRange(doc, w.start(), w.end());
            JsonObject s = new JsonObject();
            s.addProperty("label", w.label());
            s.addProperty("text", doc.text().substring(range[0], range[1]));
            s.addProperty("start", range[0]);
            s.addProperty("end", range[1]);
            spans.add(s);
        }
        JsonObject o = new JsonObject();
        o.addProperty("text", doc.text());
        o.addProperty("translation", Document.ofTokens(target.tokens()).text());
        o.add("spans", spans);
        return o.toString();
    }

    private static String failed(JsonObject answer) {
        JsonObject counts = answer.has("response") ? answer.getAsJsonObject("response") : answer;
        return counts.has("failed") ? counts.get("failed").getAsString() : "?";
    }
}
