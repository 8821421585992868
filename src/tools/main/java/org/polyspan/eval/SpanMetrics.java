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
                add(c, perSentence.get(random.nextInt(perSentence.size())));
            }
            f1s[r] = c.f1();
        }
        Arrays.sort(f1s);
        double tail = (1 - level) / 2;
        int lo = (int) Math.floor(tail * (reps - 1));
        int hi = (int) Math.ceil((1 - tail) * (reps - 1));
        return new double[] {f1s[lo], f1s[hi]};
    }

    /**
     * A paired bootstrap of two taggers scored on the same sentences, in the same order: each of {@code reps} resamples
     * draws sentences with replacement and scores both on them, so that what the sentences share cancels out.
     *
     * @return {share of resamples in which {@code b}'s F1 is higher than {@code a}'s, then the bounds holding the central
     *     {@code level} of the resampled differences b − a}
     */
    public static double[] pairedF1Difference(SpanMetrics a, SpanMetrics b, int reps, double level, long seed) {
        if (a.perSentence.size() != b.perSentence.size()) {
            throw new IllegalArgumentException("a paired bootstrap needs the same sentences: " + a.perSentence.size() + " against "
                    + b.perSentence.size());
        }
        int n = a.perSentence.size();
        if (n == 0 || reps < 1) {
            double d = b.f1() - a.f1();
            return new double[] {d > 0 ? 1 : 0, d, d};
        }
        Random random = new Random(seed);
        double[] differences = new double[reps];
        int wins = 0;
        for (int r = 0; r < reps; r++) {
            MatchCounts ca = new MatchCounts();
            MatchCounts cb = new MatchCounts();
            for (int i = 0; i < n; i++) {
                int k = random.nextInt(n);
                add(ca, a.perSentence.get(k));
                add(cb, b.perSentence.get(k));
            }
            differences[r] = cb.f1() - ca.f1();
            wins += differences[r] > 0 ? 1 : 0;
        }
        Arrays.sort(differences);
        double tail = (1 - level) / 2;
        return new double[] {(double) wins / reps, differences[(int) Math.floor(tail * (reps - 1))],
                differences[(int) Math.ceil((1 - tail) * (reps - 1))]};
    }

    private static void add(MatchCounts c, int[] sentence) {
        c.truePositives += sentence[0];
        c.predicted += sentence[1];
        c.gold += sentence[2];
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
