package org.polyspan.eval;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Entity-level micro precision, recall and F1 over exact spans (seqeval's default semantics on IOB2). */
public final class SpanMetrics {
    private final MatchCounts counts = new MatchCounts();
    private final Map<String, long[]> perType = new TreeMap<>();

    public record Chunk(String type, int start, int end) {}

    public static List<Chunk> chunks(List<String> tags) {
        List<Chunk> out = new ArrayList<>();
        int start = -1;
        String type = null;
        for (int i = 0; i <= tags.size(); i++) {
            String tag = i < tags.size() ? tags.get(i) : "O";
            boolean inside = tag.startsWith("I-") && type != null && tag.substring(2).equals(type);
            if (type != null && !inside) {
                out.add(new Chunk(type, start, i));
                type = null;
            }
            if (tag.startsWith("B-") || (tag.startsWith("I-") && type == null)) {
                type = tag.substring(2);
                start = i;
            }
        }
        return out;
    }

    public void add(List<String> goldTags, List<String> predictedTags) {
        Set<Chunk> g = new HashSet<>(chunks(goldTags));
        List<Chunk> p = chunks(predictedTags);
        counts.gold += g.size();
        counts.predicted += p.size();
        for (Chunk c : g) {
            perType.computeIfAbsent(c.type(), k -> new long[3])[1]++;
        }
        for (Chunk c : p) {
            long[] t = perType.computeIfAbsent(c.type(), k -> new long[3]);
            t[2]++;
            if (g.contains(c)) {
                counts.truePositives++;
                t[0]++;
            }
        }
    }

    public double precision() {
        return counts.precision();
    }

    public double recall() {
        return counts.recall();
    }

    public double f1() {
        return counts.f1();
    }

    public long goldCount() {
        return counts.gold;
    }

    /** Per type: {true positives, gold, predicted}. */
    public Map<String, long[]> perType() {
        return perType;
    }

    public void addAll(SpanMetrics other) {
        counts.addAll(other.counts);
        other.perType.forEach((k, v) -> {
            long[] t = perType.computeIfAbsent(k, x -> new long[3]);
            for (int i = 0; i < 3; i++) {
                t[i] += v[i];
            }
        });
    }
}
