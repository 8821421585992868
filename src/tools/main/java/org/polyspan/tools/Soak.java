package org.polyspan.tools;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.polyspan.labeling.ConllReader;
import org.polyspan.labeling.ConllSentence;
import org.polyspan.labeling.Document;
import org.polyspan.labeling.Word;
import org.polyspan.projection.SpanConversions;
import org.polyspan.projection.WordSpan;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded soak of a running node or cluster (OpenSearch or Elasticsearch): bulk clients index Europarl sentences (English, German, Spanish) through a
 * {@code span_labeling} pipeline, 1 % of them malformed (a number where the text should be: the processor fails them,
 * and with no {@code on_failure} in the pipeline each comes back as a failed bulk item with its reason); at the same time
 * one client calls {@code _project}, one reloads the model every {@code --reload-seconds}, and one indexes and searches
 * a plain index without a pipeline, timing each request. Plain latency is also measured idle, before the load.
 *
 * <p>It prints documents sent, indexed and failed (by reason), the index's document count (sent = indexed + failed;
 * every acknowledged document in the index, nothing more), node deaths (a node that stops answering as the same
 * process, or writes a JVM crash file), heap after GC and resident memory per node at start and end, bulk p50/p99 and
 * plain index/search latency. After each reload it prints every node's resident memory and its lowest and highest value
 * since the previous reload, which tells memory kept for reuse (a floor that levels off) from a leak (a floor that keeps
 * rising). It exits with 1 when a document is lost or duplicated, a malformed document is
 * indexed, nothing is indexed, or a node dies; the memory and latency targets are reported, not enforced.
 *
 * <pre>models/tool.sh Soak --urls http://127.0.0.1:9280,http://127.0.0.1:9281,http://127.0.0.1:9282 --minutes 1
 *     [--model mbert-ner] [--clients 4] [--bulk-size 10] [--reload-seconds 20 (0: never)] [--project-millis 1000 (0: never)]
 *     [--idle-seconds 10] [--data ../shared/data]</pre>
 */
