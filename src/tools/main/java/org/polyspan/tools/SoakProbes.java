package org.polyspan.tools;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the soak measures on its nodes besides requests: whether each still answers as the same process, its heap
 * after GC and resident memory, the range of resident memory between two reloads (and the floor after the first
 * reload, the nodes' size once warmed up), and the deaths at the end.
 */
final class SoakProbes {
    /** One node's memory at one time, in bytes: heap after GC ({@code Long.MAX_VALUE} when unknown) and resident ({@code -1}: unknown). */
    record Memory(long heapAfterGc, long rss) {}

    /** Each node's resident memory after a reload, and its lowest and highest since the previous reload. */
    record ReloadMemory(List<Long> now, List<Long> lows, List<Long> highs) {}

    private final List<SoakNode> nodes;
    private final RssRange rssRange;
    /** Each node's lowest resident memory between the first and the second reload: its size once warmed up, or null. */
    private volatile List<Long> rssFloorAfterFirstReload;

    SoakProbes(List<SoakNode> nodes) {
        this.nodes = nodes;
        this.rssRange = new RssRange(nodes);
    }

    /** Asks every node whether it still answers as the same process (each node keeps how long it did not). */
    void probeAll() {
        nodes.forEach(SoakNode::probe);
    }

    /** Samples every node's resident memory into the range of the current reload period. */
    void sampleRss() {
        rssRange.sample();
    }

    /** Each node's resident memory now. */
    List<Long> rss() {
        return nodes.stream().map(SoakNode::rss).toList();
    }

    /**
     * Closes the reload period: each node's lowest and highest resident memory since the previous reload, and now. After
     * reload {@code n} = 2 the lows are kept as the floor after warm-up.
     */
    ReloadMemory reloaded(long n) {
        List<Long> lows = rssRange.lows();
        List<Long> highs = rssRange.highs();
        rssRange.reset();
        if (n == 2) {
            rssFloorAfterFirstReload = lows;
        }
        return new ReloadMemory(rss(), lows, highs);
    }

    /** Each node's lowest resident memory between the first and the second reload, or null before the second. */
    List<Long> warmFloor() {
        return rssFloorAfterFirstReload;
    }

    /** Per node: heap after GC (the lowest heap use over 5 s of samples) and resident memory. */
    List<Memory> memory() throws InterruptedException {
        long[] heap = new long[nodes.size()];
        Arrays.fill(heap, Long.MAX_VALUE);
        for (int i = 0; i < 10; i++) {
            for (int k = 0; k < nodes.size(); k++) {
                try {
                    heap[k] = Math.min(heap[k], nodes.get(k).heapUsed());
                } catch (IOException | RuntimeException e) {
                    // a node that does not answer has no heap figure; its death is reported separately
                }
            }
            Thread.sleep(500);
        }
        List<Memory> memory = new ArrayList<>();
        for (int k = 0; k < nodes.size(); k++) {
            memory.add(new Memory(heap[k], nodes.get(k).rss()));
        }
        return memory;
    }

    /**
     * The nodes that died, each as a problem for the report: a node that no longer answers as the same process (after
     * 30 s of grace) or that left a JVM crash file.
     */
    List<String> deaths() throws InterruptedException {
        List<String> deaths = new ArrayList<>();
        for (SoakNode n : nodes) {
            boolean up = false;
            for (int i = 0; i < 15 && !(up = n.probe()); i++) {
                Thread.sleep(2000);
            }
            List<String> crashes = n.newCrashFiles();
            if (!up || !crashes.isEmpty()) {
                deaths.add("node " + n.name + " died" + (up ? "" : " (no answer)") + (crashes.isEmpty() ? "" : " crash files " + crashes));
            }
        }
        return deaths;
    }

    /** The first node that answers as the same process, or null. */
    SoakNode firstAlive() {
        return nodes.stream().filter(SoakNode::probe).findFirst().orElse(null);
    }

    /** Each node's figures for the report, from its memory at the start and the end of the load. */
    List<SoakReport.NodeFigures> figures(List<Memory> start, List<Memory> end) {
        List<Long> warm = rssFloorAfterFirstReload;
        List<SoakReport.NodeFigures> figures = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            SoakNode n = nodes.get(i);
            figures.add(new SoakReport.NodeFigures(n.name, n.pid, start.get(i), end.get(i), warm == null ? null : warm.get(i),
                    n.longestUnreachableSeconds()));
        }
        return figures;
    }
}
