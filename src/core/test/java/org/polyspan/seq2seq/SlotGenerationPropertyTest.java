package org.polyspan.seq2seq;

import org.junit.jupiter.api.Test;
import org.polyspan.labeling.Document;
import org.polyspan.labeling.Word;
import org.polyspan.labeling.WordSplitter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * T-Projection candidate generation without a model: random target sentences in many scripts, random slots, and
 * scripted scores that favour EOS, the placeholder, tag pieces or random tokens. Whatever the scores, every output must
 * be exactly one {@code <Tag>span</Tag>} segment per slot, in order, then EOS, and every generated span must be a
 * contiguous word range whose text is the words of the target joined by spaces, with exact offsets.
 */
class SlotGenerationPropertyTest {
    static final int VOCAB = 2048;
    static final List<String> LABELS = List.of("PER", "ORG", "LOC", "MISC", "Claim");

    enum Mode { RANDOM, EOS_FIRST, PLACEHOLDER, LOW_IDS }

    private static float[] score(Mode mode, long seed, List<Integer> prefix, int[] placeholder) {
        long h = seed;
        for (int t : prefix) {
            h = h * 1_000_003L + t;
        }
        SplittableRandom r = new SplittableRandom(h);
        float[] out = new float[VOCAB];
        for (int i = 0; i < VOCAB; i++) {
            out[i] = (float) (3 * r.nextGaussian());
        }
        switch (mode) {
            case RANDOM -> {}
            case EOS_FIRST -> out[ScriptedModels.EOS] += 40;
            case PLACEHOLDER -> {
                for (int t : placeholder) {
                    out[t] += 12;
                }
            }
            case LOW_IDS -> {
                for (int t = 3; t < 30; t++) {
                    out[t] += 10;
                }
            }
        }
        return out;
    }

    @Test
    void everyOutputIsOneSegmentPerSlotAndEverySpanIsExactTargetWords() {
        Random rnd = new Random(77);
        int spansChecked = 0;
        int outputs = 0;
        for (int trial = 0; trial < 300; trial++) {
            Mode mode = Mode.values()[trial % Mode.values().length];
            int beam = 1 + trial % 4;
            String text = ConstrainedDecodingPropertyTest.randomText(rnd);
            Document doc = Document.of(text);
            List<Word> words = doc.words();
            List<String> slots = new ArrayList<>();
            for (int s = 0, n = 1 + rnd.nextInt(4); s < n; s++) {
                slots.add(LABELS.get(rnd.nextInt(LABELS.size())));
            }
            ScriptedModels.PieceTokenizer tok = new ScriptedModels.PieceTokenizer(VOCAB);
            int[] placeholder = tok.word(TProjectionGenerator.PLACEHOLDER);
            long seed = rnd.nextLong();
            LogitsSource source = new ScriptedModels.ScriptedSource(VOCAB, (in, p) -> score(mode, seed, p, placeholder));
            List<String> configured = List.of("PER", "ORG");
            Seq2SeqLabeler.Options options = new Seq2SeqLabeler.Options(configured, List.of("<PER>", "[ORG"), List.of("</PER>", "]"),
                    "", 4, trial % 3 == 0 ? 0.0 : 1.0, 100_000, ScriptedModels.PAD, ScriptedModels.EOS);
            int maxWords = 1 + trial % 6;
            TProjectionGenerator gen = new TProjectionGenerator(tok, source, options, beam, maxWords);
            TProjectionGenerator.Run run = gen.run(doc, slots);
            if (words.isEmpty()) {
                assertTrue(run == null, "no words, nothing to generate");
                continue;
            }
            List<String> texts = words.stream().map(w -> WordSplitter.tokenizerText(text, w)).toList();
            assertTrue(run.outputs().size() >= 1 && run.outputs().size() <= beam, "1 to beam outputs");
            double previous = Double.POSITIVE_INFINITY;
            for (SlotBeamSearch.Output o : run.outputs()) {
                assertTrue(o.score() <= previous, "outputs ranked by score");
                previous = o.score();
                assertEquals(slots.size(), o.chosen().size(), "one segment per slot");
                List<Integer> rebuilt = new ArrayList<>();
                for (int s = 0; s < slots.size(); s++) {
                    SpanSlotAutomaton.Chosen c = o.chosen().get(s);
                    assertEquals(s, c.slot());
                    assertEquals(rebuilt.size(), c.tokenFrom(), "segments are back to back");
                    String[] tags = gen.tags(slots.get(s));
                    int[] segment = null;
                    for (int[] range : c.ranges()) {
                        assertTrue(range[0] >= 0 && range[0] < range[1] && range[1] <= words.size()
                                && range[1] - range[0] <= maxWords, "range " + Arrays.toString(range) + " in " + text);
                        String joined = String.join(" ", texts.subList(range[0], range[1]));
                        int[] ids = tok.word(tags[0] + joined + tags[1]);
                        if (segment == null) {
                            segment = ids;
                        }
                        assertArrayEquals(segment, ids, "every range of a segment spells the same tokens");
                        int start = words.get(range[0]).start();
                        int end = words.get(range[1] - 1).end();
                        assertTrue(start < end && end <= text.length());
                        spansChecked++;
                    }
                    Arrays.stream(segment).forEach(rebuilt::add);
                    assertEquals(rebuilt.size(), c.tokenTo());
                }
                rebuilt.add(ScriptedModels.EOS);
                assertArrayEquals(rebuilt.stream().mapToInt(Integer::intValue).toArray(), o.tokens(),
                        "output of [" + text + "] with slots " + slots + " in mode " + mode);
                outputs++;
            }
            for (TProjectionGenerator.Generated g : run.spans()) {
                assertEquals(slots.get(g.slot()), g.label());
            }
        }
        System.out.printf("slot generation property test: %d outputs, %d spans checked%n", outputs, spansChecked);
        assertTrue(outputs > 300, "outputs checked: " + outputs);
    }

