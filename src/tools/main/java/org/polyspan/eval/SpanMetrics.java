package org.polyspan.eval;

import org.polyspan.labeling.TagChunker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Entity-level micro precision, recall and F1 over exact spans, read by {@link TagChunker} (seqeval's default
 * semantics: a stray {@code I-} starts an entity).
 */
public final class SpanMetrics {
    private final MatchCounts counts = new MatchCounts();
    private final Map<String, long[]> perType = new TreeMap<>();
    /** Per sentence added: {true positives, predicted, gold}, for the bootstrap. */
    private final List<int[]> perSentence = new ArrayList<>();

    public void add(List<String> goldTags, List<String> predictedTags) {
        Set<TagChunker.Chunk> g = new HashSet<>(TagChunker.chunks(goldTags));
        List<TagChunker.Chunk> p = TagChunker.chunks(predictedTags);
        counts.gold += g.size();
        counts.predicted += p.size();
        int[] sentence = {0, p.size(), g.size()};
        perSentence.add(sentence);
        for (TagChunker.Chunk c : g) {
            perType.computeIfAbsent(c.type(), k -> new long[3])[1]++;
        }
        for (TagChunker.Chunk c : p) {
            long[] t = perType.computeIfAbsent(c.type(), k -> new long[3]);
            t[2]++;
            if (g.contains(c)) {
                counts.truePositives++;
                sentence[0]++;
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

    /**
     * A percentile bootstrap interval of F1 over the sentences added: {@code reps} resamples of as many sentences,
     * drawn with replacement. It shows how far a figure may move on another sample of the same kind of text, which is
     * what a target a few thousandths away needs.
     *
     * @return {low, high} bounds holding the central {@code level} (e.g. 0.95) of the resampled F1 values
     */
    public double[] f1Interval(int reps, double level, long seed) {
        if (perSentence.isEmpty() || reps < 1) {
            return new double[] {f1(), f1()};
        }
        Random random = new Random(seed);
        double[] f1s = new double[reps];
        for (int r = 0; r < reps; r++) {
            MatchCounts c = new MatchCounts();
            for (int i = 0; i < perSentence.size(); i++) {
                int[] s = perSentence.get(random.nextInt(perSentence.size()));
                c.truePositives += s[0];
                c.predicted += s[1];
                c.gold += s[2];
            }
            f1s[r] = c.f1();
        }
        Arrays.sort(f1s);
        double tail = (1 - level) / 2;
        int lo = (int) Math.floor(tail * (reps - 1));
        int hi = (int) Math.ceil((1 - tail) * (reps - 1));
        return new double[] {f1s[lo], f1s[hi]};
    }

    public void addAll(SpanMetrics other) {
        counts.addAll(other.counts);
        perSentence.addAll(other.perSentence);
        other.perType.forEach((k, v) -> {
            long[] t = perType.computeIfAbsent(k, x -> new long[3]);
            for (int i = 0; i < 3; i++) {
                t[i] += v[i];
            }
        });
    }
}
