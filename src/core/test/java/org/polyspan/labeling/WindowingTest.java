package org.polyspan.labeling;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class WindowingTest {

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Windowing(0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Windowing(-3, 0));
        assertThrows(IllegalArgumentException.class, () -> new Windowing(8, -1));
        assertThrows(IllegalArgumentException.class, () -> new Windowing(8, 8));
        assertThrows(IllegalArgumentException.class, () -> new Windowing(8, 9));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Windowing(4, 1).plan(new int[] {1, 5, 1}));
        assertTrue(e.getMessage().contains("word 1"), e.getMessage());
    }

    @Test
    void emptyInputHasNoWindows() {
        Windowing.Plan plan = new Windowing(4, 1).plan(new int[0]);
        assertEquals(List.of(), plan.windows());
        assertEquals(0, plan.windowOfWord().length);
    }

    @Test
    void shortInputIsOneWindow() {
        Windowing.Plan plan = new Windowing(10, 3).plan(new int[] {2, 0, 3, 5});
        assertEquals(List.of(new Windowing.Window(0, 4, 0, 10)), plan.windows());
        assertEquals("[0, 0, 0, 0]", Arrays.toString(plan.windowOfWord()));
    }

    @Test
    void handExample() {
        // 6 words of 2 tokens, windows of 4 tokens overlapping by 2: [0,2) [1,3) [2,4) [3,5) [4,6)
        Windowing.Plan plan = new Windowing(4, 2).plan(new int[] {2, 2, 2, 2, 2, 2});
        assertEquals(5, plan.windows().size());
        for (int w = 0; w < 5; w++) {
            assertEquals(new Windowing.Window(w, w + 2, 2 * w, 2 * w + 4), plan.windows().get(w));
        }
        check(new Windowing(4, 2), 4, 2, new int[] {2, 2, 2, 2, 2, 2}, "hand");
    }

    @Test
    void noOverlapWithStrideZero() {
        Windowing.Plan plan = new Windowing(3, 0).plan(new int[] {1, 1, 1, 1, 1, 1, 1});
        assertEquals(List.of(new Windowing.Window(0, 3, 0, 3), new Windowing.Window(3, 6, 3, 6), new Windowing.Window(6, 7, 6, 7)),
                plan.windows());
        assertEquals("[0, 0, 0, 1, 1, 1, 2]", Arrays.toString(plan.windowOfWord()));
    }

    @Test
    void randomPlansSatisfyTheInvariants() {
        long seed = new Random().nextLong();
        Random rnd = new Random(seed);
        for (int iter = 0; iter < 3000; iter++) {
            int maxTokens = 1 + rnd.nextInt(rnd.nextBoolean() ? 6 : 40);
            int stride = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(maxTokens);
            int n = rnd.nextInt(rnd.nextInt(5) == 0 ? 400 : 40);
            int[] counts = new int[n];
            int style = rnd.nextInt(4);
            for (int i = 0; i < n; i++) {
                counts[i] = switch (style) {
                    case 0 -> 1; // many one-token words
                    case 1 -> rnd.nextInt(3) == 0 ? maxTokens : 1 + rnd.nextInt(maxTokens); // words that fill a window
                    case 2 -> rnd.nextInt(4) == 0 ? 0 : 1 + rnd.nextInt(Math.min(maxTokens, 3)); // words without tokens
                    default -> rnd.nextInt(maxTokens + 1);
                };
            }
            check(new Windowing(maxTokens, stride), maxTokens, stride, counts,
                    "seed " + seed + ", case " + iter + ", maxTokens " + maxTokens + ", stride " + stride);
        }
    }

    private static void check(Windowing windowing, int maxTokens, int stride, int[] counts, String where) {
        where = where + ", counts " + Arrays.toString(counts);
        int n = counts.length;
        long[] prefix = new long[n + 1];
        for (int i = 0; i < n; i++) {
            prefix[i + 1] = prefix[i] + counts[i];
        }
        Windowing.Plan plan = windowing.plan(counts.clone());
        List<Windowing.Window> ws = plan.windows();
        where = where + ", windows " + ws;
        if (n == 0) {
            assertTrue(ws.isEmpty(), where);
            return;
        }
        assertEquals(0, ws.get(0).firstWord(), where);
        assertEquals(n, ws.get(ws.size() - 1).endWord(), where);
        for (int w = 0; w < ws.size(); w++) {
            Windowing.Window win = ws.get(w);
            if (win.firstWord() >= win.endWord()) {
                fail("empty window " + w + ": " + where);
            }
            assertEquals(prefix[win.firstWord()], win.tokenStart(), where);
            assertEquals(prefix[win.endWord()], win.tokenEnd(), where);
            if (win.tokenCount() > maxTokens) {
                fail("window " + w + " holds " + win.tokenCount() + " tokens: " + where);
            }
            // greedy: the next word would not have fitted
            if (win.endWord() < n && prefix[win.endWord() + 1] - prefix[win.firstWord()] <= maxTokens) {
                fail("window " + w + " could have taken word " + win.endWord() + ": " + where);
            }
            if (w > 0) {
                Windowing.Window prev = ws.get(w - 1);
                if (win.firstWord() <= prev.firstWord() || win.endWord() <= prev.endWord()) {
                    fail("window " + w + " does not progress past window " + (w - 1) + ": " + where);
                }
                if (win.firstWord() > prev.endWord()) {
                    fail("gap between windows " + (w - 1) + " and " + w + ": " + where);
                }
                long overlap = prev.tokenEnd() - win.tokenStart();
                if (overlap > stride) {
                    fail("windows " + (w - 1) + " and " + w + " overlap by " + overlap + " > stride: " + where);
                }
                // the overlap is as large as it can be: one more word would exceed the stride, or leave the previous
                // window's start, or keep the next window from reaching past the previous one
                int more = win.firstWord() - 1;
                if (more > prev.firstWord() && overlap + counts[more] <= stride
                        && prefix[prev.endWord() + 1] - prefix[more] <= maxTokens) {
                    fail("windows " + (w - 1) + " and " + w + " could overlap more (" + overlap + " < stride " + stride + "): " + where);
                }
            }
        }
        int[] windowOfWord = plan.windowOfWord();
        assertEquals(n, windowOfWord.length, where);
        for (int i = 0; i < n; i++) {
            int w = windowOfWord[i];
            if (w < 0 || w >= ws.size()) {
                fail("word " + i + " has no window: " + where);
            }
            Windowing.Window win = ws.get(w);
            if (i < win.firstWord() || i >= win.endWord()) {
                fail("word " + i + " is given window " + w + " which does not contain it: " + where);
            }
            if (i > 0 && windowOfWord[i] < windowOfWord[i - 1]) {
                fail("windowOfWord goes backwards at word " + i + ": " + where);
            }
        }
    }
}
