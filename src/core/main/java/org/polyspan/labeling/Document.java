package org.polyspan.labeling;

import java.util.ArrayList;
import java.util.List;

/** A text and its words. Words come from {@link WordSplitter} or, for pre-tokenised corpora, from the caller. */
public record Document(String text, List<Word> words) {

    private static final WordSplitter SPLITTER = new WordSplitter();

    public static Document of(String text) {
        return new Document(text, SPLITTER.split(text));
    }

    /** Joins tokens with single spaces, keeping each token as one word. */
    public static Document ofTokens(List<String> tokens) {
        StringBuilder sb = new StringBuilder();
        List<Word> words = new ArrayList<>(tokens.size());
        for (String token : tokens) {
            if (token.isEmpty()) {
                throw new IllegalArgumentException("empty token");
            }
            if (sb.length() > 0) {
                sb.append(' ');
            }
            words.add(new Word(sb.length(), sb.length() + token.length()));
            sb.append(token);
        }
        return new Document(sb.toString(), words);
    }
}
