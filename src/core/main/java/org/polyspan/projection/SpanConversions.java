package org.polyspan.projection;

import org.polyspan.labeling.Document;
import org.polyspan.labeling.TagChunker;
import org.polyspan.labeling.Word;

import java.util.ArrayList;
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
     * Word spans of IOB2/IOB1 ({@code B-X}, {@code I-X}, {@code O}) or BIOES/BILOU ({@code S-}/{@code U-},
     * {@code E-}/{@code L-}) tags, read by {@link TagChunker}; a bad tag is an input error naming {@code field[i]}.
     */
    public static List<WordSpan> fromTags(List<String> tags, String field) {
        List<TagChunker.Chunk> chunks;
        try {
            chunks = TagChunker.chunks(tags);
        } catch (TagChunker.BadTagException e) {
            throw new ProjectionInputException(field + "[" + e.index() + "]", e.getMessage());
        }
        List<WordSpan> out = new ArrayList<>(chunks.size());
        for (TagChunker.Chunk c : chunks) {
            out.add(new WordSpan(c.start(), c.end(), c.type()));
        }
        return out;
    }

    /** IOB2 tags for {@code n} words from non-overlapping word spans. */
    public static List<String> toTags(int n, List<Projector.Projection> projections) {
        List<TagChunker.Chunk> chunks = new ArrayList<>(projections.size());
        for (Projector.Projection p : projections) {
            chunks.add(new TagChunker.Chunk(p.label(), p.start(), p.end()));
        }
        return TagChunker.iob2(n, chunks);
    }

    /** Start offset of word {@code start}, end offset of word {@code end - 1}: exact UTF-16 offsets into the text. */
    public static int[] charRange(Document doc, int start, int end) {
        return new int[] {doc.words().get(start).start(), doc.words().get(end - 1).end()};
    }
}
