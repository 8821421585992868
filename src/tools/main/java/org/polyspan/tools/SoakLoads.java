package org.polyspan.tools;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The soak's four loads, each a loop on its own threads until {@link #stop}: bulk clients indexing through the
 * pipeline (1 document in {@value #MALFORMED_EVERY} malformed), {@code _project} requests, a model {@code _reload}
 * every period, and plain index-and-search rounds on the index without a pipeline; alongside them, the probes'
 * sampling. Errors are counted in {@link SoakResults}, never thrown; a node is picked round robin.
 */
final class SoakLoads {
    /** Every 100th document is malformed. */
    static final int MALFORMED_EVERY = 100;

    private final SoakOptions options;
    private final SoakHttp http;
    private final List<SoakNode> nodes;
    private final SoakData data;
    private final SoakCluster cluster;
    private final SoakProbes probes;
    private final SoakResults results;
    private final AtomicLong nextDoc = new AtomicLong();
    private final AtomicLong nextPlain = new AtomicLong();
    private volatile boolean running = true;
    private volatile long startNanos = System.nanoTime();
    private ExecutorService pool;

    SoakLoads(SoakOptions options, SoakHttp http, List<SoakNode> nodes, SoakData data, SoakCluster cluster, SoakProbes probes,
              SoakResults results) {
        this.options = options;
        this.http = http;
        this.nodes = nodes;
        this.data = data;
        this.cluster = cluster;
        this.probes = probes;
        this.results = results;
    }

    /** Plain latency with nothing else running, for {@code --idle-seconds}: the reference for the figures under load. */
    void idle() throws Exception {
        long idleEnd = System.nanoTime() + options.idleSeconds() * 1_000_000_000L;
        while (System.nanoTime() < idleEnd) {
            plainRound(results.idleIndex, results.idleSearch);
        }
    }

    /** Starts every load and the probes' sampling; the reload times count from here. */
    void start() {
        startNanos = System.nanoTime();
        pool = Executors.newFixedThreadPool(options.clients() + 5);
        for (int c = 0; c < options.clients(); c++) {
            int client = c;
            pool.submit(() -> loop(() -> bulkRound(client, options.bulkSize()), 0));
        }
        if (options.projectMillis() > 0) {
            pool.submit(() -> loop(this::projectRound, options.projectMillis()));
        }
        if (options.reloadSeconds() > 0) {
            // the first reload comes after one period, not at once
            pool.submit(() -> {
                sleepWhileRunning(options.reloadSeconds() * 1000L);
                loop(this::reloadRound, options.reloadSeconds() * 1000L);
            });
        }
        pool.submit(() -> loop(() -> plainRound(results.plainIndex, results.plainSearch), 250));
        pool.submit(() -> loop(probes::probeAll, 2000));
        pool.submit(() -> loop(probes::sampleRss, 1000));
    }

    /** Ends every loop and waits for requests in flight (up to their timeout, then interrupts them). */
    void stop() throws InterruptedException {
        running = false;
        pool.shutdown();
        if (!pool.awaitTermination(SoakHttp.REQUEST_TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS)) {
            pool.shutdownNow();
            System.out.println("  clients still busy after the request timeout: interrupted");
        }
    }

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
                results.otherFailure(e.getClass().getSimpleName() + ": " + SoakHttp.shorten(String.valueOf(e.getMessage())));
                sleepWhileRunning(Math.max(pauseMillis, 1000));
                continue;
            }
            sleepWhileRunning(pauseMillis);
        }
    }

    private void bulkRound(int client, int bulkSize) throws InterruptedException {
        SoakLedger ledger = results.ledger;
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
            nd.append("{\"create\":{\"_index\":\"").append(SoakCluster.INDEX).append("\",\"_id\":\"").append(id).append("\"}}\n")
                    .append("{\"n\":").append(n).append(",\"body\":")
                    .append(bad ? Long.toString(n) : SoakHttp.quote(data.texts().get((int) (n % data.texts().size()))))
                    .append("}\n");
        }
        SoakNode node = nodes.get((int) ((client + nextDoc.get() / bulkSize) % nodes.size()));
        long t0 = System.nanoTime();
        HttpResponse<String> r;
        try {
            r = http.exchange("POST", node.url + "/_bulk", nd.toString());
        } catch (IOException e) {
            for (int k = 0; k < ids.size(); k++) {
                ledger.unanswered(malformed.get(k), "no answer from " + node.name + ": " + e.getClass().getSimpleName());
                results.unanswered(ids.get(k));
            }
            // a node that is gone refuses at once: without a pause the client would send millions of documents nowhere
            sleepWhileRunning(1000);
            return;
        }
        results.bulk.add(t0);
        if (r.statusCode() != 200) {
            String reason = "bulk HTTP " + r.statusCode() + ": " + SoakHttp.errorType(r.body());
            for (int k = 0; k < ids.size(); k++) {
                ledger.unanswered(malformed.get(k), reason);
                results.unanswered(ids.get(k));
            }
            return;
        }
        JsonArray items = JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonArray("items");
        for (int k = 0; k < ids.size(); k++) {
            if (k >= items.size()) {
                ledger.unanswered(malformed.get(k), "missing from the bulk answer");
                results.unanswered(ids.get(k));
                continue;
            }
            JsonObject item = items.get(k).getAsJsonObject().getAsJsonObject("create");
            int status = item.get("status").getAsInt();
            if (status == 201 || status == 200) {
                ledger.indexed(malformed.get(k));
            } else {
                JsonObject error = item.getAsJsonObject("error");
                String reason = status + " " + (error == null ? "?" : error.get("type").getAsString() + ": "
                        + SoakHttp.shorten(error.get("reason").getAsString()));
                ledger.failed(malformed.get(k), reason);
            }
        }
    }

    private void projectRound() throws Exception {
        long n = nextPlain.get();
        SoakNode node = nodes.get((int) (n % nodes.size()));
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.exchange("POST", node.url + cluster.api() + "/_project",
                data.projectBodies().get((int) (n % data.projectBodies().size())));
        if (r.statusCode() == 200) {
            results.project.add(t0);
        } else {
            results.otherFailure("_project HTTP " + r.statusCode() + ": " + SoakHttp.errorType(r.body()));
        }
    }

    private void reloadRound() throws Exception {
        SoakNode node = nodes.get((int) (results.reloads.get() % nodes.size()));
        HttpResponse<String> r = http.exchange("POST", node.url + cluster.api() + "/models/" + options.model() + "/_reload", "");
        if (r.statusCode() == 200) {
            long n = results.reloads.incrementAndGet();
            // per node: the lowest and highest resident memory since the previous reload, and now; a floor that keeps
            // rising from reload to reload would be a leak, a floor that levels off is memory kept for reuse
            SoakProbes.ReloadMemory memory = probes.reloaded(n);
            System.out.printf(Locale.ROOT, "  reload %d at %.0f s: RSS now %s; since the previous reload lowest %s, highest %s%n", n,
                    (System.nanoTime() - startNanos) / 1e9, SoakReport.mibs(memory.now()), SoakReport.mibs(memory.lows()),
                    SoakReport.mibs(memory.highs()));
        } else {
            results.otherFailure("_reload HTTP " + r.statusCode() + ": " + SoakHttp.shorten(r.body()));
        }
    }

    /** One plain document indexed and one search, each timed, on the index without a pipeline. */
    private void plainRound(Latencies index, Latencies search) throws Exception {
        long n = nextPlain.getAndIncrement();
        SoakNode node = nodes.get((int) (n % nodes.size()));
        String text = data.texts().get((int) (n * 7919 % data.texts().size()));
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.exchange("PUT", node.url + "/" + SoakCluster.PLAIN + "/_doc/p" + n,
                "{\"body\":" + SoakHttp.quote(text) + "}");
        if (r.statusCode() == 201 || r.statusCode() == 200) {
            index.add(t0);
        } else {
            results.otherFailure("plain index HTTP " + r.statusCode() + ": " + SoakHttp.errorType(r.body()));
        }
        String word = text.split(" ")[0];
        long t1 = System.nanoTime();
        r = http.exchange("POST", node.url + "/" + SoakCluster.PLAIN + "/_search",
                "{\"size\":5,\"query\":{\"match\":{\"body\":" + SoakHttp.quote(word) + "}}}");
        if (r.statusCode() == 200) {
            search.add(t1);
        } else {
            results.otherFailure("plain search HTTP " + r.statusCode() + ": " + SoakHttp.errorType(r.body()));
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
}
