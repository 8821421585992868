package org.polyspan.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parent task of a sliced {@code _project/index} job, as the tasks API shows it: the totals of the slices that
 * have finished, and each slice's node and state ({@code running}, {@code completed}, {@code cancelled} or
 * {@code failed} with its reason). A running slice's own counters are its child task's status
 * ({@code GET _tasks?parent_task_id=<parent>&detailed}). Thread-safe.
 */
public final class SlicedProjectionProgress {
    private static final List<String> COUNTERS = List.of("total", "processed", "projected", "skipped", "failed", "spans_projected",
            "spans_unprojected", "batches", "source_encodings", "target_encodings");

    private final String[] nodes;
    private final String[] states;
    private final String[] reasons;
    private final Map<String, Object>[] finished;
    private int answered;

    @SuppressWarnings("unchecked")
    public SlicedProjectionProgress(List<String> nodes) {
        this.nodes = nodes.toArray(String[]::new);
        this.states = new String[nodes.size()];
        java.util.Arrays.fill(states, "running");
        this.reasons = new String[nodes.size()];
        this.finished = new Map[nodes.size()];
    }

    public int slices() {
        return nodes.length;
    }

    /**
     * Slice {@code slice} answered: its fields (a job's counters) and, when it stopped early, why.
     *
     * @return whether it was the last slice to answer
     */
    public synchronized boolean finished(int slice, Map<String, Object> fields, String cancelled) {
        finished[slice] = fields;
        states[slice] = cancelled == null ? "completed" : "cancelled";
        reasons[slice] = cancelled;
        return ++answered == nodes.length;
    }

    /**
     * Slice {@code slice} failed as a whole (its node left, or it could not start): nothing of it is counted.
     *
     * @return whether it was the last slice to answer
     */
    public synchronized boolean failed(int slice, String reason) {
        states[slice] = "failed";
        reasons[slice] = reason;
        return ++answered == nodes.length;
    }

    /** Why a slice failed: its node left the cluster (a re-run completes the slice elsewhere), or another reason. */
    public static String failure(String nodeName, boolean nodeLeft, String message) {
        if (nodeLeft) {
            return "node [" + nodeName + "] left the cluster during the slice; run the job again to complete it (resume is on by "
                    + "default, so nothing is written twice)";
        }
        return "slice failed on node [" + nodeName + "]: " + message;
    }

    public synchronized boolean anyFailed() {
        return java.util.Arrays.asList(states).contains("failed");
    }

    /** Totals over the finished slices, then {@code slices}: one object per slice. */
    public synchronized Map<String, Object> fields() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String counter : COUNTERS) {
            long sum = 0;
            for (Map<String, Object> f : finished) {
                if (f != null && f.get(counter) instanceof Number n) {
                    sum += n.longValue();
                }
            }
            m.put(counter, sum);
        }
        List<Object> failures = new ArrayList<>();
        for (Map<String, Object> f : finished) {
            if (f != null && f.get("failures") instanceof List<?> l) {
                for (Object o : l) {
                    if (failures.size() < IndexProjectionProgress.MAX_LISTED) {
                        failures.add(o);
                    }
                }
            }
        }
        m.put("failures", failures);
        List<Object> slices = new ArrayList<>();
        for (int i = 0; i < nodes.length; i++) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("slice_id", i);
            s.put("node", nodes[i]);
            s.put("state", states[i]);
            if (reasons[i] != null) {
                s.put("reason", reasons[i]);
            }
            if (finished[i] != null) {
                for (String counter : COUNTERS) {
                    s.put(counter, finished[i].get(counter));
                }
            }
            slices.add(s);
        }
        m.put("slices", slices);
        return m;
    }
}
