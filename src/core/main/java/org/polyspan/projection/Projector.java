package org.polyspan.projection;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Projects labelled source spans onto a target sentence, given contextual word vectors for both sides (unit norm per
 * layer block, see {@link WordVectors}).
 * <ul>
 *   <li>{@link Method#TPROJ}: every target n-gram is a candidate ({@link SpanScorer}), or the ranges a text-to-text
 *       generator proposed (optionally with the n-grams); one candidate per source span, no overlaps, maximal total
 *       score ({@link GlobalSelector}).</li>
 *   <li>{@link Method#ALIGN}: SimAlign word alignment; a span goes to the smallest target range covering the words
 *       aligned to it (gaps filled); overlapping projections are resolved by the same global selection.</li>
 * </ul>
 */
public final class Projector {
    public enum Method { TPROJ, ALIGN }

    /** One projected span, in target words. {@code alternatives} are the best candidates (the chosen one included). */
    public record Projection(int sourceIndex, String label, int start, int end, double score, List<Candidate> alternatives) {}

    /** @param unprojected indices of the source spans that have no projection */
    public record Result(List<Projection> projections, List<Integer> unprojected) {}

    private final Method method;
    private final SpanScorer.Params params;
    private final WordAligner.Mode alignMode;
    private final double threshold;

    public Projector(Method method, SpanScorer.Params params, WordAligner.Mode alignMode, double threshold) {
        this.method = method;
        this.params = params;
        this.alignMode = alignMode;
        this.threshold = threshold;
    }

    public static Projector defaults(Method method) {
        return new Projector(method, SpanScorer.Params.DEFAULT, WordAligner.Mode.ITERMAX, method == Method.TPROJ ? 0.05 : 0.0);
    }

    public Method method() {
        return method;
    }

    /**
     * @param topK number of alternatives to keep per span (0 for none)
     */
    public Result project(float[][] source, List<WordSpan> spans, float[][] target, int topK) {
        return project(source, spans, target, topK, null, false);
    }

    /**
     * As {@link #project(float[][], List, float[][], int)}, with candidates proposed from elsewhere ({@link Method#TPROJ}
     * only): each proposed target range is scored like an n-gram and goes through the same global selection.
     *
     * @param proposed   per source span, target word ranges {@code [start, end)} (e.g. from a text-to-text generator);
     *                   null for n-grams only
     * @param withNgrams with {@code proposed}, also offer every n-gram (the union of both)
     */
    public Result project(float[][] source, List<WordSpan> spans, float[][] target, int topK, List<List<int[]>> proposed,
                          boolean withNgrams) {
        if (proposed != null && (method != Method.TPROJ || proposed.size() != spans.size())) {
            throw new IllegalArgumentException("proposed candidates need method tproj and one list per source span");
        }
        List<Projection> out = new ArrayList<>();
        List<Integer> unprojected = new ArrayList<>();
        if (spans.isEmpty()) {
            return new Result(out, unprojected);
        }
        if (target.length == 0) {
            for (int s = 0; s < spans.size(); s++) {
                unprojected.add(s);
            }
            return new Result(out, unprojected);
        }
        for (WordSpan s : spans) {
            if (s.end() > source.length) {
                throw new IllegalArgumentException("span " + s + " outside the " + source.length + " source words");
            }
        }
        float[][] sim = WordAligner.similarity(source, target);
        List<List<Candidate>> candidates = method == Method.TPROJ ? scored(source, target, sim, spans, proposed, withNgrams)
                : aligned(sim, spans);
        return select(spans, candidates, target.length, threshold, topK);
    }

    /**
     * The global selection over candidates scored elsewhere (e.g. by translation probability): one candidate per span,
     * no overlaps, maximal total of {@code score - threshold}.
     */
    public static Result select(List<WordSpan> spans, List<List<Candidate>> candidates, int targetLength, double threshold, int topK) {
        List<Projection> out = new ArrayList<>();
        List<Integer> unprojected = new ArrayList<>();
        Candidate[] chosen = GlobalSelector.select(candidates, targetLength, threshold);
        for (int s = 0; s < spans.size(); s++) {
            Candidate c = chosen[s];
            if (c == null) {
                unprojected.add(s);
                continue;
            }
            List<Candidate> alternatives = List.of();
            if (topK > 0) {
                List<Candidate> sorted = new ArrayList<>(candidates.get(s));
                sorted.sort(GlobalSelector.byScoreDescending());
                alternatives = List.copyOf(sorted.subList(0, Math.min(topK, sorted.size())));
            }
            out.add(new Projection(s, spans.get(s).label(), c.start(), c.end(), c.score(), alternatives));
        }
        out.sort((a, b) -> Integer.compare(a.start(), b.start()));
        return new Result(out, Collections.unmodifiableList(unprojected));
    }

    private List<List<Candidate>> scored(float[][] source, float[][] target, float[][] sim, List<WordSpan> spans,
                                         List<List<int[]>> proposed, boolean withNgrams) {
        SpanScorer scorer = new SpanScorer(source, target, sim, params);
        List<List<Candidate>> out = new ArrayList<>();
        for (int k = 0; k < spans.size(); k++) {
            WordSpan s = spans.get(k);
            if (proposed == null) {
                out.add(scorer.candidates(s));
                continue;
            }
            // one candidate per distinct range: a range proposed twice, or also an n-gram, is offered once
            java.util.Map<Long, Candidate> distinct = new java.util.LinkedHashMap<>();
            for (Candidate c : scorer.score(s, proposed.get(k))) {
                distinct.putIfAbsent(((long) c.start() << 32) | c.end(), c);
            }
            if (withNgrams) {
                for (Candidate c : scorer.candidates(s)) {
                    distinct.putIfAbsent(((long) c.start() << 32) | c.end(), c);
                }
            }
            out.add(new ArrayList<>(distinct.values()));
        }
        return out;
    }

    /** One candidate per span: the range covering its aligned target words, scored by the mean link similarity. */
    private List<List<Candidate>> aligned(float[][] sim, List<WordSpan> spans) {
        boolean[][] links = WordAligner.align(sim, alignMode);
        List<List<Candidate>> out = new ArrayList<>();
        for (WordSpan s : spans) {
            int lo = Integer.MAX_VALUE;
            int hi = -1;
            double sum = 0;
            int count = 0;
            for (int i = s.start(); i < s.end(); i++) {
                for (int j = 0; j < links[i].length; j++) {
                    if (links[i][j]) {
                        lo = Math.min(lo, j);
                        hi = Math.max(hi, j);
                        sum += sim[i][j];
                        count++;
                    }
                }
            }
            out.add(count == 0 ? List.of() : List.of(new Candidate(lo, hi + 1, sum / count)));
        }
        return out;
    }
}
