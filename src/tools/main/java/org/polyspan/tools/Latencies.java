package org.polyspan.tools;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Durations of one kind of request, recorded from several threads, summarised as percentiles. */
final class Latencies {
    private final List<Double> seconds = new ArrayList<>();

    synchronized void add(long startNanos) {
        seconds.add((System.nanoTime() - startNanos) / 1e9);
    }

    synchronized int count() {
        return seconds.size();
    }

    /** The q-quantile (0..1) by the nearest-rank method; NaN when nothing was recorded. */
    synchronized double quantile(double q) {
        if (seconds.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(seconds);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    /** {@code n=…  p50 …s  p99 …s  max …s}. */
    String summary() {
        return String.format(Locale.ROOT, "n=%d  p50 %.3fs  p99 %.3fs  max %.3fs", count(), quantile(0.5), quantile(0.99), quantile(1.0));
    }
}