    /** Walks every path the automaton allows and requires exactly the concatenations of one segment per slot. */
    @Test
    void automatonAcceptsExactlyTheSlotLanguage() {
        Random rnd = new Random(5);
        for (int trial = 0; trial < 200; trial++) {
            // small alphabet so that segments share prefixes and one segment can be a prefix of another
            int slotsN = 1 + rnd.nextInt(3);
            List<List<SpanSlotAutomaton.Segment>> bySlot = new ArrayList<>();
            List<List<SpanSlotAutomaton.Segment>> pools = new ArrayList<>();
            for (int p = 0; p < 2; p++) {
                List<SpanSlotAutomaton.Segment> pool = new ArrayList<>();
                Set<List<Integer>> seen = new HashSet<>();
                for (int k = 0, n = 1 + rnd.nextInt(4); k < n; k++) {
                    int[] toks = rnd.ints(1 + rnd.nextInt(3), 3, 6).toArray();
                    if (seen.add(Arrays.stream(toks).boxed().toList())) {
                        pool.add(new SpanSlotAutomaton.Segment(toks, List.of(new int[] {k, k + 1})));
                    }
                }
                pools.add(pool);
            }
            for (int s = 0; s < slotsN; s++) {
                bySlot.add(pools.get(rnd.nextInt(2)));
            }
            Set<List<Integer>> expected = new HashSet<>();
            expand(bySlot, 0, new ArrayList<>(), expected);
            SpanSlotAutomaton a = new SpanSlotAutomaton(bySlot, 1);
            Set<List<Integer>> accepted = new HashSet<>();
            walk(a, a.start(), new ArrayList<>(), accepted, bySlot);
            assertEquals(expected, accepted, "language of trial " + trial);
        }
    }

    private static void expand(List<List<SpanSlotAutomaton.Segment>> slots, int s, List<Integer> prefix, Set<List<Integer>> out) {
        if (s == slots.size()) {
            List<Integer> done = new ArrayList<>(prefix);
            done.add(1);
            out.add(done);
            return;
        }
        for (SpanSlotAutomaton.Segment seg : slots.get(s)) {
            List<Integer> next = new ArrayList<>(prefix);
            Arrays.stream(seg.tokens()).forEach(next::add);
            expand(slots, s + 1, next, out);
        }
    }

    private static void walk(SpanSlotAutomaton a, SpanSlotAutomaton.State state, List<Integer> prefix,
                             Set<List<Integer>> out, List<List<SpanSlotAutomaton.Segment>> slots) {
        assertTrue(prefix.size() <= a.maxLength(), "within the length bound");
        if (state.isFinal()) {
            assertEquals(0, a.allowedTokens(state).length);
            out.add(List.copyOf(prefix));
            // the chosen segments spell the output
            List<Integer> rebuilt = new ArrayList<>();
            List<SpanSlotAutomaton.Chosen> chosen = a.chosen(state);
            assertEquals(slots.size(), chosen.size());
            for (SpanSlotAutomaton.Chosen c : chosen) {
                List<Integer> seg = prefix.subList(c.tokenFrom(), c.tokenTo());
                assertTrue(slots.get(c.slot()).stream().anyMatch(sg -> Arrays.stream(sg.tokens()).boxed().toList().equals(seg)
                        && sg.ranges().equals(c.ranges())), "chosen segment is the slot's segment with its ranges");
                rebuilt.addAll(seg);
            }
            rebuilt.add(1);
            assertEquals(prefix, rebuilt);
            return;
        }
        int[] allowed = a.allowedTokens(state);
        assertTrue(allowed.length > 0, "a live state allows something: " + prefix);
        for (int t : allowed) {
            List<Integer> next = new ArrayList<>(prefix);
            next.add(t);
            SpanSlotAutomaton.State s = a.advance(state, t);
            assertTrue(!s.isDead());
            walk(a, s, next, out, slots);
        }
        assertTrue(a.advance(state, 999).isDead(), "a token outside the language kills the state");
    }
}
