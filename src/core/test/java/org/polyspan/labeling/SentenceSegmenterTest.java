package org.polyspan.labeling;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SentenceSegmenterTest {
    private final SentenceSegmenter segmenter = SentenceSegmenter.getDefault();

    private int[] starts(String text) {
        return segmenter.sentenceStarts(text, Document.of(text).words());
    }

    @Test
    void splitsAtSentenceEndsOnly() {
        // words: Patients(0) improved(1) .(2) Dr(3) .(4) Smith(5) agreed(6) ,(7) e(8) .(9) g(10) .(11) here(12) !(13) 2(14) more(15) .(16)
        assertArrayEquals(new int[] {0, 3, 14}, starts("Patients improved. Dr. Smith agreed, e.g. here! 2 more."));
        // 東 京 に 行 った 。 | 大 阪 も 。
        assertArrayEquals(new int[] {0, 6}, starts("東京に行った。大阪も。"));
        assertArrayEquals(new int[] {0}, starts("one sentence only."));
        assertArrayEquals(new int[] {}, starts(""));
    }

    /** The sentences of {@code text}, as the segmenter cuts it at word boundaries. */
    private List<String> sentences(SentenceSegmenter seg, String text) {
        List<Word> words = Document.of(text).words();
        int[] starts = seg.sentenceStarts(text, words);
        List<String> out = new java.util.ArrayList<>();
        for (int s = 0; s < starts.length; s++) {
            int end = s + 1 < starts.length ? starts[s + 1] : words.size();
            out.add(text.substring(words.get(starts[s]).start(), words.get(end - 1).end()));
        }
        return out;
    }

    @Test
    void abbreviationsDoNotEndSentences() {
        assertEquals(List.of("Prof. Smith and Dr. Jones met Mr. J. R. Brown.", "They left."),
                sentences(segmenter, "Prof. Smith and Dr. Jones met Mr. J. R. Brown. They left."));
        assertEquals(List.of("Drugs (e.g. Tamoxifen, i.e. TAM) were compared with placebo vs. Letrozole in Fig. 2 and No. 5 of the tables.",
                        "Survival improved."),
                sentences(segmenter, "Drugs (e.g. Tamoxifen, i.e. TAM) were compared with placebo vs. Letrozole in Fig. 2 and No. 5 "
                        + "of the tables. Survival improved."));
        assertEquals(List.of("Smith et al. Reported it.", "Then (see Fig. 3) it grew."),
                sentences(segmenter, "Smith et al. Reported it. Then (see Fig. 3) it grew."));
        // lower case after a full stop never starts a sentence; quotes and brackets stay with the sentence they close
        assertEquals(List.of("He said \"stop.\"", "We stopped at 3 p.m. and left."),
                sentences(segmenter, "He said \"stop.\" We stopped at 3 p.m. and left."));
        // the old heuristic took any capitalised word of up to two letters for an abbreviation
        assertEquals(List.of("Rates rose in the US.", "Trials continued."),
                sentences(segmenter, "Rates rose in the US. Trials continued."));
        // ordinals of up to three digits; a year, or a number that a label refers to, still ends a sentence
        assertEquals(List.of("Am 7. März siegte er in der 84. Minute.", "Das war 1996.", "Dann nicht."),
                sentences(segmenter, "Am 7. März siegte er in der 84. Minute. Das war 1996. Dann nicht."));
        assertEquals(List.of("See Fig. 3.", "Results are in Table 2.", "We enrolled n = 120.", "Patients improved."),
                sentences(segmenter, "See Fig. 3. Results are in Table 2. We enrolled n = 120. Patients improved."));
        // German, Spanish, French abbreviations from ICU's lists
        assertEquals(List.of("Das gilt für Dr. Müller und Hrn. Meier, vgl. Abs. 3.", "Danach nicht."),
                sentences(segmenter, "Das gilt für Dr. Müller und Hrn. Meier, vgl. Abs. 3. Danach nicht."));
        assertEquals(List.of("Lo dijo la Sra. García, p.ej. en la fig. 2.", "Fin."),
                sentences(segmenter, "Lo dijo la Sra. García, p.ej. en la fig. 2. Fin."));
    }

    @Test
    void cjkAndOtherScripts() {
        assertEquals(List.of("東京に行った。", "大阪も！", "本当？", "はい。"), sentences(segmenter, "東京に行った。大阪も！本当？はい。"));
        assertEquals(List.of("我喜欢北京。", "你呢？"), sentences(segmenter, "我喜欢北京。你呢？"));
        assertEquals(List.of("Москва большая.", "Проф. Иванов согласен."), sentences(segmenter, "Москва большая. Проф. Иванов согласен."));
        assertEquals(List.of("مرحبا بكم؟", "نعم."), sentences(segmenter, "مرحبا بكم؟ نعم."));
        assertEquals(List.of("यह अच्छा है।", "वह भी।"), sentences(segmenter, "यह अच्छा है। वह भी।"));
        // a line break ends a paragraph, hence a sentence, even without a full stop
        assertEquals(List.of("Title", "Body text."), sentences(segmenter, "Title\nBody text."));
    }

    @Test
    void caller_suppliedWordsAndBoundariesInsideWords() {
        // tokens joined by spaces (as in CoNLL): the tokens "Dr." and "U.S." hold their full stop
        Document d = Document.ofTokens(List.of("Dr.", "Smith", "left", "the", "U.S.", ".", "He", "came", "back", "."));
        assertArrayEquals(new int[] {0, 6}, segmenter.sentenceStarts(d.text(), d.words()));
        // one caller-supplied word spanning a boundary is never cut
        Document glued = new Document("Yes. No.", List.of(new Word(0, 8)));
        assertArrayEquals(new int[] {0}, segmenter.sentenceStarts(glued.text(), glued.words()));
    }

    @Test
    void oneLanguageUsesItsOwnList() {
        SentenceSegmenter de = SentenceSegmenter.forLanguage("de");
        assertTrue(de.suppressionCount() > SentenceSegmenter.EXTRA_ABBREVIATIONS.size());
        assertEquals(List.of("Das gilt für Hrn. Meier.", "Gut."), sentences(de, "Das gilt für Hrn. Meier. Gut."));
        // an abbreviation is a whole word: Spanish "ed." must not stop a break after "improved."
        SentenceSegmenter es = SentenceSegmenter.forLanguage("es");
        assertTrue(SentenceSegmenter.icuAbbreviations("es").contains("ed."));
        assertEquals(List.of("Patients improved.", "Then ed. Smith wrote."), sentences(es, "Patients improved. Then ed. Smith wrote."));
        assertTrue(SentenceSegmenter.icuAbbreviations("en").contains("Prof."));
        assertEquals(List.of(), SentenceSegmenter.icuAbbreviations("sv"));
    }

    @Test
    void segmentedPlansNeverCrossASentenceAndCoverEveryWord() {
        Windowing windowing = new Windowing(6, 2);
        Random random = new Random(7);
        for (int c = 0; c < 500; c++) {
            int n = 1 + random.nextInt(40);
            int[] counts = new int[n];
            for (int i = 0; i < n; i++) {
                counts[i] = random.nextInt(7);
            }
            List<Integer> startList = new java.util.ArrayList<>(List.of(0));
            for (int i = 1; i < n; i++) {
                if (random.nextInt(5) == 0) {
                    startList.add(i);
                }
            }
            int[] starts = startList.stream().mapToInt(Integer::intValue).toArray();
            Windowing.Plan plan = windowing.plan(counts, starts);
            for (int i = 0; i < n; i++) {
                Windowing.Window w = plan.windows().get(plan.windowOfWord()[i]);
                assertTrue(w.firstWord() <= i && i < w.endWord(), "case " + c + " word " + i);
            }
            for (Windowing.Window w : plan.windows()) {
                assertTrue(w.tokenCount() <= 6);
                for (int s : starts) {
                    assertTrue(!(w.firstWord() < s && s < w.endWord()), "case " + c + ": window " + w + " crosses sentence start " + s);
                }
            }
            int total = 0;
            for (int x : counts) {
                total += x;
            }
            assertEquals(total, plan.windows().get(plan.windows().size() - 1).tokenEnd(), "case " + c);
        }
    }
}