public final class Soak {
    private static final String PIPELINE = "polyspan-soak";
    private static final String INDEX = "polyspan-soak";
    private static final String PLAIN = "polyspan-soak-plain";
    /** Every 100th document is malformed. */
    private static final int MALFORMED_EVERY = 100;
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);
    private static final double PLAIN_MEDIAN_TARGET = 0.3;
    private static final double RSS_GROWTH_TARGET = 0.10;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final List<SoakNode> nodes = new ArrayList<>();
    /** The plugin's REST prefix on the nodes' engine, found in {@link #setUp}. */
    private String api = "/_plugins/polyspan";
    private final String model;
    private final List<String> texts;
    private final List<String> projectBodies;
    private final SoakLedger ledger = new SoakLedger();
    private final Latencies bulk = new Latencies();
    private final Latencies project = new Latencies();
    private final Latencies plainIndex = new Latencies();
    private final Latencies plainSearch = new Latencies();
    private final Map<String, Long> otherFailures = new TreeMap<>();
    private final AtomicLong reloads = new AtomicLong();
    private final AtomicLong nextDoc = new AtomicLong();
    private final AtomicLong nextPlain = new AtomicLong();
    private final List<String> unansweredIds = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean running = true;
    private volatile long startNanos = System.nanoTime();
    private final RssRange rssRange;
    /** Each node's lowest resident memory between the first and the second reload: its size once warmed up, or null. */
    private volatile List<Long> rssFloorAfterFirstReload;

    private Soak(List<String> urls, String model, Path data) throws Exception {
        for (String url : urls) {
            nodes.add(new SoakNode(http, url));
        }
        this.rssRange = new RssRange(nodes);
        this.model = model;
        Path dir = data.resolve("projection/europarl_ner");
        ConllReader reader = new ConllReader(Map.of(), Set.of());
        List<ConllSentence> en = reader.read(dir.resolve("en-europarl.test.conll02"));
        List<ConllSentence> es = reader.read(dir.resolve("es-europarl.test.conll02"));
        List<ConllSentence> de = reader.read(dir.resolve("de-europarl.test.conll02"));
        this.texts = new ArrayList<>();
        for (List<ConllSentence> language : List.of(en, de, es)) {
            for (ConllSentence s : language) {
                texts.add(Document.ofTokens(s.tokens()).text());
            }
        }
        this.projectBodies = new ArrayList<>();
        for (int i = 0; i < Math.min(en.size(), es.size()) && projectBodies.size() < 50; i++) {
            if (en.get(i).tags().stream().anyMatch(t -> !t.equals("O"))) {
                projectBodies.add(projectBody(en.get(i), es.get(i)));
            }
        }
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv, List.of("urls", "minutes", "model", "clients", "bulk-size", "reload-seconds", "project-millis",
                "idle-seconds", "data"));
        List<String> urls = Arrays.stream(args.require("urls").split(",")).map(u -> u.trim().replaceAll("/+$", "")).toList();
        double minutes = Double.parseDouble(args.get("minutes", "1"));
        if (!(minutes > 0 && minutes <= 120)) {
            throw new IllegalArgumentException("--minutes must be in (0, 120], got " + minutes);
        }
        Soak soak = new Soak(urls, args.get("model", "mbert-ner"), Path.of(args.get("data", "../shared/data")));
        boolean passed = soak.run(minutes, Integer.parseInt(args.get("clients", "4")), Integer.parseInt(args.get("bulk-size", "10")),
                Integer.parseInt(args.get("reload-seconds", "20")), Integer.parseInt(args.get("project-millis", "1000")),
                Integer.parseInt(args.get("idle-seconds", "10")));
        System.exit(passed ? 0 : 1);
    }

    private boolean run(double minutes, int clients, int bulkSize, int reloadSeconds, int projectMillis, int idleSeconds)
            throws Exception {
        System.out.printf(Locale.ROOT, "soak: %d node(s) %s, model %s, %d bulk clients x %d documents, 1 in %d malformed, "
                        + "_reload every %s, _project every %s, %.1f minute(s)%n", nodes.size(), nodes.stream().map(n -> n.name).toList(),
                model, clients, bulkSize, MALFORMED_EVERY, reloadSeconds > 0 ? reloadSeconds + " s" : "(never)",
                projectMillis > 0 ? projectMillis + " ms" : "(never)", minutes);
        setUp();
        // plain latency with nothing else running: the reference for the figures under load
        Latencies idleIndex = new Latencies();
        Latencies idleSearch = new Latencies();
        long idleEnd = System.nanoTime() + idleSeconds * 1_000_000_000L;
        while (System.nanoTime() < idleEnd) {
            plainRound(idleIndex, idleSearch);
        }
        Map<SoakNode, long[]> start = memory();
        startNanos = System.nanoTime();

        ExecutorService pool = Executors.newFixedThreadPool(clients + 5);
        for (int c = 0; c < clients; c++) {
            int client = c;
            pool.submit(() -> loop(() -> bulkRound(client, bulkSize), 0));
        }
        if (projectMillis > 0) {
            pool.submit(() -> loop(this::projectRound, projectMillis));
        }
        if (reloadSeconds > 0) {
            // the first reload comes after one period, not at once
            pool.submit(() -> {
                sleepWhileRunning(reloadSeconds * 1000L);
                loop(this::reloadRound, reloadSeconds * 1000L);
            });
        }
        pool.submit(() -> loop(() -> plainRound(plainIndex, plainSearch), 250));
        pool.submit(() -> loop(() -> nodes.forEach(SoakNode::probe), 2000));
        pool.submit(() -> loop(rssRange::sample, 1000));
        long end = System.nanoTime() + (long) (minutes * 60e9);
        while (System.nanoTime() < end) {
            Thread.sleep(Math.min(10_000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            System.out.printf(Locale.ROOT, "  ... sent %d, indexed %d, failed %d, bulk %s, RSS %s%n", ledger.sent.get(), ledger.indexed.get(),
                    ledger.failed.get(), bulk.summary(), mibs(nodes.stream().map(SoakNode::rss).toList()));
        }
        running = false;
        pool.shutdown();
        if (!pool.awaitTermination(REQUEST_TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS)) {
            pool.shutdownNow();
            System.out.println("  clients still busy after the request timeout: interrupted");
        }
        return report(idleIndex, idleSearch, start, memory());
    }

    // ------------------------------------------------------------------ setup

    private void setUp() throws Exception {
        String url = nodes.get(0).url;
        api = pluginApi(url);
        System.out.println("plugin API " + api);
        boolean cluster = nodes.size() > 1;
        String shards = cluster ? "{\"number_of_shards\":3,\"number_of_replicas\":1" : "{\"number_of_shards\":1,\"number_of_replicas\":0";
        send("DELETE", url + "/" + INDEX, null);
        send("DELETE", url + "/" + PLAIN, null);
        send("PUT", url + "/_ingest/pipeline/" + PIPELINE, "{\"processors\":[{\"span_labeling\":{\"model\":\"" + model
                + "\",\"field\":\"body\"}}]}");
        send("PUT", url + "/" + INDEX, "{\"settings\":" + shards + ",\"default_pipeline\":\"" + PIPELINE + "\"}}");
        send("PUT", url + "/" + PLAIN, "{\"settings\":" + shards + "},\"mappings\":{\"properties\":{\"body\":{\"type\":\"text\"}}}}");
        send("GET", url + "/_cluster/health?wait_for_status=" + (cluster ? "green" : "yellow") + "&timeout=120s", null);
        // the model is loaded on every node before timing starts
        for (SoakNode n : nodes) {
            send("POST", n.url + "/_ingest/pipeline/" + PIPELINE + "/_simulate", "{\"docs\":[{\"_source\":{\"body\":"
                    + quote(texts.get(0)) + "}}]}");
            send("POST", n.url + api + "/_project", projectBodies.get(0));
        }
    }

    /** The plugin's REST prefix: {@code /_plugins/polyspan} where its stats endpoint answers (OpenSearch), else {@code /_polyspan}. */
    private String pluginApi(String url) throws IOException, InterruptedException {
        for (String prefix : List.of("/_plugins/polyspan", "/_polyspan")) {
            if (http.send(request("GET", url + prefix + "/stats", null), HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                return prefix;
            }
        }
        throw new IllegalStateException(url + " answers neither /_plugins/polyspan/stats nor /_polyspan/stats: is the plugin installed?");
    }

    // ------------------------------------------------------------------ the load

    private interface Round {
        void run() throws Exception;
    }

    /** Runs a round until the soak ends, pausing {@code pauseMillis} between rounds; errors are counted, never thrown. */
    private void loop(Round round, long pauseMillis) {
        while (running) {
            try {
                round.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                otherFailure(e.getClass().getSimpleName() + ": " + shorten(String.valueOf(e.getMessage())));
                sleepWhileRunning(Math.max(pauseMillis, 1000));
                continue;
            }
            sleepWhileRunning(pauseMillis);
        }
    }

    private void bulkRound(int client, int bulkSize) throws InterruptedException {
        List<String> ids = new ArrayList<>();
        List<Boolean> malformed = new ArrayList<>();
        StringBuilder nd = new StringBuilder();
        for (int k = 0; k < bulkSize; k++) {
            long n = nextDoc.getAndIncrement();
            boolean bad = n % MALFORMED_EVERY == 7; // the 8th document is the first: short runs have one too
            String id = "d" + n;
            ids.add(id);
            malformed.add(bad);
            ledger.sent(bad);
            nd.append("{\"create\":{\"_index\":\"").append(INDEX).append("\",\"_id\":\"").append(id).append("\"}}\n")
                    .append("{\"n\":").append(n).append(",\"body\":").append(bad ? Long.toString(n) : quote(texts.get((int) (n % texts.size()))))
                    .append("}\n");
        }
        SoakNode node = nodes.get((int) ((client + nextDoc.get() / bulkSize) % nodes.size()));
        long t0 = System.nanoTime();
        HttpResponse<String> r;
        try {
            r = http.send(request("POST", node.url + "/_bulk", nd.toString()), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            for (int k = 0; k < ids.size(); k++) {
                ledger.unanswered(malformed.get(k), "no answer from " + node.name + ": " + e.getClass().getSimpleName());
                unansweredIds.add(ids.get(k));
            }
            // a node that is gone refuses at once: without a pause the client would send millions of documents nowhere
            sleepWhileRunning(1000);
            return;
        }
        bulk.add(t0);
        if (r.statusCode() != 200) {
            String reason = "bulk HTTP " + r.statusCode() + ": " + errorType(r.body());
            for (int k = 0; k < ids.size(); k++) {
                ledger.unanswered(malformed.get(k), reason);
                unansweredIds.add(ids.get(k));
            }
            return;
        }
        JsonArray items = JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonArray("items");
        for (int k = 0; k < ids.size(); k++) {
            if (k >= items.size()) {
                ledger.unanswered(malformed.get(k), "missing from the bulk answer");
                unansweredIds.add(ids.get(k));
                continue;
            }
            JsonObject item = items.get(k).getAsJsonObject().getAsJsonObject("create");
            int status = item.get("status").getAsInt();
            if (status == 201 || status == 200) {
                ledger.indexed(malformed.get(k));
            } else {
                JsonObject error = item.getAsJsonObject("error");
                String reason = status + " " + (error == null ? "?" : error.get("type").getAsString() + ": "
                        + shorten(error.get("reason").getAsString()));
                ledger.failed(malformed.get(k), reason);
            }
        }
    }

    private void projectRound() throws Exception {
        long n = nextPlain.get();
        SoakNode node = nodes.get((int) (n % nodes.size()));
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.send(request("POST", node.url + api + "/_project",
                projectBodies.get((int) (n % projectBodies.size()))), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
            project.add(t0);
        } else {
            otherFailure("_project HTTP " + r.statusCode() + ": " + errorType(r.body()));
        }
    }

    private void reloadRound() throws Exception {
        SoakNode node = nodes.get((int) (reloads.get() % nodes.size()));
        HttpResponse<String> r = http.send(request("POST", node.url + api + "/models/" + model + "/_reload", ""),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
            long n = reloads.incrementAndGet();
            // per node: the lowest and highest resident memory since the previous reload, and now; a floor that keeps
            // rising from reload to reload would be a leak, a floor that levels off is memory kept for reuse
            List<Long> lows = rssRange.lows();
            List<Long> highs = rssRange.highs();
            rssRange.reset();
            if (n == 2) {
                rssFloorAfterFirstReload = lows;
            }
            System.out.printf(Locale.ROOT, "  reload %d at %.0f s: RSS now %s; since the previous reload lowest %s, highest %s%n", n,
                    (System.nanoTime() - startNanos) / 1e9, mibs(nodes.stream().map(SoakNode::rss).toList()), mibs(lows), mibs(highs));
        } else {
            otherFailure("_reload HTTP " + r.statusCode() + ": " + shorten(r.body()));
        }
    }

    /** One plain document indexed and one search, each timed, on the index without a pipeline. */
    private void plainRound(Latencies index, Latencies search) throws Exception {
        long n = nextPlain.getAndIncrement();
        SoakNode node = nodes.get((int) (n % nodes.size()));
        String text = texts.get((int) (n * 7919 % texts.size()));
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.send(request("PUT", node.url + "/" + PLAIN + "/_doc/p" + n, "{\"body\":" + quote(text) + "}"),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 201 || r.statusCode() == 200) {
            index.add(t0);
        } else {
            otherFailure("plain index HTTP " + r.statusCode() + ": " + errorType(r.body()));
        }
        String word = text.split(" ")[0];
        long t1 = System.nanoTime();
        r = http.send(request("POST", node.url + "/" + PLAIN + "/_search", "{\"size\":5,\"query\":{\"match\":{\"body\":" + quote(word) + "}}}"),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
            search.add(t1);
        } else {
            otherFailure("plain search HTTP " + r.statusCode() + ": " + errorType(r.body()));
        }
    }

    // ------------------------------------------------------------------ measurements

    /** Per node: heap after GC (the lowest heap use over 5 s of samples) and resident memory, in bytes. */
    private Map<SoakNode, long[]> memory() throws InterruptedException {
        Map<SoakNode, long[]> m = new java.util.LinkedHashMap<>();
        for (SoakNode n : nodes) {
            m.put(n, new long[] {Long.MAX_VALUE, -1});
        }
        for (int i = 0; i < 10; i++) {
            for (SoakNode n : nodes) {
                try {
                    m.get(n)[0] = Math.min(m.get(n)[0], n.heapUsed());
                } catch (IOException | RuntimeException e) {
                    // a node that does not answer has no heap figure; its death is reported separately
                }
            }
            Thread.sleep(500);
        }
        for (SoakNode n : nodes) {
            m.get(n)[1] = n.rss();
        }
        return m;
    }

    private boolean report(Latencies idleIndex, Latencies idleSearch, Map<SoakNode, long[]> start, Map<SoakNode, long[]> end)
            throws Exception {
        List<String> problems = new ArrayList<>();
        // deaths: a node that no longer answers as the same process (30 s of grace) or left a JVM crash file
        int deaths = 0;
        for (SoakNode n : nodes) {
            boolean up = false;
            for (int i = 0; i < 15 && !(up = n.probe()); i++) {
                Thread.sleep(2000);
            }
            List<String> crashes = n.newCrashFiles();
            if (!up || !crashes.isEmpty()) {
                deaths++;
                problems.add("node " + n.name + " died" + (up ? "" : " (no answer)") + (crashes.isEmpty() ? "" : " crash files " + crashes));
            }
        }
        SoakNode alive = nodes.stream().filter(SoakNode::probe).findFirst().orElse(null);
        long count = -1;
        long unansweredPresent = 0;
        if (alive != null) {
            send("POST", alive.url + "/" + INDEX + "/_refresh", null);
            count = JsonParser.parseString(send("GET", alive.url + "/" + INDEX + "/_count", null)).getAsJsonObject().get("count").getAsLong();
            unansweredPresent = presentAmong(alive, unansweredIds);
        }
        long sent = ledger.sent.get();
        long indexed = ledger.indexed.get();
        long failed = ledger.failed.get();
        long expected = indexed + unansweredPresent;
        long lost = count < 0 ? indexed : Math.max(0, expected - count);
        long extra = count < 0 ? 0 : Math.max(0, count - expected);

        System.out.println();
        System.out.println("== documents");
        System.out.printf(Locale.ROOT, "  sent %d = indexed %d + failed %d%s%n", sent, indexed, failed, sent == indexed + failed ? "" : "  MISMATCH");
        System.out.printf(Locale.ROOT, "  malformed: sent %d, failed %d, indexed %d%n", ledger.malformedSent.get(), ledger.malformedFailed.get(),
                ledger.malformedIndexed.get());
        ledger.reasons().forEach((reason, n) -> System.out.printf(Locale.ROOT, "  failed %6d  %s%n", n, reason));
        System.out.printf(Locale.ROOT, "  unanswered (counted as failed) %d, of which in the index after all %d%n", ledger.unanswered.get(),
                unansweredPresent);
        System.out.printf(Locale.ROOT, "  index count %d (expected %d): lost %d, unexpected extra %d%n", count, expected, lost, extra);
        System.out.println("== nodes");
        System.out.printf(Locale.ROOT, "  deaths %d%n", deaths);
        List<Long> warm = rssFloorAfterFirstReload;
        for (int i = 0; i < nodes.size(); i++) {
            SoakNode n = nodes.get(i);
            long[] s = start.get(n);
            long[] e = end.get(n);
            String afterReload = warm == null ? "" : String.format(Locale.ROOT, ", lowest after the 1st reload %s (%s to the end)",
                    mib(warm.get(i)), growth(warm.get(i), e[1]));
            System.out.printf(Locale.ROOT, "  %-16s pid %-7d heap after GC %s -> %s   RSS %s -> %s (%s)%s   longest unreachable %.0fs%n",
                    n.name, n.pid, mib(s[0]), mib(e[0]), mib(s[1]), mib(e[1]), growth(s[1], e[1]), afterReload,
                    n.longestUnreachableSeconds());
        }
        System.out.println("== latency");
        System.out.println("  bulk (" + ledger.sent.get() / Math.max(1, bulk.count()) + " docs)      " + bulk.summary());
        System.out.println("  _project          " + project.summary());
        System.out.println("  _reload           " + reloads.get() + " done");
        System.out.println("  plain index idle  " + idleIndex.summary());
        System.out.println("  plain search idle " + idleSearch.summary());
        System.out.println("  plain index load  " + plainIndex.summary());
        System.out.println("  plain search load " + plainSearch.summary());
        synchronized (otherFailures) {
            otherFailures.forEach((reason, n) -> System.out.printf(Locale.ROOT, "  request failed %5d  %s%n", n, reason));
        }
        System.out.println("== targets");
        target("0 lost documents", lost == 0);
        target("0 node deaths", deaths == 0);
        target("plain index median under " + PLAIN_MEDIAN_TARGET + " s during the load", plainIndex.quantile(0.5) < PLAIN_MEDIAN_TARGET);
        target("plain search median under " + PLAIN_MEDIAN_TARGET + " s during the load", plainSearch.quantile(0.5) < PLAIN_MEDIAN_TARGET);
        for (SoakNode n : nodes) {
            long s = start.get(n)[1];
            long e = end.get(n)[1];
            target("RSS growth under 10 % on " + n.name, s > 0 && e > 0 && (e - s) < RSS_GROWTH_TARGET * s);
        }
        if (warm != null) {
            // warm-up: the first inferences and the first reload, which held two copies of the model at once
            for (int i = 0; i < nodes.size(); i++) {
                long w = warm.get(i);
                long e = end.get(nodes.get(i))[1];
                target("RSS growth under 10 % after warm-up (from the lowest RSS after the 1st reload) on " + nodes.get(i).name,
                        w > 0 && e > 0 && (e - w) < RSS_GROWTH_TARGET * w);
            }
        }

        if (lost > 0) {
            problems.add(lost + " acknowledged document(s) missing from the index");
        }
        if (extra > 0) {
            problems.add(extra + " document(s) in the index that were never acknowledged (duplicates?)");
        }
        if (sent != indexed + failed) {
            problems.add("sent " + sent + " != indexed " + indexed + " + failed " + failed);
        }
        if (ledger.malformedIndexed.get() > 0) {
            problems.add(ledger.malformedIndexed.get() + " malformed document(s) indexed");
        }
        if (indexed == 0) {
            problems.add("nothing was indexed");
        }
        cleanUp(alive);
        System.out.println(problems.isEmpty() ? "SOAK PASSED" : "SOAK FAILED: " + String.join("; ", problems));
        return problems.isEmpty();
    }

    /** How many of the given ids are in the soak index. */
    private long presentAmong(SoakNode node, List<String> ids) throws Exception {
        long present = 0;
        List<String> copy;
        synchronized (unansweredIds) {
            copy = new ArrayList<>(ids);
        }
        for (int i = 0; i < copy.size(); i += 1000) {
            JsonArray values = new JsonArray();
            copy.subList(i, Math.min(copy.size(), i + 1000)).forEach(values::add);
            JsonObject query = new JsonObject();
            JsonObject idsQuery = new JsonObject();
            idsQuery.add("values", values);
            query.add("ids", idsQuery);
            JsonObject body = new JsonObject();
            body.add("query", query);
            present += JsonParser.parseString(send("POST", node.url + "/" + INDEX + "/_count", body.toString())).getAsJsonObject()
                    .get("count").getAsLong();
        }
        return present;
    }

    private void cleanUp(SoakNode alive) {
        if (alive == null) {
            return;
        }
        try {
            send("DELETE", alive.url + "/" + INDEX, null);
            send("DELETE", alive.url + "/" + PLAIN, null);
            send("DELETE", alive.url + "/_ingest/pipeline/" + PIPELINE, null);
        } catch (Exception e) {
            System.out.println("  cleanup failed: " + e.getMessage());
        }
    }

    // ------------------------------------------------------------------ small helpers

    private static void target(String what, boolean met) {
        System.out.printf(Locale.ROOT, "  %-4s %s%n", met ? "MET" : "MISS", what);
    }

    private void otherFailure(String reason) {
        synchronized (otherFailures) {
            otherFailures.merge(reason, 1L, Long::sum);
        }
    }

    private void sleepWhileRunning(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        while (running && System.nanoTime() < end) {
            try {
                Thread.sleep(Math.min(200, millis));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private HttpRequest request(String method, String url, String body) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", url.endsWith("_bulk") ? "application/x-ndjson" : "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** A request that must succeed (setup and checks); a missing index on DELETE is fine. */
    private String send(String method, String url, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request(method, url, body), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300 && !(method.equals("DELETE") && r.statusCode() == 404)) {
            throw new IllegalStateException(method + " " + url + " -> HTTP " + r.statusCode() + ": " + shorten(r.body()));
        }
        return r.body();
    }

    private static String errorType(String body) {
        try {
            JsonElement error = JsonParser.parseString(body).getAsJsonObject().get("error");
            if (error != null && error.isJsonObject()) {
                return error.getAsJsonObject().get("type").getAsString() + ": " + shorten(error.getAsJsonObject().get("reason").getAsString());
            }
        } catch (RuntimeException e) {
            // not JSON: the body itself says what went wrong
        }
        return shorten(body);
    }

    private static String shorten(String s) {
        return s.length() <= 160 ? s : s.substring(0, 160) + "...";
    }

    private static String quote(String s) {
        return new com.google.gson.JsonPrimitive(s).toString();
    }

    private static String mib(long bytes) {
        return bytes < 0 || bytes == Long.MAX_VALUE ? "n/a" : (bytes >> 20) + " MiB";
    }

    private static String mibs(List<Long> bytes) {
        return String.join(", ", bytes.stream().map(Soak::mib).toList());
    }

    private static String growth(long start, long end) {
        return start > 0 && end > 0 ? String.format(Locale.ROOT, "%+.1f %%", 100.0 * (end - start) / start) : "n/a";
    }

    /** A {@code _project} body: the English sentence with its gold spans and the Spanish translation. */
    private String projectBody(ConllSentence english, ConllSentence spanish) {
        Document d = Document.ofTokens(english.tokens());
        JsonArray spans = new JsonArray();
        for (WordSpan w : SpanConversions.fromTags(english.tags(), "tags")) {
            Word first = d.words().get(w.start());
            Word last = d.words().get(w.end() - 1);
            JsonObject s = new JsonObject();
            s.addProperty("start", first.start());
            s.addProperty("end", last.end());
            s.addProperty("label", w.label());
            spans.add(s);
        }
        JsonObject source = new JsonObject();
        source.addProperty("text", d.text());
        source.add("spans", spans);
        JsonObject target = new JsonObject();
        target.addProperty("text", Document.ofTokens(spanish.tokens()).text());
        JsonObject pair = new JsonObject();
        pair.add("source", source);
        pair.add("target", target);
        JsonArray pairs = new JsonArray();
        pairs.add(pair);
        JsonObject body = new JsonObject();
        body.addProperty("model", model);
        body.add("pairs", pairs);
        return body.toString();
    }
}
