package org.polyspan.labeling;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

class WordSplitterTest {

    private final WordSplitter splitter = new WordSplitter();

    private List<String> words(String text) {
        List<String> out = new ArrayList<>();
        for (Word w : splitter.split(text)) {
            out.add(w.text(text));
        }
        return out;
    }

    @Test
    void punctuationIsSplitOff() {
        assertEquals(List.of("Hello", ",", "world", "!"), words("Hello, world!"));
        assertEquals(List.of("O", "'", "Neil", "-", "Smith", "'", "s"), words("O'Neil-Smith's"));
        assertEquals(List.of("john", ".", "doe", "@", "example", ".", "com"), words("john.doe@example.com"));
        assertEquals(List.of("a", "«", "b", "»", "c", "…"), words("a«b»c…"));
        assertEquals(List.of("$", "42", "%", "^", "`", "~"), words("$42%^`~"));
    }

    @Test
    void offsetsAreExactUtf16Indices() {
        String text = "  Größe:\t😀x  ";
        List<Word> ws = splitter.split(text);
        assertEquals(List.of(new Word(2, 7), new Word(7, 8), new Word(9, 12)), ws);
    }

    @Test
    void cjkIdeographsAreOneWordEach() {
        assertEquals(List.of("习", "近", "平", "在", "北", "京"), words("习近平在北京"));
        // Supplementary-plane ideograph (CJK extension B) stays one two-char word
        assertEquals(List.of("a", "\uD840\uDC00", "b"), words("a\uD840\uDC00b"));
        // Kana and Hangul are not CJK ideographs: they stay together
        assertEquals(List.of("東", "京", "スカイツリーは", "。", "墨"), words("東京スカイツリーは。墨"));
        assertEquals(List.of("삼성전자는", "서울에"), words("삼성전자는 서울에"));
    }

    @Test
    void spacesTabsNewlinesAndNbspSeparate() {
        assertEquals(List.of("a", "b", "c", "d", "e", "f", "g"), words("a\u00A0b\tc\nd\r\ne\u3000f\u2009g"));
        assertEquals(List.of("x", "y"), words("x\u202Fy"));
    }

    @Test
    void controlCharactersSeparateButFormatCharactersJoin() {
        assertEquals(List.of("a", "b", "c\u200Bd"), words("a\u0000b\u0007c\u200Bd"));
        assertEquals(List.of("a\uFEFFb"), words("a\uFEFFb"));
        assertEquals(List.of("Bundes\u00ADregierung"), words("Bundes\u00ADregierung"));
        assertEquals(List.of("می\u200Cخواهم"), words("می\u200Cخواهم"));
        String family = "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67";
        assertEquals(List.of(family), words(family));
        assertEquals(List.of("x" + family + "y"), words("x" + family + "y"));
    }

    @Test
    void emojiSurrogatePairsAreNeverSplit() {
        assertEquals(List.of("love", "😀👍"), words("love 😀👍"));
        assertEquals(List.of("x😀y"), words("x😀y"));
        assertEquals(List.of("😀😀", "😀", ",", "😀"), words("😀😀 😀,😀"));
    }

    @Test
    void combiningAccentsStayAttached() {
        assertEquals(List.of("Cafe\u0301", "vs", "Café"), words("Cafe\u0301 vs Café"));
        assertEquals(List.of("नरेंद्र", "मोदी"), words("नरेंद्र मोदी"));
    }

    @Test
    void arabicAndCyrillic() {
        assertEquals(List.of("القاهرة", "هي", "عاصمة", "مصر", "."), words("القاهرة هي عاصمة مصر."));
        assertEquals(List.of("a", "،", "b", "؟"), words("a،b؟"));
        assertEquals(List.of("Москва", ",", "Россия", "—", "столица"), words("Москва, Россия — столица"));
    }

    @Test
    void unpairedSurrogatesBecomeSingleCharWords() {
        assertEquals(List.of("a", "\uD83D", "b"), words("a\uD83Db"));
        assertEquals(List.of("a", "\uDE00", "b"), words("a\uDE00b"));
        assertEquals(List.of("ab", "\uD83D"), words("ab\uD83D"));
        assertEquals(List.of("\uDE00", "ab"), words("\uDE00ab"));
        // low then high is two unpaired surrogates, not a pair
        assertEquals(List.of("\uDE00", "\uD83D"), words("\uDE00\uD83D"));
        String text = "x\uD83D";
        Word last = splitter.split(text).get(1);
        assertEquals("\uFFFD", WordSplitter.tokenizerText(text, last));
        assertEquals("x", WordSplitter.tokenizerText(text, splitter.split(text).get(0)));
    }

    @Test
    void emptyAndBlankTextsHaveNoWords() {
        assertEquals(List.of(), words(""));
        assertEquals(List.of(), words(" \t\n\r\u00A0\u3000\u0000"));
        // a lone format character is a word; the tokenizer deletes it, so it gets no sub-tokens and stays outside spans
        assertEquals(List.of("\u200B"), words(" \u200B "));
    }

