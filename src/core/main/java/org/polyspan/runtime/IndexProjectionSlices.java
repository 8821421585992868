package org.polyspan.runtime;

import org.polyspan.projection.ProjectionOptions;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a {@code _project/index} job is split, as {@code _reindex} splits with {@code slices}: the source is read with a
 * sliced scroll, and each slice runs as a child task on a node that has every model the job needs. {@code auto} gives
 * one slice per such node. Slicing by the documents' ids is deterministic for a given number of slices, so a re-run
 * with the same number (and {@code resume}, the default) takes up each slice where it stopped.
 */
public final class IndexProjectionSlices {
    /** Requested as {@code slices=auto}. */
    public static final int AUTO = 0;
    public static final int MAX = 64;

    private IndexProjectionSlices() {}

    /** The {@code slices} parameter: absent or {@code 1} runs one task; {@code auto} or 2 to {@link #MAX} slices. */
    public static int parse(String value) throws BadRequest {
        if (value == null || value.isEmpty()) {
            return 1;
        }
        if (value.equals("auto")) {
            return AUTO;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= MAX) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new BadRequest("slices", "must be auto or a number from 1 to " + MAX + ", got [" + value + "]");
    }

    /** The models a node must have to run a slice of a job with these options. */
    public static Set<String> requiredModels(ProjectionOptions options) {
        Set<String> ids = new LinkedHashSet<>();
        if (options.scorer() == ProjectionOptions.Scorer.NMT) {
            ids.add(options.nmtModel());
        } else {
            ids.add(options.model());
            if (options.candidates().generated()) {
                ids.add(options.generatorModel());
            }
        }
        if (options.translator() != null && !options.translator().equals(ProjectionOptions.APERTIUM)) {
            ids.add(options.translator());
        }
        ids.remove(null);
        return ids;
    }

    /**
     * The nodes, in the order given, whose answer to the models API ({@code describe}: a {@code models} list of objects
     * with an {@code id}) lists every required model.
     */
    public static List<String> eligibleNodes(Map<String, Map<String, Object>> describedByNode, Set<String> required) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Map<String, Object>> node : describedByNode.entrySet()) {
            Set<String> has = new LinkedHashSet<>();
            if (node.getValue().get("models") instanceof List<?> models) {
                for (Object m : models) {
                    if (m instanceof Map<?, ?> model && model.get("id") instanceof String id && model.get("error") == null) {
                        has.add(id);
                    }
                }
            }
            if (has.containsAll(required)) {
                out.add(node.getKey());
            }
        }
        return out;
    }

    /**
     * The node of each slice: {@code requested} slices ({@link #AUTO}: one per eligible node) dealt round-robin over
     * the eligible nodes, the coordinating node first when it is one of them.
     *
     * @throws BadRequest when no node has the models
     */
    public static List<String> assign(int requested, List<String> eligible, String localNode, Set<String> required) throws BadRequest {
        if (eligible.isEmpty()) {
            throw new BadRequest("slices", "no node of the cluster has every model the job needs " + required
                    + ": install them in each node's models directory");
        }
        List<String> order = new ArrayList<>(eligible);
        if (order.remove(localNode)) {
            order.add(0, localNode);
        }
        int count = requested == AUTO ? order.size() : requested;
        List<String> nodes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            nodes.add(order.get(i % order.size()));
        }
        return nodes;
    }
}
