package org.polyspan.labeling;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a sequence of words into overlapping windows that each fit the model, on word boundaries, and picks for every
 * word the window where it has the most context on both sides. Every word lands in at least one window, so nothing
 * is dropped however long the text is.
 */
public final class Windowing {

    /** Words {@code [firstWord, endWord)}; {@code tokenStart} is the sub-token offset of the first word in the text. */
    public record Window(int firstWord, int endWord, int tokenStart, int tokenEnd) {
        public int tokenCount() {
            return tokenEnd - tokenStart;
        }
    }

    /** The windows, and for every word the index of the window whose prediction it takes. */
    public record Plan(List<Window> windows, int[] windowOfWord) {}

    private final int maxTokens;
    private final int stride;

    /**
     * @param maxTokens sub-tokens a window may hold (the model's maximum length minus its special tokens)
     * @param stride    sub-tokens of overlap wanted between consecutive windows
     */
    public Windowing(int maxTokens, int stride) {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be positive, got " + maxTokens);
        }
        if (stride < 0 || stride >= maxTokens) {
            throw new IllegalArgumentException("stride must be in [0, maxTokens), got " + stride);
        }
        this.maxTokens = maxTokens;
        this.stride = stride;
    }

    public int maxTokens() {
        return maxTokens;
    }

    /**
     * Plans each segment (e.g. sentence) on its own, so no window spans two segments.
     *
     * @param segmentStarts first word of every segment, ascending, starting with 0
     */
    public Plan plan(int[] tokenCounts, int[] segmentStarts) {
        List<Window> windows = new ArrayList<>();
        int[] windowOfWord = new int[tokenCounts.length];
        int tokenOffset = 0;
        for (int s = 0; s < segmentStarts.length; s++) {
            int from = segmentStarts[s];
            int to = s + 1 < segmentStarts.length ? segmentStarts[s + 1] : tokenCounts.length;
            Plan part = plan(java.util.Arrays.copyOfRange(tokenCounts, from, to));
            for (int i = 0; i < to - from; i++) {
                windowOfWord[from + i] = windows.size() + part.windowOfWord()[i];
            }
            for (Window w : part.windows()) {
                windows.add(new Window(w.firstWord() + from, w.endWord() + from, w.tokenStart() + tokenOffset, w.tokenEnd() + tokenOffset));
            }
            for (int i = from; i < to; i++) {
                tokenOffset += tokenCounts[i];
            }
        }
        return new Plan(windows, windowOfWord);
    }

    /** @param tokenCounts sub-tokens per word, each already at most {@code maxTokens} */
    public Plan plan(int[] tokenCounts) {
        int n = tokenCounts.length;
        long[] prefix = new long[n + 1];
        for (int i = 0; i < n; i++) {
            if (tokenCounts[i] > maxTokens) {
                throw new IllegalArgumentException("word " + i + " has " + tokenCounts[i] + " sub-tokens, more than " + maxTokens);
            }
            prefix[i + 1] = prefix[i] + tokenCounts[i];
        }
        List<Window> windows = new ArrayList<>();
        int start = 0;
        while (start < n) {
            int end = start;
            while (end < n && prefix[end + 1] - prefix[start] <= maxTokens) {
                end++;
            }
            windows.add(new Window(start, end, (int) prefix[start], (int) prefix[end]));
            if (end == n) {
                break;
            }
            // the next window overlaps by at most `stride` sub-tokens and still has room for the next word, so every
            // window adds at least one word
            int next = end;
            while (next - 1 > start && prefix[end] - prefix[next - 1] <= stride && prefix[end + 1] - prefix[next - 1] <= maxTokens) {
                next--;
            }
            start = next;
        }
        int[] windowOfWord = new int[n];
        for (int w = 0, firstFree = 0; w < windows.size(); w++) {
            Window window = windows.get(w);
            for (int i = Math.max(window.firstWord(), firstFree); i < window.endWord(); i++) {
                windowOfWord[i] = w;
            }
            firstFree = window.endWord();
        }
        // in an overlap, a word belongs to the window where it sits further from an edge
        for (int w = 1; w < windows.size(); w++) {
            Window prev = windows.get(w - 1);
            Window cur = windows.get(w);
            for (int i = cur.firstWord(); i < prev.endWord(); i++) {
                long leftInCur = prefix[i] - cur.tokenStart();
                long rightInPrev = prev.tokenEnd() - prefix[i + 1];
                windowOfWord[i] = leftInCur > rightInPrev ? w : w - 1;
            }
        }
        return new Plan(windows, windowOfWord);
    }
}
