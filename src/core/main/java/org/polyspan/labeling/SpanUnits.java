package org.polyspan.labeling;

import java.util.List;
import java.util.Locale;

/**
 * Where a head's spans may begin and end. {@link #WORDS}: anywhere. {@link #CLAUSES}: a span begins at a sentence start
 * or right after a clause mark ({@code , ; :} and their full-width forms) and ends at a sentence end or right before or
 * on a clause mark, so it covers whole clauses. {@link #SENTENCES}: a span covers whole sentences.
 *
 * <p>Argument components (claims, premises) are whole sentences or clauses: in the AbstRCT neoplasm training set 95 %
 * of the gold components begin at a sentence start or after a clause mark. A head scoring word by word still tends to
 * start or stop a component a few words off, or to split it in two; units keep its boundaries where the text's are.
 * The marks are punctuation, not words, so the rule holds for every language and for either word splitting (a comma
 * of its own or glued to the word before it, as in the translated AbstRCT files).
 */
public enum SpanUnits {
    WORDS,
    CLAUSES,
    SENTENCES;

    /** Parses {@code words}, {@code clauses} or {@code sentences}, case-insensitively. */
    public static SpanUnits parse(String value) {
        for (SpanUnits u : values()) {
            if (u.name().equalsIgnoreCase(value)) {
                return u;
            }
        }
        throw new IllegalArgumentException("span units must be [words], [clauses] or [sentences], got [" + value + "]");
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Where spans may begin and end among the words of one document. */
    public record Boundaries(boolean[] mayStart, boolean[] mayEnd) {}

    /**
     * @param sentenceStarts the first word of every sentence, ascending, starting with 0
     * @return per word, whether a span may begin there and whether a span may end there (the word is its last)
     */
    public Boundaries boundaries(String text, List<Word> words, int[] sentenceStarts) {
        int n = words.size();
        boolean[] mayStart = new boolean[n];
        boolean[] mayEnd = new boolean[n];
        if (this == WORDS) {
            java.util.Arrays.fill(mayStart, true);
            java.util.Arrays.fill(mayEnd, true);
            return new Boundaries(mayStart, mayEnd);
        }
        for (int s : sentenceStarts) {
            if (s < n) {
                mayStart[s] = true;
                if (s > 0) {
                    mayEnd[s - 1] = true;
                }
            }
        }
        if (n > 0) {
            mayEnd[n - 1] = true;
        }
        if (this == CLAUSES) {
            for (int i = 0; i < n; i++) {
                Word w = words.get(i);
                if (endsWithClauseMark(text, w)) {
                    mayEnd[i] = true; // the mark glued to the word, or a mark of its own
                    if (i + 1 < n) {
                        mayStart[i + 1] = true;
                    }
                }
                if (i > 0 && startsWithClauseMark(text, w)) {
                    mayEnd[i - 1] = true; // the span may leave the mark out
                }
            }
        }
        return new Boundaries(mayStart, mayEnd);
    }

    /** The word's trailing run of punctuation (e.g. {@code ,} or {@code ";"}) holds a clause mark. */
    static boolean endsWithClauseMark(String text, Word w) {
        return punctuationRunHasClauseMark(text, w.end() - 1, w.start() - 1, -1);
    }

    /** The word's leading run of punctuation holds a clause mark. */
    static boolean startsWithClauseMark(String text, Word w) {
        return punctuationRunHasClauseMark(text, w.start(), w.end(), 1);
    }

    /** Walks from {@code from} towards {@code stop} (exclusive) by {@code step} while the characters are punctuation. */
    private static boolean punctuationRunHasClauseMark(String text, int from, int stop, int step) {
        for (int i = from; i != stop; i += step) {
            char c = text.charAt(i);
            if (isClauseMark(c)) {
                return true;
            }
            if (!WordSplitter.isPunctuation(c)) {
                return false;
            }
        }
        return false;
    }

    static boolean isClauseMark(char c) {
        return c == ',' || c == ';' || c == ':' || c == '\uFF0C' || c == '\uFF1B' || c == '\uFF1A' || c == '\u3001'
                || c == '\u060C' || c == '\u061B';
    }
}
