package org.polyspan.tools;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The lowest and highest resident memory of each soak node between two reloads, sampled about once a second. The
 * lowest shows what a node keeps between reloads (its floor), the highest what a reload takes at its peak, when two
 * copies of the model are in memory.
 */
final class RssRange {
    private final List<SoakNode> nodes;
    private final long[] low;
    private final long[] high;

    RssRange(List<SoakNode> nodes) {
        this.nodes = nodes;
        this.low = new long[nodes.size()];
        this.high = new long[nodes.size()];
        reset();
    }

    synchronized void sample() {
        for (int i = 0; i < nodes.size(); i++) {
            long rss = nodes.get(i).rss();
            if (rss > 0) {
                low[i] = Math.min(low[i], rss);
                high[i] = Math.max(high[i], rss);
            }
        }
    }

    /** The lowest RSS of each node since the last {@link #reset} (-1 when none was sampled). */
    synchronized List<Long> lows() {
        List<Long> out = new ArrayList<>();
        for (long l : low) {
            out.add(l == Long.MAX_VALUE ? -1 : l);
        }
        return out;
    }

    /** The highest RSS of each node since the last {@link #reset} (-1 when none was sampled). */
    synchronized List<Long> highs() {
        List<Long> out = new ArrayList<>();
        for (long h : high) {
            out.add(h);
        }
        return out;
    }

    synchronized void reset() {
        Arrays.fill(low, Long.MAX_VALUE);
        Arrays.fill(high, -1);
    }
}
