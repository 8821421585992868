package org.polyspan.core;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SentenceSegmenterTest {
    private final SentenceSegmenter segmenter = new SentenceSegmenter();

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
