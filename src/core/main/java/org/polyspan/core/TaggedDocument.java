package org.polyspan.core;

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

    /** Spans read off the IOB2 tags; a span's score is the mean probability of its words' tags. */
    public List<Span> spans() {
        BioLabels labels = head.labels();
        List<Word> words = document.words();
        List<Span> spans = new ArrayList<>();
        int i = 0;
        while (i < tags.length) {
            if (!labels.isBegin(tags[i])) {
                i++;
                continue;
            }
            String type = labels.entityOf(tags[i]);
            int j = i + 1;
            while (j < tags.length && labels.isInside(tags[j]) && type.equals(labels.entityOf(tags[j]))) {
                j++;
            }
            double sum = 0;
            for (int k = i; k < j; k++) {
                sum += tagProbabilities[k];
            }
            int start = words.get(i).start();
            int end = words.get(j - 1).end();
            spans.add(new Span(type, document.text().substring(start, end), start, end, sum / (j - i), head.name()));
            i = j;
        }
        return spans;
    }
}
