package org.polyspan.seq2seq;

import org.junit.jupiter.api.Test;
import org.polyspan.labeling.Document;
import org.polyspan.labeling.Span;
import org.polyspan.labeling.Word;
import org.polyspan.labeling.WordSplitter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Property tests without a model: random sentences in many scripts, and scripted scores that push the decoder off the
 * automaton's path. Whatever the scores, the output must copy the input exactly, the tags must be well formed, and the
 * spans' offsets must be exact.
 */
class ConstrainedDecodingPropertyTest {
    static final int VOCAB = 1024;
    static final List<String> LABELS = List.of("PER", "ORG", "LOC");
    static final String[] POOL = {
        "Angela", "Merkel", "Zürich", "Ærøskøbing", "café", "naïve", "e\u0301clair", "Ñandú", "straße", "İstanbul",
        "Москва", "Россия", "Владимир", "и", "в", "Київ",
        "北京", "東京", "上海市", "日本人", "中国",
        "القاهرة", "محمد", "مدينة", "في", "كتاب",
        "Αθήνα", "עברית", "हिन्दी", "ภาษาไทย", "한국어",
        "😀", "👩‍👩‍👧", "🇩🇪", "👍🏽", "x\u200dy",
        "<", ">", "</", "<PER>", "PER", "</PER>", "ORG", "<LOC", "R>",
        ".", ",", "!", "?", "—", "«", "»", "(", ")", "42", "3.14", "e-mail", "don't", "\uD800",
    };
    static final String[] SEPARATORS = {" ", " ", " ", "  ", "\u00A0", "\t", "\n", ""};

    enum Mode { RANDOM, OFF_PATH, TAGS, EOS_FIRST, CLOSE_EARLY }

    static String randomText(Random r) {
        StringBuilder sb = new StringBuilder();
        int n = 1 + r.nextInt(14);
        for (int i = 0; i < n; i++) {
            sb.append(SEPARATORS[r.nextInt(SEPARATORS.length)]);
            sb.append(POOL[r.nextInt(POOL.length)]);
        }
        if (r.nextBoolean()) {
            sb.append(SEPARATORS[r.nextInt(SEPARATORS.length)]);
        }
        return sb.toString();
    }

    /** Current automaton, for scores that know what is allowed (to prefer what is not). */
    private TagAutomaton current;

    private float[] score(Mode mode, long seed, int[] input, List<Integer> prefix) {
        long h = seed;
        for (int t : prefix) {
            h = h * 1_000_003L + t;
        }
        SplittableRandom r = new SplittableRandom(h);
        float[] out = new float[VOCAB];
        for (int i = 0; i < VOCAB; i++) {
            out[i] = (float) r.nextGaussian();
        }
        TagAutomaton.State s = current.start();
        for (int i = 1; i < prefix.size(); i++) {
            s = current.advance(s, prefix.get(i));
        }
        int[] allowed = current.allowedTokens(s);
        switch (mode) {
            case RANDOM -> {}
            case OFF_PATH -> {
                for (int i = 0; i < VOCAB; i++) {
                    out[i] += 8;
                }
                for (int t : allowed) {
                    out[t] -= 16;
                }
            }
            case TAGS -> {
                for (int t : allowed) {
                    out[t] += r.nextBoolean() ? 6 : 0;
                }
                out[ScriptedModels.EOS] -= 5;
            }
            case EOS_FIRST -> out[ScriptedModels.EOS] += 30;
            case CLOSE_EARLY -> {
                for (int t = 3; t < 40; t++) {
                    out[t] += 10; // the first ids are tag pieces (tags are tokenised first)
                }
            }
        }
        return out;
    }