    // ---------------------------------------------------------------- property test

    /** Independent statement of the separator rule: whitespace, Unicode spaces and control characters. */
    static boolean separator(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || Character.getType(cp) == Character.CONTROL;
    }

    private static final String[] POOL = {
            "a", "Z", "é", "ß", "7", "Ж", "д", "ع", "ة", "י", "α", "ก", "ि", "क", "\u0301", "\u0651",
            "北", "京", "ス", "한", "\uD840\uDC00", "😀", "👍", "\uD83C\uDDEB", "❤", "\u200D", "\u200C",
            ".", ",", "'", "-", "!", "«", "—", "،", "。", "@", "#", "$", "~", "_",
            " ", " ", " ", "\t", "\n", "\r", "\u00A0", "\u3000", "\u2009", "\u200B", "\uFEFF", "\u00AD", "\u0000", "\u0007",
            "\uD83D", "\uDE00", "\uDBFF", "\uDC00"
    };

    static String randomText(Random rnd, int maxChunks) {
        int n = rnd.nextInt(maxChunks + 1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String piece = POOL[rnd.nextInt(POOL.length)];
            int repeat = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(4) : 1;
            sb.append(piece.repeat(repeat));
        }
        return sb.toString();
    }

    private static boolean insidePair(String text, int index) {
        return index > 0 && index < text.length() && Character.isHighSurrogate(text.charAt(index - 1))
                && Character.isLowSurrogate(text.charAt(index));
    }

    @Test
    void randomTextsSatisfyTheSplittingInvariants() {
        long seed = new Random().nextLong();
        Random rnd = new Random(seed);
        for (int iter = 0; iter < 2000; iter++) {
            String text = randomText(rnd, 40);
            String where = "seed " + seed + ", case " + iter + ", text " + escape(text);
            List<Word> ws;
            try {
                ws = splitter.split(text);
            } catch (RuntimeException e) {
                throw new AssertionError(where, e);
            }
            int[] owner = new int[text.length()];
            java.util.Arrays.fill(owner, -1);
            int prevEnd = 0;
            for (int k = 0; k < ws.size(); k++) {
                Word w = ws.get(k);
                if (w.start() < prevEnd || w.end() <= w.start() || w.end() > text.length()) {
                    fail("words out of order, overlapping or empty at word " + k + " " + w + ": " + where);
                }
                if (insidePair(text, w.start()) || insidePair(text, w.end())) {
                    fail("word " + w + " cuts a surrogate pair: " + where);
                }
                for (int i = w.start(); i < w.end(); ) {
                    int cp = text.codePointAt(i);
                    if (separator(cp)) {
                        fail("word " + w + " contains separator U+" + Integer.toHexString(cp) + ": " + where);
                    }
                    int len = Character.charCount(cp);
                    if (i + len > w.end()) {
                        fail("word " + w + " ends inside a code point: " + where);
                    }
                    for (int j = i; j < i + len; j++) {
                        owner[j] = k;
                    }
                    i += len;
                }
                // a lone surrogate is a word on its own
                String s = w.text(text);
                for (int i = 0; i < s.length(); i++) {
                    char c = s.charAt(i);
                    boolean paired = (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1)))
                            || (Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1)));
                    if (Character.isSurrogate(c) && !paired && s.length() != 1) {
                        fail("unpaired surrogate inside word " + escape(s) + ": " + where);
                    }
                }
                // adjacent words must be cut by a standalone character (punctuation, CJK, lone surrogate)
                if (k > 0 && ws.get(k - 1).end() == w.start()) {
                    boolean prevAlone = standaloneWord(ws.get(k - 1).text(text));
                    boolean curAlone = standaloneWord(s);
                    if (!prevAlone && !curAlone) {
                        fail("words " + ws.get(k - 1) + " and " + w + " touch without a reason: " + where);
                    }
                }
                prevEnd = w.end();
            }
            for (int i = 0; i < text.length(); ) {
                int cp = text.codePointAt(i);
                int len = Character.charCount(cp);
                boolean sep = separator(cp);
                for (int j = i; j < i + len; j++) {
                    if (sep && owner[j] >= 0) {
                        fail("separator at " + j + " is inside a word: " + where);
                    }
                    if (!sep && owner[j] < 0) {
                        fail("char at " + j + " (U+" + Integer.toHexString(text.charAt(j)) + ") is in no word: " + where);
                    }
                }
                i += len;
            }
            assertEquals(ws, Document.of(text).words(), where);
        }
    }

    private static boolean standaloneWord(String s) {
        int cp = s.codePointAt(0);
        return s.length() == Character.charCount(cp)
                && (Character.isSurrogate(s.charAt(0)) && s.length() == 1
                || WordSplitter.isPunctuation(cp) || WordSplitter.isCjk(cp));
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7F) {
                sb.append(c);
            } else {
                sb.append(String.format("\\u%04X", (int) c));
            }
        }
        return sb.append('"').toString();
    }
}
