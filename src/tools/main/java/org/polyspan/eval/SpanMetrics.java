package org.polyspan.eval;

import org.polyspan.core.TagChunker;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Entity-level micro precision, recall and F1 over exact spans, read by {@link TagChunker} (seqeval's default
 * semantics: a stray {@code I-} starts an entity).
 */
public final class SpanMetrics {
    private final MatchCounts counts = new MatchCounts();
    private final Map<String, long[]> perType = new TreeMap<>();

    public void add(List<String> goldTags, List<String> predictedTags) {
        Set<TagChunker.Chunk> g = new HashSet<>(TagChunker.chunks(goldTags));
        List<TagChunker.Chunk> p = TagChunker.chunks(predictedTags);
        counts.gold += g.size();
        counts.predicted += p.size();
        for (TagChunker.Chunk c : g) {
            perType.computeIfAbsent(c.type(), k -> new long[3])[1]++;
        }
        for (TagChunker.Chunk c : p) {
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
