package org.polyspan.projection;

import org.polyspan.core.Document;
import org.polyspan.core.Word;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Character spans and BIO tags to word spans and back, with input checks that name the offending field. */
public final class SpanConversions {
    /** A labelled character range {@code [start, end)} (UTF-16 offsets). */
    public record CharSpan(int start, int end, String label) {}

    private SpanConversions() {}

    /**
     * Maps character spans onto the words they touch. Spans must be in range, non-empty, non-overlapping and each must
     * cover at least one word; two spans may not share a word.
     *
     * @param field prefix for error messages, e.g. {@code source.spans}
     */
    public static List<WordSpan> toWordSpans(Document doc, List<CharSpan> spans, String field) {
        List<WordSpan> out = new ArrayList<>(spans.size());
        int length = doc.text().length();
        List<Word> words = doc.words();
        for (int k = 0; k < spans.size(); k++) {
            CharSpan s = spans.get(k);
            String f = field + "[" + k + "]";
            if (s.label() == null || s.label().isEmpty()) {
                throw new ProjectionInputException(f + ".label", "is missing");
            }
            if (s.start() < 0 || s.start() > length) {
                throw new ProjectionInputException(f + ".start", "start " + s.start() + " is outside the text (length " + length + ")");
            }
            if (s.end() < 0 || s.end() > length) {
                throw new ProjectionInputException(f + ".end", "end " + s.end() + " is outside the text (length " + length + ")");
            }
            if (s.end() <= s.start()) {
                throw new ProjectionInputException(f + ".end", "end " + s.end() + " is not after start " + s.start());
            }
            int first = -1;
            int last = -1;
            for (int w = 0; w < words.size(); w++) {
                Word word = words.get(w);
                if (word.start() < s.end() && s.start() < word.end()) {
                    if (first < 0) {
                        first = w;
                    }
                    last = w;
                }
            }
            if (first < 0) {
                throw new ProjectionInputException(f, "covers no word (only spaces)");
            }
            if (!out.isEmpty() && out.get(out.size() - 1).end() > first || k > 0 && spans.get(k - 1).end() > s.start()) {
                throw new ProjectionInputException(f, "overlaps the previous span or is out of order (spans must be sorted and disjoint)");
            }
            out.add(new WordSpan(first, last + 1, s.label()));
        }
        return out;
    }

    /**
     * Reads IOB2/IOB1 ({@code B-X}, {@code I-X}, {@code O}) or BIOES/BILOU ({@code S-}/{@code U-}, {@code E-}/{@code L-})
     * tags. A stray {@code I-X} starts a span, as seqeval reads it.
     */
    public static List<WordSpan> fromTags(List<String> tags, String field) {
        List<WordSpan> out = new ArrayList<>();
        int start = -1;
        String type = null;
        for (int i = 0; i <= tags.size(); i++) {
            String tag = i < tags.size() ? tags.get(i) : "O";
            if (tag == null) {
                throw new ProjectionInputException(field + "[" + i + "]", "is null");
            }
            char prefix;
            String t;
            if (tag.equals("O")) {
                prefix = 'O';
                t = null;
            } else if (tag.length() >= 3 && tag.charAt(1) == '-' && "BIESLU".indexOf(tag.charAt(0)) >= 0) {
                prefix = tag.charAt(0);
                t = tag.substring(2);
            } else {
                throw new ProjectionInputException(field + "[" + i + "]", "unknown tag [" + tag
                        + "]: expected O, B-X, I-X (IOB2), or S-X/E-X (BIOES), or U-X/L-X (BILOU)");
            }
            boolean continues = type != null && t != null && t.equals(type) && (prefix == 'I' || prefix == 'E' || prefix == 'L');
            if (type != null && !continues) {
                out.add(new WordSpan(start, i, type));
                type = null;
            }
            if (t != null && !continues) {
                type = t;
                start = i;
            }
            if (type != null && (prefix == 'E' || prefix == 'L' || prefix == 'S' || prefix == 'U')) {
                out.add(new WordSpan(start, i + 1, type));
                type = null;
            }
        }
        return out;
    }

    /** IOB2 tags for {@code n} words from non-overlapping word spans. */
    public static List<String> toTags(int n, List<Projector.Projection> projections) {
        String[] tags = new String[n];
        Arrays.fill(tags, "O");
        for (Projector.Projection p : projections) {
            tags[p.start()] = "B-" + p.label();
            for (int i = p.start() + 1; i < p.end(); i++) {
                tags[i] = "I-" + p.label();
            }
        }
        return Arrays.asList(tags);
    }

    /** Start offset of word {@code start}, end offset of word {@code end - 1}: exact UTF-16 offsets into the text. */
    public static int[] charRange(Document doc, int start, int end) {
        return new int[] {doc.words().get(start).start(), doc.words().get(end - 1).end()};
    }
}
