package org.polyspan.projection;

import org.polyspan.labeling.Document;
import org.polyspan.translation.NmtScorer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs parsed {@link ProjectionRequest}s: encodes every distinct sentence once, projects, and builds the answers. Several
 * requests can be projected together ({@link #runAll}, e.g. one source text projected onto several target languages):
 * their distinct texts share one encoder call, so a source text that several pairs share is encoded once, and the
 * encoder batches all the call's texts by length ({@link WordVectors#encode}); the answers come back in request and
 * pair order.
 */
public final class ProjectionService {
    private ProjectionService() {}

    /**
     * What one projection call ran through the encoder: the distinct source texts, and the distinct target texts that
     * were not also a source text (identical texts are encoded once).
     */
    public record Encodings(long sources, long targets) {
        public static final Encodings NONE = new Encodings(0, 0);

        public Encodings plus(Encodings other) {
            return new Encodings(sources + other.sources, targets + other.targets);
        }
    }

    /** The answers of several requests, per request in the order given, and what their projection encoded. */
    public record Outcome(List<List<Map<String, Object>>> answers, Encodings encodings) {}

    public static List<Map<String, Object>> run(ProjectionRequest request, WordVectors vectors, Projector projector) {
        return run(request, vectors, projector, null);
    }

    /**
     * @param generated the text-to-text generator for {@code candidates} other than {@code ngrams}; null for n-grams
     */
    public static List<Map<String, Object>> run(ProjectionRequest request, WordVectors vectors, Projector projector,
                                                GeneratedCandidates generated) {
        return runAll(List.of(request), vectors, projector, generated).answers().get(0);
    }

    /**
     * Projects several requests with the same word vectors and projector, each with its own options for answers
     * ({@code explain}, {@code top_k}, {@code candidates}). Every distinct text of all the requests is encoded once, in
     * one call.
     *
     * @param generated the text-to-text generator for {@code candidates} other than {@code ngrams}; null for n-grams
     */
    public static Outcome runAll(List<ProjectionRequest> requests, WordVectors vectors, Projector projector,
                                 GeneratedCandidates generated) {
        for (ProjectionRequest request : requests) {
            if (request.options().candidates().generated() && generated == null) {
                throw new IllegalArgumentException("candidates [" + request.options().candidates().value() + "] need a generator");
            }
        }
        // each pair's source, then its target, as far as not already there
        Map<Document, Integer> distinct = new LinkedHashMap<>();
        java.util.Set<Document> sources = new java.util.HashSet<>();
        for (ProjectionRequest request : requests) {
            for (ProjectionRequest.Pair p : request.pairs()) {
                distinct.putIfAbsent(p.source(), distinct.size());
                distinct.putIfAbsent(p.target(), distinct.size());
                sources.add(p.source());
            }
        }
        List<float[][]> encoded = vectors.encode(new ArrayList<>(distinct.keySet()));
        List<List<Map<String, Object>>> answers = new ArrayList<>(requests.size());
        for (ProjectionRequest request : requests) {
            ProjectionOptions options = request.options();
            List<Map<String, Object>> out = new ArrayList<>(request.pairs().size());
            for (ProjectionRequest.Pair p : request.pairs()) {
                List<List<int[]>> proposed = options.candidates().generated() ? generated.propose(p.target(), p.spans()) : null;
                Projector.Result r = projector.project(encoded.get(distinct.get(p.source())), p.spans(),
                        encoded.get(distinct.get(p.target())), options.topK(), proposed,
                        options.candidates() == ProjectionOptions.Candidates.SEQ2SEQ_NGRAMS);
                out.add(answer(p, r, options.explain()));
            }
            answers.add(out);
        }
        return new Outcome(answers, new Encodings(sources.size(), distinct.size() - sources.size()));
    }

    /**
     * {@code tproj} with the NMT scorer: the target n-grams of each pair scored by translation probability, then the
     * same global selection. As in T-Projection every span takes its best free candidate (threshold 0: scores are
     * positive), so only a lack of room leaves a span unprojected.
     */
    public static List<Map<String, Object>> runNmt(ProjectionRequest request, NmtScorer scorer) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ProjectionRequest.Pair p : request.pairs()) {
            List<List<Candidate>> candidates = NmtCandidates.score(scorer, p.source(), p.spans(), p.target(), SpanScorer.Params.DEFAULT);
            Projector.Result r = Projector.select(p.spans(), candidates, p.target().words().size(), 0.0, request.options().topK());
            out.add(answer(p, r, request.options().explain()));
        }
        return out;
    }

    static Map<String, Object> answer(ProjectionRequest.Pair p, Projector.Result r, boolean explain) {
        Document tgt = p.target();
        Map<String, Object> pair = new LinkedHashMap<>();
        if (p.translatedBy() != null) {
            Map<String, Object> target = new LinkedHashMap<>();
            if (p.targetTokens()) {
                List<String> tokens = new ArrayList<>();
                for (var w : tgt.words()) {
                    tokens.add(tgt.text().substring(w.start(), w.end()));
                }
                target.put("tokens", tokens);
            } else {
                target.put("text", tgt.text());
            }
            target.put("translated_by", p.translatedBy());
            pair.put("target", target);
        }
        List<Map<String, Object>> spans = new ArrayList<>();
        for (Projector.Projection pr : r.projections()) {
            Map<String, Object> s = span(tgt, pr.start(), pr.end(), pr.score(), p.targetTokens());
            Map<String, Object> labelled = new LinkedHashMap<>();
            labelled.put("label", pr.label());
            labelled.putAll(s);
            labelled.put("source_index", pr.sourceIndex());
            if (explain) {
                List<Map<String, Object>> alternatives = new ArrayList<>();
                for (Candidate c : pr.alternatives()) {
                    alternatives.add(span(tgt, c.start(), c.end(), c.score(), p.targetTokens()));
                }
                labelled.put("alternatives", alternatives);
            }
            spans.add(labelled);
        }
        pair.put("spans", spans);
        if (p.targetTokens()) {
            pair.put("tags", SpanConversions.toTags(tgt.words().size(), r.projections()));
        }
        List<Map<String, Object>> unprojected = new ArrayList<>();
        for (int s : r.unprojected()) {
            WordSpan ws = p.spans().get(s);
            int[] range = SpanConversions.charRange(p.source(), ws.start(), ws.end());
            Map<String, Object> u = new LinkedHashMap<>();
            u.put("source_index", s);
            u.put("label", ws.label());
            u.put("text", p.source().text().substring(range[0], range[1]));
            unprojected.add(u);
        }
        pair.put("unprojected", unprojected);
        return pair;
    }

    /** Text and offsets of a target word range: UTF-16 offsets, or token indices {@code [start, end)} for token input. */
    private static Map<String, Object> span(Document tgt, int start, int end, double score, boolean tokens) {
        int[] range = SpanConversions.charRange(tgt, start, end);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("text", tgt.text().substring(range[0], range[1]));
        s.put("start", tokens ? start : range[0]);
        s.put("end", tokens ? end : range[1]);
        s.put("score", Math.round(score * 1e4) / 1e4);
        return s;
    }
}
