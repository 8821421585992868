package org.polyspan.tools;

import java.util.ArrayList;
import java.util.List;

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
 *
 * <p>This class wires the parts: {@link SoakOptions} (the command line), {@link SoakData} (what is sent),
 * {@link SoakCluster} (pipeline and indices, counts at the end), {@link SoakLoads} (the four load loops),
 * {@link SoakProbes} (liveness and memory of the nodes), {@link SoakResults} and {@link SoakLedger} (what the loads
 * recorded) and {@link SoakReport} (the report and the verdict), over {@link SoakHttp} and {@link SoakNode}.
 */
public final class Soak {
    private Soak() {}

    public static void main(String[] argv) throws Exception {
        System.exit(run(SoakOptions.parse(argv)) ? 0 : 1);
    }

    /** Runs the soak and prints its report; true when it passed. */
    static boolean run(SoakOptions options) throws Exception {
        SoakHttp http = new SoakHttp();
        List<SoakNode> nodes = new ArrayList<>();
        for (String url : options.urls()) {
            nodes.add(new SoakNode(http.client(), url));
        }
        SoakProbes probes = new SoakProbes(nodes);
        SoakData data = SoakData.load(options.data(), options.model());
        SoakResults results = new SoakResults();
        SoakCluster cluster = new SoakCluster(http, nodes, options.model());
        SoakLoads loads = new SoakLoads(options, http, nodes, data, cluster, probes, results);
        SoakReport report = new SoakReport(System.out, results);

        System.out.println(options.describe(nodes.stream().map(n -> n.name).toList()));
        cluster.setUp(data);
        loads.idle();
        List<SoakProbes.Memory> start = probes.memory();
        loads.start();
        long end = System.nanoTime() + (long) (options.minutes() * 60e9);
        while (System.nanoTime() < end) {
            Thread.sleep(Math.min(10_000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            System.out.println(SoakReport.progress(results, probes.rss()));
        }
        loads.stop();
        List<SoakProbes.Memory> last = probes.memory();

        List<String> deaths = probes.deaths();
        SoakNode alive = probes.firstAlive();
        long count = -1;
        long unansweredPresent = 0;
        if (alive != null) {
            count = cluster.count(alive);
            unansweredPresent = cluster.presentAmong(alive, results.unansweredIds());
        }
        List<String> problems = report.print(deaths, probes.figures(start, last), count, unansweredPresent);
        cluster.cleanUp(alive);
        return report.verdict(problems);
    }
}
