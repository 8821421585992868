package org.polyspan.seq2seq;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The finite-state constraint for text-to-text labelling. The output must be the input copied word by word, sub-token
 * by sub-token, with tags inserted around runs of whole words. At every step the decoder may only
 * <ol type="a">
 *   <li>emit the next sub-token of the word being copied, or the first sub-token of the next input word;</li>
 *   <li>open a tag (walk its token path) when no tag is open and a word is left to copy;</li>
 *   <li>close the open tag (walk its closing path) after at least one word was copied inside it;</li>
 *   <li>emit EOS when every word is copied and no tag is open.</li>
 * </ol>
 * All token paths are fixed when the automaton is built (the opening tags form a trie); {@link #allowedTokens} and
 * {@link #advance} never tokenise anything.
 *
 * <p>A token can be valid in two ways at once (a word {@code <} and the first piece of a tag {@code <PER>}), so a
 * {@link State} holds every live reading, in a fixed order: word copies before tags, earlier readings first. The
 * readings that agree on everything that matters for the future are merged, keeping the first. At the end, the spans of
 * the first reading that accepted EOS are the answer.
 */
public final class TagAutomaton {
    static final int FREE = 0;      // between words, no tag open
    static final int IN_WORD = 1;   // inside a word of several sub-tokens
    static final int OPENING = 2;   // walking an opening-tag path
    static final int INSIDE = 3;    // between words, a tag open
    static final int CLOSING = 4;   // walking a closing-tag path
    static final int DONE = 5;      // EOS emitted

    private final int[][] words;
    private final int[][] closePaths;
    private final int eos;
    private final int numLabels;
    // opening-tag trie: node 0 is the root
    private final int[][] trieTokens;
    private final int[][] trieNext;
    private final int[] trieLabel;

    /** A completed span, as unit indices {@code [from, to)} and output token positions {@code [tokenFrom, tokenTo)}. */
    public record TagSpan(int label, int from, int to, int tokenFrom, int tokenTo) {}

    /** Persistent list of completed spans, newest first. */
    private record SpanList(TagSpan span, SpanList rest) {}

    private record Reading(int mode, int word, int sub, int label, int pos, boolean copied, int spanWord, int spanToken,
                           SpanList spans) {
        Object key() {
            return List.of(mode, word, sub, label, pos, copied, spanWord, spanToken);
        }
    }

    /** The automaton's state after a prefix of the output: every live reading of that prefix, plus its length. */
    public static final class State {
        private final Reading[] readings;
        private final int length;
        private int[] allowed;

        private State(Reading[] readings, int length) {
            this.readings = readings;
            this.length = length;
        }

        public boolean isFinal() {
            for (Reading r : readings) {
                if (r.mode == DONE) {
                    return true;
                }
            }
            return false;
        }

        public boolean isDead() {
            return readings.length == 0;
        }

        /** Output tokens consumed so far. */
        public int length() {
            return length;
        }

        /** Number of distinct readings of the prefix; 1 unless a word token and a tag token coincide. */
        public int readings() {
            return readings.length;
        }
    }

    /**
     * @param words       the input words' sub-token ids, in order, each exactly as the tokenizer encodes it in the input
     *                    (words without tokens must be left out by the caller)
     * @param openPaths   per label, the token path of its opening tag; no path may be a prefix of another
     * @param closePaths  per label, the token path of its closing tag
     * @param eos         the end-of-sequence token
     */
    public TagAutomaton(int[][] words, int[][] openPaths, int[][] closePaths, int eos) {
        for (int[] w : words) {
            if (w.length == 0) {
                throw new IllegalArgumentException("a word without tokens cannot be copied");
            }
        }
        if (openPaths.length != closePaths.length) {
            throw new IllegalArgumentException("opening and closing tags differ in number");
        }
        this.words = words;
        this.closePaths = closePaths;
        this.eos = eos;
        this.numLabels = openPaths.length;
        List<int[]> tokens = new ArrayList<>();
        List<int[]> next = new ArrayList<>();
        List<Integer> label = new ArrayList<>();
        tokens.add(new int[0]);
        next.add(new int[0]);
        label.add(-1);
        for (int l = 0; l < openPaths.length; l++) {
            if (openPaths[l].length == 0 || closePaths[l].length == 0) {
                throw new IllegalArgumentException("tag paths of label " + l + " must not be empty");
            }
            int node = 0;
            for (int tok : openPaths[l]) {
                if (label.get(node) >= 0) {
                    throw new IllegalArgumentException("opening tag of label " + label.get(node) + " is a prefix of label " + l + "'s");
                }
                int k = indexOf(tokens.get(node), tok);
                if (k < 0) {
                    tokens.set(node, append(tokens.get(node), tok));
                    next.set(node, append(next.get(node), tokens.size()));
                    tokens.add(new int[0]);
                    next.add(new int[0]);
                    label.add(-1);
                    node = tokens.size() - 1;
                } else {
                    node = next.get(node)[k];
                }
            }
            if (tokens.get(node).length > 0 || label.get(node) >= 0) {
                throw new IllegalArgumentException("opening tag of label " + l + " is a prefix of another label's, or a duplicate");
            }
            label.set(node, l);
        }
        this.trieTokens = tokens.toArray(new int[0][]);
        this.trieNext = next.toArray(new int[0][]);
        this.trieLabel = label.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == v) {
                return i;
            }
        }
        return -1;
    }

    private static int[] append(int[] a, int v) {
        int[] b = Arrays.copyOf(a, a.length + 1);
        b[a.length] = v;
        return b;
    }

    public int numWords() {
        return words.length;
    }

    public int numLabels() {
        return numLabels;
    }

    public int eos() {
        return eos;
    }

    /** Upper bound on the output length: every word copied and wrapped in the longest tags, plus EOS. */
    public int maxLength() {
        int longest = 0;
        for (int l = 0; l < numLabels; l++) {
            longest = Math.max(longest, depth(l) + closePaths[l].length);
        }
        int n = 1;
        for (int[] w : words) {
            n += w.length + longest;
        }
        return n;
    }

    private int depth(int l) {
        // the opening path length of label l = depth of its trie leaf
        for (int node = 0; node < trieLabel.length; node++) {
            if (trieLabel[node] == l) {
                int d = 0;
                int cur = node;
                while (cur != 0) {
                    cur = parentOf(cur);
                    d++;
                }
                return d;
            }
        }
        return 0;
    }

    private int parentOf(int node) {
        for (int p = 0; p < trieNext.length; p++) {
            if (indexOf(trieNext[p], node) >= 0) {
                return p;
            }
        }
        throw new IllegalStateException();
    }

    public State start() {
        return new State(new Reading[] {new Reading(FREE, 0, 0, -1, 0, false, -1, -1, null)}, 0);
    }

    /** The tokens allowed after the state, ascending and distinct; empty once EOS was emitted. */
    public int[] allowedTokens(State state) {
        if (state.allowed != null) {
            return state.allowed;
        }
        int[] out;
        if (state.readings.length == 1) {
            out = allowed(state.readings[0]);
            if (out.length > 1) {
                out = out.clone();
                Arrays.sort(out);
                out = distinct(out);
            }
        } else {
            int[][] parts = new int[state.readings.length][];
            int n = 0;
            for (int i = 0; i < parts.length; i++) {
                parts[i] = allowed(state.readings[i]);
                n += parts[i].length;
            }
            out = new int[n];
            n = 0;
            for (int[] p : parts) {
                System.arraycopy(p, 0, out, n, p.length);
                n += p.length;
            }
            Arrays.sort(out);
            out = distinct(out);
        }
        state.allowed = out;
        return out;
    }

    private static int[] distinct(int[] sorted) {
        int n = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (i == 0 || sorted[i] != sorted[i - 1]) {
                sorted[n++] = sorted[i];
            }
        }
        return n == sorted.length ? sorted : Arrays.copyOf(sorted, n);
    }

    private int[] allowed(Reading r) {
        switch (r.mode) {
            case FREE: {
                if (r.word == words.length) {
                    return new int[] {eos};
                }
                int[] root = trieTokens[0];
                int[] out = new int[root.length + 1];
                out[0] = words[r.word][0];
                System.arraycopy(root, 0, out, 1, root.length);
                return out;
            }
            case IN_WORD:
                return new int[] {words[r.word][r.sub]};
            case OPENING:
                return trieTokens[r.pos];
            case INSIDE: {
                int close = closePaths[r.label][0];
                if (r.word == words.length) {
                    return new int[] {close}; // copied is true here: a tag opens only with a word left
                }
                return r.copied ? new int[] {words[r.word][0], close} : new int[] {words[r.word][0]};
            }
            case CLOSING:
                return new int[] {closePaths[r.label][r.pos]};
            default:
                return new int[0];
        }
    }

    /** The state after emitting {@code token}; {@link State#isDead()} when the token was not allowed. */
    public State advance(State state, int token) {
        int t = state.length; // position of this token in the output
        if (state.readings.length == 1) {
            Reading[] one = new Reading[2];
            int n = step(state.readings[0], token, t, one, 0);
            return new State(n == 1 ? new Reading[] {one[0]} : Arrays.copyOf(one, n), t + 1);
        }
        Reading[] buf = new Reading[state.readings.length * 2];
        int n = 0;
        for (Reading r : state.readings) {
            n = step(r, token, t, buf, n);
        }
        List<Reading> kept = new ArrayList<>(n);
        Set<Object> seen = new HashSet<>();
        for (int i = 0; i < n; i++) {
            if (seen.add(buf[i].key())) {
                kept.add(buf[i]);
            }
        }
        return new State(kept.toArray(new Reading[0]), t + 1);
    }

    /** Appends the readings that follow {@code r} on {@code token} (word copy first, then tags). */
    private int step(Reading r, int token, int t, Reading[] out, int n) {
        switch (r.mode) {
            case FREE:
                if (r.word == words.length) {
                    if (token == eos) {
                        out[n++] = new Reading(DONE, r.word, 0, -1, 0, false, -1, -1, r.spans);
                    }
                    return n;
                }
                if (words[r.word][0] == token) {
                    out[n++] = afterSub(r, 0);
                }
                int k = indexOf(trieTokens[0], token);
                if (k >= 0) {
                    out[n++] = enterTrie(r, trieNext[0][k], t);
                }
                return n;
            case IN_WORD:
                if (words[r.word][r.sub] == token) {
                    out[n++] = afterSub(r, r.sub);
                }
                return n;
            case OPENING: {
                int j = indexOf(trieTokens[r.pos], token);
                if (j >= 0) {
                    out[n++] = enterTrie(r, trieNext[r.pos][j], r.spanToken);
                }
                return n;
            }
            case INSIDE:
                if (r.word < words.length && words[r.word][0] == token) {
                    out[n++] = afterSub(r, 0);
                }
                if (r.copied && closePaths[r.label][0] == token) {
                    out[n++] = afterClose(r, 0, t);
                }
                return n;
            case CLOSING:
                if (closePaths[r.label][r.pos] == token) {
                    out[n++] = afterClose(r, r.pos, t);
                }
                return n;
            default:
                return n;
        }
    }

    /** Sub-token {@code sub} of word {@code r.word} was emitted. */
    private Reading afterSub(Reading r, int sub) {
        if (sub + 1 < words[r.word].length) {
            return new Reading(IN_WORD, r.word, sub + 1, r.label, 0, r.copied, r.spanWord, r.spanToken, r.spans);
        }
        boolean open = r.label >= 0;
        return new Reading(open ? INSIDE : FREE, r.word + 1, 0, r.label, 0, open, r.spanWord, r.spanToken, r.spans);
    }

    private Reading enterTrie(Reading r, int node, int spanToken) {
        if (trieLabel[node] >= 0) {
            return new Reading(INSIDE, r.word, 0, trieLabel[node], 0, false, r.word, spanToken, r.spans);
        }
        return new Reading(OPENING, r.word, 0, -1, node, false, r.word, spanToken, r.spans);
    }

    /** Token {@code pos} of the closing path, at output position {@code t}, was emitted. */
    private Reading afterClose(Reading r, int pos, int t) {
        if (pos + 1 < closePaths[r.label].length) {
            return new Reading(CLOSING, r.word, 0, r.label, pos + 1, true, r.spanWord, r.spanToken, r.spans);
        }
        TagSpan span = new TagSpan(r.label, r.spanWord, r.word, r.spanToken, t + 1);
        return new Reading(FREE, r.word, 0, -1, 0, false, -1, -1, new SpanList(span, r.spans));
    }

    /** The spans of a final state, in order, read off its first reading. */
    public List<TagSpan> spans(State state) {
        if (!state.isFinal()) {
            throw new IllegalArgumentException("the output is not complete");
        }
        Reading done = null;
        for (Reading r : state.readings) {
            if (r.mode == DONE) {
                done = r;
                break;
            }
        }
        List<TagSpan> out = new ArrayList<>();
        for (SpanList s = done.spans; s != null; s = s.rest) {
            out.add(s.span);
        }
        java.util.Collections.reverse(out);
        return out;
    }
}
