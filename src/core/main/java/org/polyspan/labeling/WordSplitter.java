package org.polyspan.labeling;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits text into words the way BERT's basic tokenizer does (whitespace, then every punctuation mark and every
 * CJK ideograph on its own), but keeps exact UTF-16 offsets into the original string so spans map back to it.
 *
 * <p>Control characters and unpaired surrogates never end up inside a word: the former act as whitespace, the latter
 * become single-character words (the tokenizer sees U+FFFD for them, see {@link #tokenizerText}). Format characters
 * are part of the word they touch, as in BERT, which deletes them and joins the two sides.
 */
public final class WordSplitter {

    public List<Word> split(String text) {
        List<Word> words = new ArrayList<>();
        int wordStart = -1;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            int cp;
            int len;
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                cp = Character.toCodePoint(c, text.charAt(i + 1));
                len = 2;
            } else {
                cp = c;
                len = 1;
            }
            if (isSeparator(cp)) {
                if (wordStart >= 0) {
                    words.add(new Word(wordStart, i));
                    wordStart = -1;
                }
            } else if (isStandalone(cp)) {
                if (wordStart >= 0) {
                    words.add(new Word(wordStart, i));
                    wordStart = -1;
                }
                words.add(new Word(i, i + len));
            } else if (wordStart < 0) {
                wordStart = i;
            }
            i += len;
        }
        if (wordStart >= 0) {
            words.add(new Word(wordStart, text.length()));
        }
        return words;
    }

    /** The word as handed to the tokenizer: unpaired surrogates cannot cross into native code, so they become U+FFFD. */
    public static String tokenizerText(String source, Word word) {
        String s = source.substring(word.start(), word.end());
        if (s.length() == 1 && Character.isSurrogate(s.charAt(0))) {
            return "\uFFFD";
        }
        return s;
    }

    static boolean isSeparator(int cp) {
        if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r') {
            return true;
        }
        if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
            return true; // includes NBSP and the other Unicode spaces
        }
        // Control characters separate, so NUL and friends never reach the native tokenizer inside a word. Format
        // characters (soft hyphen, zero-width space, joiners, BOM) stay inside words: BERT's text cleaning deletes them
        // and joins the two sides ("Bundes\u00ADregierung" is one word), and so does the tokenizer's normalizer.
        return cp == 0 || Character.getType(cp) == Character.CONTROL;
    }

    static boolean isStandalone(int cp) {
        if (Character.isSurrogate((char) cp) && cp <= 0xFFFF) {
            return true; // an unpaired surrogate
        }
        return isPunctuation(cp) || isCjk(cp);
    }

    /** Same definition as BERT: ASCII non-alphanumerics plus every Unicode P* category. */
    static boolean isPunctuation(int cp) {
        if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.CONNECTOR_PUNCTUATION || type == Character.DASH_PUNCTUATION
                || type == Character.START_PUNCTUATION || type == Character.END_PUNCTUATION
                || type == Character.INITIAL_QUOTE_PUNCTUATION || type == Character.FINAL_QUOTE_PUNCTUATION
                || type == Character.OTHER_PUNCTUATION;
    }

    /** CJK ideograph blocks, as in BERT's _is_chinese_char. */
    static boolean isCjk(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F)
                || (cp >= 0x2B820 && cp <= 0x2CEAF) || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }
}
