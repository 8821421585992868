package org.polyspan.projection;

import org.polyspan.labeling.Document;
import org.polyspan.seq2seq.TProjectionGenerator;

import java.util.ArrayList;
import java.util.List;

/**
 * Target ranges proposed by a T-Projection text-to-text generator, per source span. As in T-Projection, the candidates
 * of a span are every range generated for any slot of its label in any returned output (the generator's candidates are
 * pooled per label class), and the encoder scorer then ranks them. Spans are offered up to the n-gram length bound of
 * the pair's longest source span.
 */
public final class GeneratedCandidates {
    private final TProjectionGenerator generator;
    private final SpanScorer.Params params;

    public GeneratedCandidates(TProjectionGenerator generator, SpanScorer.Params params) {
        this.generator = generator;
        this.params = params;
    }

    /** Per source span, the target word ranges {@code [start, end)} generated for its label (possibly none). */
    public List<List<int[]>> propose(Document target, List<WordSpan> spans) {
        List<List<int[]>> out = new ArrayList<>(spans.size());
        if (spans.isEmpty()) {
            return out;
        }
        List<String> labels = new ArrayList<>(spans.size());
        int maxWords = 1;
        for (WordSpan s : spans) {
            labels.add(s.label());
            maxWords = Math.max(maxWords, params.maxLength(s.length()));
        }
        TProjectionGenerator.Run run = generator.run(target, labels, maxWords);
        for (WordSpan s : spans) {
            List<int[]> ranges = new ArrayList<>();
            if (run != null) {
                for (TProjectionGenerator.Generated g : run.spans()) {
                    if (g.label().equals(s.label())) {
                        ranges.add(new int[] {g.start(), g.end()});
                    }
                }
            }
            out.add(ranges);
        }
        return out;
    }
}
