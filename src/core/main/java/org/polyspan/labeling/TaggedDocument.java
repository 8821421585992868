package org.polyspan.labeling;

import java.util.ArrayList;
import java.util.List;

/** The decoded tags of one document under one head, and the spans they form. */
public record TaggedDocument(Document document, TagHead head, int[] tags, float[] tagProbabilities) {

    public List<String> tagNames() {
        List<String> names = new ArrayList<>(tags.length);
        for (int t : tags) {
            names.add(head.labels().tag(t));
        }
        return names;
    }

    /** Spans read off the tags by {@link TagChunker}; a span's score is the mean probability of its words' tags. */
    public List<Span> spans() {
        List<Word> words = document.words();
        List<Span> spans = new ArrayList<>();
        for (TagChunker.Chunk c : TagChunker.chunks(tagNames())) {
            double sum = 0;
            for (int k = c.start(); k < c.end(); k++) {
                sum += tagProbabilities[k];
            }
            int start = words.get(c.start()).start();
            int end = words.get(c.end() - 1).end();
            spans.add(new Span(c.type(), document.text().substring(start, end), start, end, sum / (c.end() - c.start()), head.name()));
        }
        return spans;
    }
}