    @Test
    void outputAlwaysCopiesInputWithWellFormedTagsAndExactOffsets() {
        Random rnd = new Random(20240917);
        WordSplitter splitter = new WordSplitter();
        int documents = 0;
        int spansChecked = 0;
        int multiReading = 0;
        for (int trial = 0; trial < 400; trial++) {
            Mode mode = Mode.values()[trial % Mode.values().length];
            int beam = 1 + trial % 5;
            String text = randomText(rnd);
            ScriptedModels.PieceTokenizer tok = new ScriptedModels.PieceTokenizer(VOCAB);
            long seed = rnd.nextLong();
            ScriptedModels.ScriptedSource source = new ScriptedModels.ScriptedSource(VOCAB, (in, p) -> score(mode, seed, in, p));
            List<String> open = trial % 2 == 0 ? Seq2SeqLabeler.Options.defaultOpenTags(LABELS) : List.of("[ PER", "[ ORG", "[ LOC");
            List<String> close = trial % 2 == 0 ? Seq2SeqLabeler.Options.defaultCloseTags(LABELS) : List.of("]", "]", "]");
            int maxInput = trial % 3 == 0 ? 12 : 1000; // small windows for a third of the trials
            Seq2SeqLabeler labeler = new Seq2SeqLabeler(tok, source, new Seq2SeqLabeler.Options(
                    LABELS, open, close, "", beam, trial % 4 == 0 ? 0.0 : 1.0, maxInput, ScriptedModels.PAD, ScriptedModels.EOS));
            Document doc = Document.of(text);
            List<Word> words = doc.words();
            List<String> texts = words.stream().map(w -> WordSplitter.tokenizerText(text, w)).toList();
            int[][] ids = tok.tokenize(texts);

            // decode, with the scorer seeing each window's automaton
            List<Seq2SeqLabeler.Decoded> decoded = new ArrayList<>();
            Seq2SeqLabeler windowed = new Seq2SeqLabeler(tok, (LogitsSource) input -> scripted(source, input, ids, labeler), new Seq2SeqLabeler.Options(LABELS, open, close, "", beam, 1.0, maxInput, ScriptedModels.PAD, ScriptedModels.EOS));
            decoded.addAll(windowed.decode(doc));

            java.util.Set<Integer> copied = new java.util.TreeSet<>();
            int previousFirst = -1;
            int keptEnd = -1;
            for (Seq2SeqLabeler.Decoded d : decoded) {
                int[][] units = new int[d.wordIndices().length][];
                assertTrue(d.wordIndices()[0] > previousFirst, "windows move forward");
                for (int k = 0; k < units.length; k++) {
                    units[k] = ids[d.wordIndices()[k]];
                    assertTrue(k == 0 || d.wordIndices()[k] > d.wordIndices()[k - 1], "a window keeps word order");
                    copied.add(d.wordIndices()[k]);
                }
                previousFirst = d.wordIndices()[0];
                // the spans kept from neighbouring windows never overlap
                for (TagAutomaton.TagSpan s : d.spans()) {
                    assertTrue(d.wordIndices()[s.from()] >= keptEnd, "kept spans do not overlap");
                    keptEnd = d.wordIndices()[s.to() - 1] + 1;
                }
                List<TagAutomaton.TagSpan> all = new TagAutomaton(units, labeler.openPaths(), labeler.closePaths(), ScriptedModels.EOS)
                        .spans(d.result().state());
                assertTrue(all.containsAll(d.spans()), "a window keeps some of its output's spans");
                // rebuild the only output these spans allow, and require the decoder's output to be exactly that
                List<Integer> expected = new ArrayList<>();
                int end = 0;
                int k = 0;
                for (TagAutomaton.TagSpan s : all) {
                    assertTrue(s.from() >= end && s.from() < s.to() && s.to() <= units.length, "span " + s + " is well formed");
                    for (; k < s.from(); k++) {
                        Arrays.stream(units[k]).forEach(expected::add);
                    }
                    Arrays.stream(labeler.openPaths()[s.label()]).forEach(expected::add);
                    for (; k < s.to(); k++) {
                        Arrays.stream(units[k]).forEach(expected::add);
                    }
                    Arrays.stream(labeler.closePaths()[s.label()]).forEach(expected::add);
                    end = s.to();
                }
                for (; k < units.length; k++) {
                    Arrays.stream(units[k]).forEach(expected::add);
                }
                expected.add(ScriptedModels.EOS);
                assertArrayEquals(expected.stream().mapToInt(Integer::intValue).toArray(), d.result().tokens(),
                        "output of [" + text + "] in mode " + mode);
                assertEquals(d.result().tokens().length, d.result().logProbs().length);
                if (d.result().state().readings() > 1) {
                    multiReading++;
                }
            }
            java.util.Set<Integer> nonEmpty = new java.util.TreeSet<>();
            for (int i = 0; i < ids.length; i++) {
                if (ids[i].length > 0) {
                    nonEmpty.add(i);
                }
            }
            assertEquals(nonEmpty, copied, "every word with tokens is copied");

            current = null;
            Seq2SeqLabeler plain = new Seq2SeqLabeler(tok, (LogitsSource) input -> scripted(source, input, ids, labeler), new Seq2SeqLabeler.Options(LABELS, open, close, "", beam, 1.0, maxInput, ScriptedModels.PAD, ScriptedModels.EOS));
            for (Span span : plain.label(doc, "default")) {
                assertEquals(span.text(), text.substring(span.start(), span.end()), "offsets of " + span + " in [" + text + "]");
                assertTrue(words.stream().anyMatch(w -> w.start() == span.start()), "span starts at a word");
                assertTrue(words.stream().anyMatch(w -> w.end() == span.end()), "span ends at a word");
                assertTrue(span.score() > 0 && span.score() <= 1, "score in (0, 1]");
                spansChecked++;
            }
            List<Span> direct = plain.label(doc, "default");
            List<Span> viaTags = plain.tagged(doc, new org.polyspan.labeling.IdentityHead("default", plain.bioLabels())).spans();
            assertEquals(direct.size(), viaTags.size(), "IOB2 view gives the same spans");
            for (int i = 0; i < direct.size(); i++) {
                Span x = direct.get(i);
                Span y = viaTags.get(i);
                assertEquals(List.of(x.label(), x.text(), x.start(), x.end()), List.of(y.label(), y.text(), y.start(), y.end()));
                assertEquals(x.score(), y.score(), 1e-6);
            }
            documents++;
        }
        System.out.printf("seq2seq property test: %d documents, %d spans checked, %d outputs with ambiguous readings%n",
                documents, spansChecked, multiReading);
        assertEquals(400, documents);
        assertTrue(spansChecked > 200, "the adversarial scores must produce spans, got " + spansChecked);
    }

