package org.polyspan.seq2seq;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The output grammar of T-Projection candidate generation: one segment per slot, in slot order, then EOS. A segment is
 * the token sequence of {@code <Tag>span</Tag>} for the slot's label, where the span is a contiguous word range of the
 * target sentence. Every allowed segment is given up front (its tokens and the word ranges whose text it spells), so the
 * decoder can only ever emit spans that exist in the target; {@link #allowedTokens} and {@link #advance} never
 * tokenise anything.
 *
 * <p>The segments of each label form a trie. A segment may end where another continues (a word range whose text is a
 * prefix of another's, followed by the closing tag's tokens, is not excluded in general), and the token that continues
 * one may start the next slot, so a {@link State} keeps every live reading, in a fixed order: continuing inside the
 * trie before moving to the next slot. Readings at the same slot and trie node are merged, keeping the first; the
 * segments of the first reading that accepted EOS are the answer.
 */
public final class SpanSlotAutomaton {
    /** One allowed segment: its tokens and the word ranges {@code [start, end)} whose text it spells. */
    public record Segment(int[] tokens, List<int[]> ranges) {}

    /** The segment chosen for a slot: the word ranges it spells, and its output token positions {@code [from, to)}. */
    public record Chosen(int slot, List<int[]> ranges, int tokenFrom, int tokenTo) {}

    private record ChosenList(Chosen chosen, ChosenList rest) {}

    private record Reading(int slot, int node, int segmentStart, boolean done, ChosenList chosen) {
        List<Integer> key() {
            return List.of(slot, node, done ? 1 : 0);
        }
    }

    /** The automaton's state after a prefix of the output. */
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
                if (r.done) {
                    return true;
                }
            }
            return false;
        }

        public boolean isDead() {
            return readings.length == 0;
        }

        public int length() {
            return length;
        }
    }

    /** A frozen trie: per node its outgoing tokens (ascending), child nodes, and the ranges of a segment ending there. */
    private static final class Trie {
        final int[][] tokens;
        final int[][] next;
        final List<List<int[]>> ranges; // null where no segment ends

        Trie(List<Segment> segments) {
            List<TreeMap<Integer, Integer>> children = new ArrayList<>();
            List<List<int[]>> ends = new ArrayList<>();
            children.add(new TreeMap<>());
            ends.add(null);
            for (Segment s : segments) {
                if (s.tokens().length == 0) {
                    throw new IllegalArgumentException("a segment without tokens cannot be generated");
                }
                int node = 0;
                for (int t : s.tokens()) {
                    Integer child = children.get(node).get(t);
                    if (child == null) {
                        child = children.size();
                        children.get(node).put(t, child);
                        children.add(new TreeMap<>());
                        ends.add(null);
                    }
                    node = child;
                }
                if (ends.get(node) == null) {
                    ends.set(node, new ArrayList<>());
                }
                ends.get(node).addAll(s.ranges());
            }
            int n = children.size();
            tokens = new int[n][];
            next = new int[n][];
            for (int i = 0; i < n; i++) {
                tokens[i] = children.get(i).keySet().stream().mapToInt(Integer::intValue).toArray();
                next[i] = children.get(i).values().stream().mapToInt(Integer::intValue).toArray();
            }
            ranges = ends;
        }

        int child(int node, int token) {
            int k = Arrays.binarySearch(tokens[node], token);
            return k >= 0 ? next[node][k] : -1;
        }
    }

    private final Trie[] slotTries;
    private final int eos;

    /**
     * @param slotSegments per slot, its allowed segments (slots of the same label may share one list instance, which
     *                     then shares one trie); every slot needs at least one segment
     * @param eos          the end-of-sequence token
     */
    public SpanSlotAutomaton(List<List<Segment>> slotSegments, int eos) {
        this.eos = eos;
        this.slotTries = new Trie[slotSegments.size()];
        IdentityHashMap<List<Segment>, Trie> shared = new IdentityHashMap<>();
        for (int s = 0; s < slotTries.length; s++) {
            List<Segment> segs = slotSegments.get(s);
            if (segs.isEmpty()) {
                throw new IllegalArgumentException("slot " + s + " has no segment to generate");
            }
            slotTries[s] = shared.computeIfAbsent(segs, Trie::new);
        }
    }

    public int numSlots() {
        return slotTries.length;
    }

    public int eos() {
        return eos;
    }

    public State start() {
        return new State(new Reading[] {new Reading(0, 0, 0, false, null)}, 0);
    }

    /** The tokens allowed after the state, ascending and distinct; empty once EOS was emitted. */
    public int[] allowedTokens(State state) {
        if (state.allowed != null) {
            return state.allowed;
        }
        int[] out;
        if (state.readings.length == 1) {
            out = allowed(state.readings[0]);
        } else {
            TreeSet<Integer> all = new TreeSet<>();
            for (Reading r : state.readings) {
                for (int t : allowed(r)) {
                    all.add(t);
                }
            }
            out = all.stream().mapToInt(Integer::intValue).toArray();
        }
        state.allowed = out;
        return out;
    }

    private int[] allowed(Reading r) {
        if (r.done) {
            return new int[0];
        }
        if (r.slot == slotTries.length) {
            return new int[] {eos};
        }
        return slotTries[r.slot].tokens[r.node];
    }

    /** The state after emitting {@code token}; {@link State#isDead()} when the token was not allowed. */
    public State advance(State state, int token) {
        int t = state.length; // position of this token in the output
        List<Reading> out = new ArrayList<>(2);
        Set<List<Integer>> seen = new HashSet<>();
        for (Reading r : state.readings) {
            if (r.done) {
                continue;
            }
            if (r.slot == slotTries.length) {
                if (token == eos) {
                    add(out, seen, new Reading(r.slot, 0, t + 1, true, r.chosen));
                }
                continue;
            }
            Trie trie = slotTries[r.slot];
            int child = trie.child(r.node, token);
            if (child < 0) {
                continue;
            }
            int segmentStart = r.node == 0 ? t : r.segmentStart;
            if (trie.tokens[child].length > 0) {
                add(out, seen, new Reading(r.slot, child, segmentStart, false, r.chosen));
            }
            if (trie.ranges.get(child) != null) {
                Chosen c = new Chosen(r.slot, trie.ranges.get(child), segmentStart, t + 1);
                add(out, seen, new Reading(r.slot + 1, 0, t + 1, false, new ChosenList(c, r.chosen)));
            }
        }
        return new State(out.toArray(new Reading[0]), t + 1);
    }

    private static void add(List<Reading> out, Set<List<Integer>> seen, Reading r) {
        if (seen.add(r.key())) {
            out.add(r);
        }
    }

    /** Upper bound on the output length: the longest segment of every slot, plus EOS. */
    public int maxLength() {
        int n = 1;
        for (Trie trie : slotTries) {
            n += depth(trie, 0);
        }
        return n;
    }

    private static int depth(Trie trie, int node) {
        int best = 0;
        for (int c : trie.next[node]) {
            best = Math.max(best, 1 + depth(trie, c));
        }
        return best;
    }

    /** The segment chosen for every slot, in slot order, read off the first reading that accepted EOS. */
    public List<Chosen> chosen(State state) {
        for (Reading r : state.readings) {
            if (r.done) {
                List<Chosen> out = new ArrayList<>();
                for (ChosenList c = r.chosen; c != null; c = c.rest) {
                    out.add(c.chosen);
                }
                Collections.reverse(out);
                return out;
            }
        }
        throw new IllegalArgumentException("the output is not complete");
    }
}
