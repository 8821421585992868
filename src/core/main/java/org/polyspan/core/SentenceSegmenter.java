package org.polyspan.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds sentence starts among the words of a text, so that windows never mix sentences. The heads are trained on
 * single sentences; encoding a long field as multi-sentence windows shifts the features they see. Measured on 60
 * AbstRCT sentences indexed as one field, the argument head's token F1 went from 0.67 with mixed windows to 0.76
 * with sentence windows (0.89 when the sentences are labelled one by one).
 *
 * <p>A sentence ends after {@code . ! ?} (or their CJK forms) when the next word starts a sentence: it begins with an
 * upper-case letter, a digit or an uncased character, and the word before the mark is not a short abbreviation
 * ({@code Dr.}, {@code St.}). CJK full stops always end a sentence.
 */
public final class SentenceSegmenter {

    /** Index of the first word of every sentence; always starts with 0 when there are words. */
    public int[] sentenceStarts(String text, List<Word> words) {
        List<Integer> starts = new ArrayList<>();
        if (!words.isEmpty()) {
            starts.add(0);
        }
        for (int i = 1; i + 1 < words.size(); i++) {
            Word w = words.get(i);
            if (w.end() - w.start() != 1) {
                continue;
            }
            char c = text.charAt(w.start());
            boolean cjk = c == '。' || c == '！' || c == '？';
            boolean latin = c == '.' || c == '!' || c == '?';
            if (cjk || (latin && !abbreviation(text, words.get(i - 1)) && opensSentence(text, words.get(i + 1)))) {
                starts.add(i + 1);
            }
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    private static boolean abbreviation(String text, Word previous) {
        return previous.end() - previous.start() <= 2 && Character.isUpperCase(text.charAt(previous.start()));
    }

    private static boolean opensSentence(String text, Word next) {
        int cp = text.codePointAt(next.start());
        return Character.isUpperCase(cp) || Character.isDigit(cp) || Character.isTitleCase(cp)
                || (Character.isLetter(cp) && !Character.isLowerCase(cp));
    }
}