    /** A session of the scripted source whose scorer sees this window's automaton (windows may be decoded in batches). */
    private LogitsSource.Session scripted(ScriptedModels.ScriptedSource source, int[] input, int[][] ids, Seq2SeqLabeler labeler) {
        TagAutomaton automaton = automatonFor(input, ids, labeler);
        LogitsSource.Session session = source.open(input);
        return new LogitsSource.Session() {
            @Override
            public float[][] step(int[] parents, int[] tokens) {
                current = automaton;
                return session.step(parents, tokens);
            }

            @Override
            public int vocabSize() {
                return session.vocabSize();
            }
        };
    }

    /** The automaton the labeler builds for this window (the input ids are the window's word ids plus EOS). */
    private static TagAutomaton automatonFor(int[] input, int[][] ids, Seq2SeqLabeler labeler) {
        // find the window: consecutive non-empty words whose ids concatenate to the input (without the suffix)
        int[] body = Arrays.copyOf(input, input.length - 1);
        List<Integer> nonEmpty = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i].length > 0) {
                nonEmpty.add(i);
            }
        }
        for (int s = 0; s < nonEmpty.size(); s++) {
            List<int[]> units = new ArrayList<>();
            int len = 0;
            for (int e = s; e < nonEmpty.size() && len < body.length; e++) {
                units.add(ids[nonEmpty.get(e)]);
                len += ids[nonEmpty.get(e)].length;
            }
            int[] cat = units.stream().flatMapToInt(Arrays::stream).toArray();
            if (Arrays.equals(cat, body)) {
                return new TagAutomaton(units.toArray(new int[0][]), labeler.openPaths(), labeler.closePaths(), ScriptedModels.EOS);
            }
        }
        throw new IllegalStateException("no window matches the input");
    }

    @Test
    void ambiguousTokensKeepBothReadings() {
        // word 0 = [5], tag PER opens with [5, 6]: token 5 is both a word and the start of a tag
        TagAutomaton a = new TagAutomaton(new int[][] {{5}, {7, 8}}, new int[][] {{5, 6}}, new int[][] {{9}}, 1);
        TagAutomaton.State s = a.start();
        assertArrayEquals(new int[] {5}, a.allowedTokens(s));
        s = a.advance(s, 5);
        assertEquals(2, s.readings());
        assertArrayEquals(new int[] {5, 6, 7}, a.allowedTokens(s)); // tag, next word, or the tag path
        s = a.advance(s, 6); // the tag reading only
        assertEquals(1, s.readings());
        assertArrayEquals(new int[] {5}, a.allowedTokens(s));
        for (int t : new int[] {5, 9, 7, 8, 1}) {
            s = a.advance(s, t);
            assertTrue(!s.isDead(), "token " + t);
        }
        assertTrue(s.isFinal());
        assertEquals(List.of(new TagAutomaton.TagSpan(0, 0, 1, 0, 4)), a.spans(s));
        assertTrue(a.advance(a.start(), 9).isDead());
    }

    @Test
    void closingNeedsAWordAndEosNeedsEverything() {
        TagAutomaton a = new TagAutomaton(new int[][] {{10}, {11}}, new int[][] {{20, 21}, {20, 22}}, new int[][] {{30}, {31}}, 1);
        TagAutomaton.State s = a.start();
        assertArrayEquals(new int[] {10, 20}, a.allowedTokens(s));
        s = a.advance(s, 20);
        assertArrayEquals(new int[] {21, 22}, a.allowedTokens(s));
        s = a.advance(s, 22);
        assertArrayEquals(new int[] {10}, a.allowedTokens(s), "no empty span");
        s = a.advance(s, 10);
        assertArrayEquals(new int[] {11, 31}, a.allowedTokens(s), "only the open tag's closing path");
        s = a.advance(s, 11);
        assertArrayEquals(new int[] {31}, a.allowedTokens(s), "no EOS with a tag open");
        s = a.advance(s, 31);
        assertArrayEquals(new int[] {1}, a.allowedTokens(s), "no tag opens with no word left");
        s = a.advance(s, 1);
        assertTrue(s.isFinal());
        assertEquals(0, a.allowedTokens(s).length);
        assertEquals(List.of(new TagAutomaton.TagSpan(1, 0, 2, 0, 5)), a.spans(s));
    }
}
