package org.polyspan.elasticsearch;

import java.util.Random;

/**
 * Random texts for offset tests: words drawn from Unicode blocks of many scripts (a text keeps to a few blocks, as real
 * text does), joined by assorted white space and punctuation, with combining marks, zero-width and format characters,
 * characters outside the BMP and the odd word of format characters only.
 */
final class RandomTexts {
    /** Inclusive code point ranges of Unicode blocks. */
    private static final int[][] BLOCKS = {
            {0x21, 0x7E}, // Basic Latin, printable
            {0xA1, 0xFF}, // Latin-1 Supplement
            {0x100, 0x17F}, // Latin Extended-A
            {0x250, 0x2AF}, // IPA Extensions
            {0x370, 0x3FF}, // Greek and Coptic
            {0x400, 0x4FF}, // Cyrillic
            {0x530, 0x58F}, // Armenian
            {0x590, 0x5FF}, // Hebrew
            {0x600, 0x6FF}, // Arabic
            {0x900, 0x97F}, // Devanagari
            {0x980, 0x9FF}, // Bengali
            {0xE00, 0xE7F}, // Thai
            {0x10A0, 0x10FF}, // Georgian
            {0x1100, 0x11FF}, // Hangul Jamo
            {0x1200, 0x137F}, // Ethiopic
            {0x2000, 0x206F}, // General Punctuation: spaces, zero-width and bidi format characters
            {0x2190, 0x22FF}, // Arrows, Mathematical Operators
            {0x3000, 0x303F}, // CJK Symbols and Punctuation
            {0x3040, 0x309F}, // Hiragana
            {0x30A0, 0x30FF}, // Katakana
            {0x4E00, 0x9FFF}, // CJK Unified Ideographs
            {0xAC00, 0xD7AF}, // Hangul Syllables
            {0xE000, 0xF8FF}, // Private Use Area
            {0xFF00, 0xFFEF}, // Halfwidth and Fullwidth Forms
            {0x1D400, 0x1D7FF}, // Mathematical Alphanumeric Symbols
            {0x1F300, 0x1F64F}, // Miscellaneous Symbols and Pictographs, Emoticons
            {0x20000, 0x2A6DF}, // CJK Unified Ideographs Extension B
    };
    private static final String[] SEPARATORS = {" ", " ", " ", "  ", "\t", "\n", "\r\n", "\u00A0", "\u3000", "\u2003", ", ", ". ",
            "! ", "? ", "。", "、", " - ", " (", ") ", "\u200B"};
    private static final int[] MARKS = {0x0301, 0x0308, 0x0323, 0x200D, 0xFE0F, 0x200C, 0x1F3FD};
    private static final String[] FORMAT_ONLY = {"\u200B", "\u2060", "\u200E\u200F", "\uFEFF", "\u00AD"};

    private RandomTexts() {}

    /** A text of {@code min} to {@code max} UTF-16 chars (never ending in half a surrogate pair). */
    static String realisticUnicode(Random random, int min, int max) {
        int length = min + random.nextInt(max - min + 1);
        int[] blocks = new int[1 + random.nextInt(3)];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = random.nextInt(BLOCKS.length);
        }
        StringBuilder b = new StringBuilder(length + 16);
        while (b.length() < length) {
            if (b.length() > 0) {
                b.append(SEPARATORS[random.nextInt(SEPARATORS.length)]);
            }
            if (random.nextInt(40) == 0) {
                b.append(FORMAT_ONLY[random.nextInt(FORMAT_ONLY.length)]);
                continue;
            }
            int[] block = BLOCKS[blocks[random.nextInt(blocks.length)]];
            int letters = 1 + random.nextInt(12);
            for (int i = 0; i < letters; i++) {
                b.appendCodePoint(block[0] + random.nextInt(block[1] - block[0] + 1));
                if (random.nextInt(15) == 0) {
                    b.appendCodePoint(MARKS[random.nextInt(MARKS.length)]);
                }
            }
        }
        b.setLength(length);
        if (length > 0 && Character.isHighSurrogate(b.charAt(length - 1))) {
            b.setLength(length - 1);
        }
        return b.toString();
    }
}
