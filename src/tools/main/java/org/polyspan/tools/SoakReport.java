package org.polyspan.tools;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The soak's report: documents sent, indexed and failed (by reason) against the index's count, each node's deaths,
 * heap and resident memory, the latencies, the targets (reported, not enforced), and the verdict. The soak fails when
 * a node died, an acknowledged document is missing from the index, a document is there that was never acknowledged,
 * the ledger does not add up, a malformed document was indexed, or nothing was indexed.
 */
final class SoakReport {
    static final double PLAIN_MEDIAN_TARGET = 0.3;
    static final double RSS_GROWTH_TARGET = 0.10;

    /**
     * One node's figures: its memory at the start and the end of the load, its lowest resident memory after the first
     * reload (null when there was no second reload), and the longest time it did not answer.
     */
    record NodeFigures(String name, long pid, SoakProbes.Memory start, SoakProbes.Memory end, Long warmFloor,
                       double longestUnreachableSeconds) {}

    private final PrintStream out;
    private final SoakResults results;

    SoakReport(PrintStream out, SoakResults results) {
        this.out = out;
        this.results = results;
    }

    /** The line printed while the load runs. */
    static String progress(SoakResults results, List<Long> rss) {
        return String.format(Locale.ROOT, "  ... sent %d, indexed %d, failed %d, bulk %s, RSS %s", results.ledger.sent.get(),
                results.ledger.indexed.get(), results.ledger.failed.get(), results.bulk.summary(), mibs(rss));
    }

    /**
     * Prints the documents, nodes, latency and targets sections and returns what fails the soak: the deaths first.
     *
     * @param deaths            one problem per node that died
     * @param count             the index's document count, -1 when no node answered
     * @param unansweredPresent documents of requests without an answer that are in the index after all
     */
    List<String> print(List<String> deaths, List<NodeFigures> nodes, long count, long unansweredPresent) {
        SoakLedger ledger = results.ledger;
        List<String> problems = new ArrayList<>(deaths);
        long sent = ledger.sent.get();
        long indexed = ledger.indexed.get();
        long failed = ledger.failed.get();
        long expected = indexed + unansweredPresent;
        long lost = count < 0 ? indexed : Math.max(0, expected - count);
        long extra = count < 0 ? 0 : Math.max(0, count - expected);

        out.println();
        out.println("== documents");
        out.printf(Locale.ROOT, "  sent %d = indexed %d + failed %d%s%n", sent, indexed, failed, sent == indexed + failed ? "" : "  MISMATCH");
        out.printf(Locale.ROOT, "  malformed: sent %d, failed %d, indexed %d%n", ledger.malformedSent.get(), ledger.malformedFailed.get(),
                ledger.malformedIndexed.get());
        ledger.reasons().forEach((reason, n) -> out.printf(Locale.ROOT, "  failed %6d  %s%n", n, reason));
        out.printf(Locale.ROOT, "  unanswered (counted as failed) %d, of which in the index after all %d%n", ledger.unanswered.get(),
                unansweredPresent);
        out.printf(Locale.ROOT, "  index count %d (expected %d): lost %d, unexpected extra %d%n", count, expected, lost, extra);
        out.println("== nodes");
        out.printf(Locale.ROOT, "  deaths %d%n", deaths.size());
        for (NodeFigures n : nodes) {
            String afterReload = n.warmFloor() == null ? "" : String.format(Locale.ROOT, ", lowest after the 1st reload %s (%s to the end)",
                    mib(n.warmFloor()), growth(n.warmFloor(), n.end().rss()));
            out.printf(Locale.ROOT, "  %-16s pid %-7d heap after GC %s -> %s   RSS %s -> %s (%s)%s   longest unreachable %.0fs%n",
                    n.name(), n.pid(), mib(n.start().heapAfterGc()), mib(n.end().heapAfterGc()), mib(n.start().rss()), mib(n.end().rss()),
                    growth(n.start().rss(), n.end().rss()), afterReload, n.longestUnreachableSeconds());
        }
        out.println("== latency");
        out.println("  bulk (" + ledger.sent.get() / Math.max(1, results.bulk.count()) + " docs)      " + results.bulk.summary());
        out.println("  _project          " + results.project.summary());
        out.println("  _reload           " + results.reloads.get() + " done");
        out.println("  plain index idle  " + results.idleIndex.summary());
        out.println("  plain search idle " + results.idleSearch.summary());
        out.println("  plain index load  " + results.plainIndex.summary());
        out.println("  plain search load " + results.plainSearch.summary());
        results.otherFailures().forEach((reason, n) -> out.printf(Locale.ROOT, "  request failed %5d  %s%n", n, reason));
        out.println("== targets");
        target("0 lost documents", lost == 0);
        target("0 node deaths", deaths.isEmpty());
        target("plain index median under " + PLAIN_MEDIAN_TARGET + " s during the load",
                results.plainIndex.quantile(0.5) < PLAIN_MEDIAN_TARGET);
        target("plain search median under " + PLAIN_MEDIAN_TARGET + " s during the load",
                results.plainSearch.quantile(0.5) < PLAIN_MEDIAN_TARGET);
        for (NodeFigures n : nodes) {
            long s = n.start().rss();
            long e = n.end().rss();
            target("RSS growth under 10 % on " + n.name(), s > 0 && e > 0 && (e - s) < RSS_GROWTH_TARGET * s);
        }
        // warm-up: the first inferences and the first reload, which held two copies of the model at once
        for (NodeFigures n : nodes) {
            if (n.warmFloor() != null) {
                long w = n.warmFloor();
                long e = n.end().rss();
                target("RSS growth under 10 % after warm-up (from the lowest RSS after the 1st reload) on " + n.name(),
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
        return problems;
    }

    /** Prints {@code SOAK PASSED}, or {@code SOAK FAILED: } and the problems; true when there were none. */
    boolean verdict(List<String> problems) {
        out.println(problems.isEmpty() ? "SOAK PASSED" : "SOAK FAILED: " + String.join("; ", problems));
        return problems.isEmpty();
    }

    private void target(String what, boolean met) {
        out.printf(Locale.ROOT, "  %-4s %s%n", met ? "MET" : "MISS", what);
    }

    static String mib(long bytes) {
        return bytes < 0 || bytes == Long.MAX_VALUE ? "n/a" : (bytes >> 20) + " MiB";
    }

    static String mibs(List<Long> bytes) {
        return String.join(", ", bytes.stream().map(SoakReport::mib).toList());
    }

    static String growth(long start, long end) {
        return start > 0 && end > 0 ? String.format(Locale.ROOT, "%+.1f %%", 100.0 * (end - start) / start) : "n/a";
    }
}
