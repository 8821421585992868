package org.polyspan.projection;

import org.polyspan.labeling.Document;
import org.polyspan.translation.NmtScorer;

import java.util.ArrayList;
import java.util.List;

/**
 * T-Projection's ranking by translation probability: the candidates of a source span are the same target word n-grams
 * as for the encoder scorer (up to {@link SpanScorer.Params#maxLength}), each scored by {@link NmtScorer} against the
 * span's text. Texts are the exact substrings with whitespace runs collapsed to one space, as T-Projection joins words.
 */
public final class NmtCandidates {
    private NmtCandidates() {}

    /** Per span, its candidates with their scores. */
    public static List<List<Candidate>> score(NmtScorer scorer, Document source, List<WordSpan> spans, Document target,
                                              SpanScorer.Params params) {
        int n = target.words().size();
        List<String> spanTexts = new ArrayList<>();
        List<List<Candidate>> ranges = new ArrayList<>();
        List<List<String>> texts = new ArrayList<>();
        for (WordSpan s : spans) {
            if (s.end() > source.words().size()) {
                throw new IllegalArgumentException("span " + s + " outside the " + source.words().size() + " source words");
            }
            spanTexts.add(text(source, s.start(), s.end()));
            int maxLen = Math.min(n, params.maxLength(s.length()));
            List<Candidate> cs = new ArrayList<>();
            List<String> ts = new ArrayList<>();
            for (int a = 0; a < n; a++) {
                for (int b = a + 1; b <= Math.min(n, a + maxLen); b++) {
                    cs.add(new Candidate(a, b, 0));
                    ts.add(text(target, a, b));
                }
            }
            ranges.add(cs);
            texts.add(ts);
        }
        double[][] scores = scorer.score(spanTexts, texts);
        List<List<Candidate>> out = new ArrayList<>();
        for (int s = 0; s < spans.size(); s++) {
            List<Candidate> cs = new ArrayList<>(ranges.get(s).size());
            for (int c = 0; c < ranges.get(s).size(); c++) {
                Candidate r = ranges.get(s).get(c);
                cs.add(new Candidate(r.start(), r.end(), scores[s][c]));
            }
            out.add(cs);
        }
        return out;
    }

    static String text(Document doc, int start, int end) {
        int[] range = SpanConversions.charRange(doc, start, end);
        return doc.text().substring(range[0], range[1]).strip().replaceAll("(?U)\\s+", " ");
    }
}
