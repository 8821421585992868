package org.polyspan.labeling;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads word tags into spans (chunks) and writes spans as IOB2 tags: the one place that knows the tagging schemes.
 * Accepted on reading, in any mix: {@code O}; IOB2 and IOB1 ({@code B-X}, {@code I-X}); BIOES ({@code S-X},
 * {@code E-X}); BILOU ({@code U-X}, {@code L-X}). Reading follows seqeval's default (lenient) mode:
 * <ul>
 *   <li>{@code B-X} always starts a span;</li>
 *   <li>{@code I-X} continues an open span of type X, and otherwise starts one (IOB1, or a stray {@code I-});</li>
 *   <li>{@code E-X}/{@code L-X} continue an open X span (or start one) and close it;</li>
 *   <li>{@code S-X}/{@code U-X} are a span of one word.</li>
 * </ul>
 */
public final class TagChunker {
    private static final String PREFIXES = "BIESLU";

    /** A span of words {@code [start, end)} with its type. */
    public record Chunk(String type, int start, int end) {}

    /** A tag of no known scheme, at position {@link #index()}. */
    public static final class BadTagException extends IllegalArgumentException {
        private final int index;

        BadTagException(int index, String message) {
            super(message);
            this.index = index;
        }

        public int index() {
            return index;
        }
    }

    private TagChunker() {}

    /** Whether {@code tag} is {@code O} or a prefixed tag of one of the schemes. */
    public static boolean valid(String tag) {
        return tag != null && (tag.equals("O") || tag.length() >= 3 && tag.charAt(1) == '-' && PREFIXES.indexOf(tag.charAt(0)) >= 0);
    }

    /** The spans the tags form, in order. */
    public static List<Chunk> chunks(List<String> tags) {
        List<Chunk> out = new ArrayList<>();
        String type = null; // of the open span
        int start = -1;
        for (int i = 0; i < tags.size(); i++) {
            String tag = tags.get(i);
            if (!valid(tag)) {
                throw new BadTagException(i, tag == null ? "is null" : "unknown tag [" + tag
                        + "]: expected O, B-X, I-X (IOB2, IOB1), or S-X/E-X (BIOES), or U-X/L-X (BILOU)");
            }
            char prefix = tag.charAt(0);
            String t = tag.equals("O") ? null : tag.substring(2);
            boolean continues = type != null && type.equals(t) && (prefix == 'I' || prefix == 'E' || prefix == 'L');
            if (type != null && !continues) {
                out.add(new Chunk(type, start, i));
                type = null;
            }
            if (t == null) {
                continue;
            }
            if (type == null) {
                type = t;
                start = i;
            }
            if (prefix == 'E' || prefix == 'L' || prefix == 'S' || prefix == 'U') {
                out.add(new Chunk(type, start, i + 1));
                type = null;
            }
        }
        if (type != null) {
            out.add(new Chunk(type, start, tags.size()));
        }
        return out;
    }

    /** IOB2 tags for {@code n} words from disjoint chunks. */
    public static List<String> iob2(int n, List<Chunk> chunks) {
        String[] tags = new String[n];
        Arrays.fill(tags, "O");
        for (Chunk c : chunks) {
            tags[c.start()] = "B-" + c.type();
            for (int i = c.start() + 1; i < c.end(); i++) {
                tags[i] = "I-" + c.type();
            }
        }
        return Arrays.asList(tags);
    }
}
