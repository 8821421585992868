package org.polyspan.labeling;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link SpanLabeler} with a scripted tokenizer and encoder: one sub-token per code point (the word's first marked),
 * the word {@code ~} has no sub-tokens at all, and the encoder's vector for a position only depends on the token
 * there: {@code [first sub-token of a capitalised word, first sub-token of a digit word, special token, 1]}.
 */
class SpanLabelerTest {

    static final long CLS = 1;
    static final long SEP = 2;
    static final int BASE = 10;

    /** One id per code point; the first of a word is odd. {@code ~} yields no ids (as if the tokenizer dropped it). */
    static final class CharTokenizer implements SubwordTokenizer {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public int[][] tokenize(List<String> words) {
            calls.incrementAndGet();
            int[][] out = new int[words.size()][];
            for (int w = 0; w < words.size(); w++) {
                String word = words.get(w);
                for (int i = 0; i < word.length(); i++) {
                    if (Character.isSurrogate(word.charAt(i)) && !(Character.isHighSurrogate(word.charAt(i))
                            && i + 1 < word.length() && Character.isLowSurrogate(word.charAt(i + 1)))
                            && !(Character.isLowSurrogate(word.charAt(i)) && i > 0 && Character.isHighSurrogate(word.charAt(i - 1)))) {
                        throw new IllegalArgumentException("unpaired surrogate handed to the tokenizer");
                    }
                }
                if (word.equals("~")) {
                    out[w] = new int[0];
                    continue;
                }
                int[] cps = word.codePoints().toArray();
                out[w] = new int[cps.length];
                for (int i = 0; i < cps.length; i++) {
                    out[w][i] = BASE + cps[i] * 2 + (i == 0 ? 1 : 0);
                }
            }
            return out;
        }

        @Override
        public long[] prefixIds() {
            return new long[] {CLS};
        }

        @Override
        public long[] suffixIds() {
            return new long[] {SEP};
        }

        @Override
        public long padId() {
            return 0;
        }
    }

    static final class ScriptedEncoder implements WindowEncoder {
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger sequences = new AtomicInteger();
        int maxLength = Integer.MAX_VALUE;
        int maxBatchTokens = Integer.MAX_VALUE;

        @Override
        public float[][][] encode(long[][] seqs) {
            calls.incrementAndGet();
            sequences.addAndGet(seqs.length);
            int longest = 0;
            for (long[] s : seqs) {
                longest = Math.max(longest, s.length);
            }
            if (longest > maxLength) {
                throw new AssertionError("sequence of " + longest + " ids, more than " + maxLength);
            }
            if (seqs.length > 1 && (long) longest * seqs.length > maxBatchTokens) {
                throw new AssertionError("batch of " + seqs.length + " x " + longest + " > " + maxBatchTokens);
            }
            float[][][] out = new float[seqs.length][][];
            for (int b = 0; b < seqs.length; b++) {
                long[] s = seqs[b];
                if (s[0] != CLS || s[s.length - 1] != SEP) {
                    throw new AssertionError("sequence not framed by the special tokens: " + Arrays.toString(s));
                }
                out[b] = new float[s.length][];
                for (int t = 0; t < s.length; t++) {
                    out[b][t] = vector(s[t]);
                }
            }
            return out;
        }

        static float[] vector(long id) {
            if (id == CLS || id == SEP) {
                return new float[] {0, 0, 1, 1};
            }
            long v = id - BASE;
            boolean first = (v & 1) == 1;
            int cp = (int) (v >> 1);
            return new float[] {first && Character.isUpperCase(cp) ? 1 : 0, first && Character.isDigit(cp) ? 1 : 0, 0, 1};
        }

        @Override
        public int outputDim() {
            return 4;
        }
    }

    /** Capitalised words are PER; B and I score alike, I a little higher, so only Viterbi decides B versus I. */
    static LinearHead perHead() {
        return new LinearHead("per", new BioLabels(List.of("O", "B-PER", "I-PER")),
                new float[][] {{0, 0, 0, 2}, {5, 0, 0, 0}, {5.5f, 0, 0, 0}}, new float[] {0, 0, 0}, LinearHead.Centering.NONE);
    }

    /** Digit words are NUM. */
    static LinearHead numHead() {
        return new LinearHead("num", new BioLabels(List.of("B-NUM", "O", "I-NUM")),
                new float[][] {{0, 5, 0, 0}, {0, 0, 0, 2}, {0, 5.5f, 0, 0}}, new float[] {0, 0, 0}, LinearHead.Centering.NONE);
    }

    static SpanLabeler labeler(CharTokenizer tok, ScriptedEncoder enc, int maxLength, int stride, int maxBatchTokens) {
        enc.maxLength = maxLength;
        enc.maxBatchTokens = Math.max(maxBatchTokens, maxLength);
        return new SpanLabeler(tok, enc, maxLength, stride, maxBatchTokens);
    }

    static List<List<Span>> spans(SpanLabeler labeler, List<String> texts, TagHead head) {
        List<Document> docs = new ArrayList<>();
        texts.forEach(t -> docs.add(Document.of(t)));
        List<List<Span>> out = new ArrayList<>();
        for (TaggedDocument td : labeler.label(docs, List.of(head)).get(0)) {
            out.add(td.spans());
        }
        return out;
    }

    static List<String> spanTexts(List<Span> spans) {
        List<String> out = new ArrayList<>();
        spans.forEach(s -> out.add(s.text()));
        return out;
    }

    /**
     * What the scripted model must find: maximal runs of consecutive words whose first code point is upper case, cut
     * at sentence starts (sentence scope).
     */
    static List<String> expectedPer(String text) {
        List<String> out = new ArrayList<>();
        List<Word> words = Document.of(text).words();
        java.util.Set<Integer> sentenceStarts = new java.util.HashSet<>();
        for (int s : SentenceSegmenter.getDefault().sentenceStarts(text, words)) {
            sentenceStarts.add(s);
        }
        int i = 0;
        while (i < words.size()) {
            if (!capitalised(text, words.get(i))) {
                i++;
                continue;
            }
            int j = i + 1;
            while (j < words.size() && capitalised(text, words.get(j)) && !sentenceStarts.contains(j)) {
                j++;
            }
            out.add(text.substring(words.get(i).start(), words.get(j - 1).end()));
            i = j;
        }
        return out;
    }

    static boolean capitalised(String text, Word w) {
        String s = WordSplitter.tokenizerText(text, w);
        return !s.equals("~") && Character.isUpperCase(s.codePointAt(0));
    }

    /** Every word scores I-ALL above B-ALL, so only the decoding constraint (and sentence scope) starts a span. */
    static LinearHead joinHead() {
        return new LinearHead("join", new BioLabels(List.of("O", "B-ALL", "I-ALL")),
                new float[][] {{0, 0, 0, 0}, {0, 0, 0, 7}, {0, 0, 0, 8}}, new float[] {0, 0, 0}, LinearHead.Centering.NONE);
    }

    // ---------------------------------------------------------------- tests

    @Test
    void sentenceScopeKeepsEverySpanInsideASentence() {
        SpanLabeler l = labeler(new CharTokenizer(), new ScriptedEncoder(), 512, 128, 4096);
        String text = "Patients improved. Prof. Smith agreed, e.g. in Fig. 2 and No. 5. 東京に行った。大阪も！ Done";
        List<Document> docs = List.of(Document.of(text));
        List<String> bySentence = spanTexts(l.label(docs, List.of(joinHead()), SpanScope.SENTENCE).get(0).get(0).spans());
        assertEquals(List.of("Patients improved.", "Prof. Smith agreed, e.g. in Fig. 2 and No. 5.", "東京に行った。", "大阪も！", "Done"),
                bySentence);
        // the same scores decoded over the whole field make one span that crosses every sentence boundary
        assertEquals(List.of(text), spanTexts(l.label(docs, List.of(joinHead()), SpanScope.FIELD).get(0).get(0).spans()));
        // with neighbouring sentences as encoder context, the scope still holds
        assertEquals(bySentence, spanTexts(l.label(docs, List.of(joinHead()), SpanScope.SENTENCE, SpanLabeler.Context.NEIGHBOURS)
                .get(0).get(0).spans()));
    }

    @Test
    void clauseUnitsKeepSpansToWholeClauses() {
        SpanLabeler l = labeler(new CharTokenizer(), new ScriptedEncoder(), 512, 128, 4096);
        List<Document> docs = List.of(Document.of("Anna met Barack Obama, then Carl Dee spoke. Eve left"));
        BioLabels labels = perHead().labels();
        float[][] w = {{0, 0, 0, 2}, {5, 0, 0, 0}, {5.5f, 0, 0, 0}};
        float[] b = {0, 0, 0};
        LinearHead words = new LinearHead("per", labels, w, b, LinearHead.Centering.NONE, null, SpanDecoding.WORDS);
        assertEquals(List.of("Anna", "Barack Obama", "Carl Dee", "Eve"),
                spanTexts(l.label(docs, List.of(words)).get(0).get(0).spans()));
        // a span may start only at a sentence start or after a comma, and end only before or on a comma or at a
        // sentence end: each capitalised name pulls its whole clause in
        LinearHead clauses = new LinearHead("per", labels, w, b, LinearHead.Centering.NONE, null,
                new SpanDecoding(SpanUnits.CLAUSES, Float.POSITIVE_INFINITY));
        assertEquals(List.of("Anna met Barack Obama", "then Carl Dee spoke.", "Eve left"),
                spanTexts(l.label(docs, List.of(clauses)).get(0).get(0).spans()));
        LinearHead sentences = new LinearHead("per", labels, w, b, LinearHead.Centering.NONE, null,
                new SpanDecoding(SpanUnits.SENTENCES, Float.POSITIVE_INFINITY));
        assertEquals(List.of("Anna met Barack Obama, then Carl Dee spoke.", "Eve left"),
                spanTexts(l.label(docs, List.of(sentences)).get(0).get(0).spans()));
    }

    @Test
    void outsidePenaltyMovesTheSpanThresholdButNotTheScores() {
        SpanLabeler l = labeler(new CharTokenizer(), new ScriptedEncoder(), 512, 128, 4096);
        List<Document> docs = List.of(Document.of("met Obama today"));
        LinearHead plain = perHead();
        // lower-case words: O -0.24, B or I -2.24; a penalty of 1 keeps them outside, one of 3 pulls them in
        LinearHead mild = new LinearHead("per", plain.labels(), new float[][] {{0, 0, 0, 2}, {5, 0, 0, 0}, {5.5f, 0, 0, 0}},
                new float[] {0, 0, 0}, LinearHead.Centering.NONE, null, new SpanDecoding(SpanUnits.WORDS, 0f, 1f));
        LinearHead strong = new LinearHead("per", plain.labels(), new float[][] {{0, 0, 0, 2}, {5, 0, 0, 0}, {5.5f, 0, 0, 0}},
                new float[] {0, 0, 0}, LinearHead.Centering.NONE, null, new SpanDecoding(SpanUnits.WORDS, 0f, 3f));
        assertEquals(List.of("O", "B-PER", "O"), l.label(docs, List.of(mild)).get(0).get(0).tagNames());
        TaggedDocument all = l.label(docs, List.of(strong)).get(0).get(0);
        assertTrue(!all.tagNames().contains("O"), all.tagNames().toString()); // B and I tie on lower-case words
        double zLower = Math.exp(2) + 2;
        assertEquals(1 / zLower, all.tagProbabilities()[0], 1e-5);
    }

    @Test
    void knownSentences() {
        SpanLabeler l = labeler(new CharTokenizer(), new ScriptedEncoder(), 512, 128, 4096);
        List<List<Span>> got = spans(l, List.of(
                "Angela Merkel met Barack Obama in Berlin.",
                "no names here",
                "",
                "   ",
                "Ёлка and Straße, then Élodie Dupont-Moreau"), perHead());
        assertEquals(List.of("Angela Merkel", "Barack Obama", "Berlin"), spanTexts(got.get(0)));
        Span first = got.get(0).get(0);
        assertEquals("PER", first.label());
        assertEquals("per", first.head());
        assertEquals(0, first.start());
        assertEquals(13, first.end());
        assertEquals(List.of(), got.get(1));
        assertEquals(List.of(), got.get(2));
        assertEquals(List.of(), got.get(3));
        // "-" is its own word and not capitalised, so it ends the span
        assertEquals(List.of("Ёлка", "Straße", "Élodie Dupont", "Moreau"), spanTexts(got.get(4)));
    }

    @Test
    void spanScoreIsTheMeanTagProbability() {
        SpanLabeler l = labeler(new CharTokenizer(), new ScriptedEncoder(), 512, 128, 4096);
        Span alone = spans(l, List.of("met Obama today"), perHead()).get(0).get(0);
        // logits O=2, B=5, I=5.5; after O the tag must be B
        double z = Math.exp(2) + Math.exp(5) + Math.exp(5.5);
        assertEquals(Math.exp(5) / z, alone.score(), 1e-5);
        Span pair = spans(l, List.of("met Barack Obama today"), perHead()).get(0).get(0);
        assertEquals((Math.exp(5) / z + Math.exp(5.5) / z) / 2, pair.score(), 1e-5);
        TaggedDocument td = l.label(List.of(Document.of("met Barack Obama")), List.of(perHead())).get(0).get(0);
        assertEquals(List.of("O", "B-PER", "I-PER"), td.tagNames());
    }

    @Test
    void spansAcrossWindowEdgesStayWholeAndMatchOneWindow() {
        String text = "Alexandros Papadopoulos and Wolfgang Amadeus Mozart met Maximiliana Ottilie Kunigunde in "
                + "Constantinople with Christopher Columbus X Y Z while zzz Averyveryverylongcapitalisedname Q ~ R ~ "
                + "Marie Curie.";
        SpanLabeler big = labeler(new CharTokenizer(), new ScriptedEncoder(), 100_000, 0, 100_000);
        List<Span> reference = spans(big, List.of(text), perHead()).get(0);
        assertEquals(expectedPer(text), spanTexts(reference));
        for (int maxLength : new int[] {3, 4, 5, 8, 11, 16, 33}) {
            for (int stride : new int[] {0, 1, 2, 3, 7}) {
                ScriptedEncoder enc = new ScriptedEncoder();
                SpanLabeler small = labeler(new CharTokenizer(), enc, maxLength, stride, 2 * maxLength);
                List<Span> got = spans(small, List.of(text), perHead()).get(0);
                assertEquals(reference, got, "max length " + maxLength + ", stride " + stride);
                assertTrue(enc.sequences.get() > 1, "the text should need several windows");
            }
        }
    }

    @Test
    void rejectsAMaxLengthWithoutRoomForWords() {
        assertThrows(IllegalArgumentException.class, () -> new SpanLabeler(new CharTokenizer(), new ScriptedEncoder(), 2, 0, 100));
        new SpanLabeler(new CharTokenizer(), new ScriptedEncoder(), 3, 5, 100); // one token per window, stride clamped
    }

    @Test
    void wordsWithoutSubTokens() {
        SpanLabeler l = labeler(new CharTokenizer(), new ScriptedEncoder(), 6, 2, 64);
        List<List<Span>> got = spans(l, List.of("~", "~ ~ ~ ~ ~ ~ ~ ~", "Ann ~ Bob Cy ~ ~ ~ ~ ~ ~ ~ Dee ~", "~Ann~"), perHead());
        assertEquals(List.of(), got.get(0));
        assertEquals(List.of(), got.get(1));
        // a word with no sub-tokens is outside any span, so it splits "Ann ~ Bob"
        assertEquals(List.of("Ann", "Bob Cy", "Dee"), spanTexts(got.get(2)));
        assertEquals(List.of("Ann"), spanTexts(got.get(3)));
        List<TaggedDocument> tagged = l.label(List.of(Document.of("~ ~")), List.of(perHead())).get(0);
        assertEquals(List.of("O", "O"), tagged.get(0).tagNames());
    }

    @Test
    void veryLongTextIsLabelledToTheEnd() {
        Random rnd = new Random(7);
        StringBuilder sb = new StringBuilder();
        String[] vocab = {"the", "of", "Paris", "Anna", "Maria", "и", "Москва", "北", "42", "😀", "Straße", "x", "Zoë", ",", "."};
        while (sb.length() < 200_000) {
            sb.append(vocab[rnd.nextInt(vocab.length)]).append(rnd.nextInt(10) == 0 ? "\n" : " ");
        }
        sb.append("and finally Zacharias Zylberstein");
        String text = sb.toString();
        ScriptedEncoder enc = new ScriptedEncoder();
        SpanLabeler l = labeler(new CharTokenizer(), enc, 32, 8, 2048);
        long t0 = System.nanoTime();
        List<Span> got = spans(l, List.of(text), perHead()).get(0);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(expectedPer(text), spanTexts(got));
        Span last = got.get(got.size() - 1);
        assertEquals("Zacharias Zylberstein", last.text());
        assertEquals(text.length(), last.end());
        for (Span s : got) {
            assertEquals(text.substring(s.start(), s.end()), s.text());
        }
        assertTrue(enc.calls.get() > 1);
        assertTrue(ms < 30_000, "took " + ms + " ms");
    }

    @Test
    void randomUnicodeTextsGiveExactNonOverlappingSpans() {
        long seed = new Random().nextLong();
        Random rnd = new Random(seed);
        for (int iter = 0; iter < 150; iter++) {
            List<String> texts = new ArrayList<>();
            int docs = 1 + rnd.nextInt(4);
            for (int d = 0; d < docs; d++) {
                String t = WordSplitterTest.randomText(rnd, 60);
                if (rnd.nextInt(3) == 0) {
                    t = t + " Étienne Ørsted " + t + " ~ Ωmega";
                }
                texts.add(t);
            }
            int maxLength = 3 + rnd.nextInt(20);
            int stride = rnd.nextInt(maxLength);
            ScriptedEncoder enc = new ScriptedEncoder();
            SpanLabeler l = labeler(new CharTokenizer(), enc, maxLength, stride, maxLength * (1 + rnd.nextInt(5)));
            List<List<Span>> got;
            String where = "seed " + seed + ", case " + iter + ", max length " + maxLength + ", stride " + stride;
            try {
                got = spans(l, texts, perHead());
            } catch (RuntimeException | AssertionError e) {
                throw new AssertionError(where, e);
            }
            for (int d = 0; d < docs; d++) {
                String text = texts.get(d);
                String w = where + ", text " + WordSplitterTest.escape(text);
                int prevEnd = 0;
                for (Span s : got.get(d)) {
                    if (s.start() < prevEnd || s.end() <= s.start()) {
                        fail("overlapping or empty span " + s + ": " + w);
                    }
                    assertEquals(text.substring(s.start(), s.end()), s.text(), w);
                    assertTrue(s.score() > 0 && s.score() <= 1, w);
                    prevEnd = s.end();
                }
                assertEquals(expectedPer(text), spanTexts(got.get(d)), w);
            }
        }
    }

    @Test
    void documentsInOneCallAreIndependent() {
        List<String> texts = List.of("Anna met Bob", "nobody", "Zed Zed Zed was here", "Anna met Bob");
        SpanLabeler l = labeler(new CharTokenizer(), new ScriptedEncoder(), 6, 2, 24);
        List<List<Span>> together = spans(l, texts, perHead());
        for (int d = 0; d < texts.size(); d++) {
            assertEquals(spans(l, List.of(texts.get(d)), perHead()).get(0), together.get(d));
        }
    }

    @Test
    void severalHeadsShareOneEncoderPass() {
        List<String> texts = List.of("Anna paid 42 17 euros to Bob Smith in 2024", "Oslo 7 ~ 9 Bergen", "", "x");
        List<Document> docs = new ArrayList<>();
        texts.forEach(t -> docs.add(Document.of(t)));

        ScriptedEncoder encOne = new ScriptedEncoder();
        SpanLabeler one = labeler(new CharTokenizer(), encOne, 7, 2, 14);
        List<TaggedDocument> perAlone = one.label(docs, List.of(perHead())).get(0);
        int callsForOne = encOne.calls.get();

        ScriptedEncoder encTwo = new ScriptedEncoder();
        CharTokenizer tokTwo = new CharTokenizer();
        SpanLabeler two = labeler(tokTwo, encTwo, 7, 2, 14);
        List<List<TaggedDocument>> both = two.label(docs, List.of(perHead(), numHead()));
        assertEquals(callsForOne, encTwo.calls.get(), "two heads must not encode twice");
        assertEquals(docs.size(), tokTwo.calls.get(), "one tokenizer call per document");

        List<TaggedDocument> numAlone = labeler(new CharTokenizer(), new ScriptedEncoder(), 7, 2, 14)
                .label(docs, List.of(numHead())).get(0);
        for (int d = 0; d < docs.size(); d++) {
            assertEquals(perAlone.get(d).spans(), both.get(0).get(d).spans());
            assertEquals(numAlone.get(d).spans(), both.get(1).get(d).spans());
            assertEquals(perAlone.get(d).tagNames(), both.get(0).get(d).tagNames());
            assertEquals(numAlone.get(d).tagNames(), both.get(1).get(d).tagNames());
        }
        assertEquals(List.of("Anna", "Bob Smith"), spanTexts(both.get(0).get(0).spans()));
        assertEquals(List.of("42 17", "2024"), spanTexts(both.get(1).get(0).spans()));
        assertEquals("NUM", both.get(1).get(0).spans().get(0).label());
        assertEquals("num", both.get(1).get(0).spans().get(0).head());
        assertEquals(List.of("Oslo", "Bergen"), spanTexts(both.get(0).get(1).spans()));
        assertEquals(List.of("7", "9"), spanTexts(both.get(1).get(1).spans()));
        assertTrue(both.get(0).get(2).spans().isEmpty());
        assertTrue(both.get(1).get(3).spans().isEmpty());
    }

    @Test
    void encodeBatchesWindowsByLengthAndHandsEachDocumentItsOwnVectors() {
        // documents of 1 to 24 words in random order, as the pairs of a _project request arrive
        Random random = new Random(7);
        List<Document> docs = new ArrayList<>();
        for (int d = 0; d < 60; d++) {
            StringBuilder text = new StringBuilder();
            int words = 1 + random.nextInt(24);
            for (int w = 0; w < words; w++) {
                text.append(w == 0 ? "" : " ").append((char) ('A' + random.nextInt(26))).append("x".repeat(random.nextInt(5)));
            }
            docs.add(Document.of(text.toString()));
        }
        List<long[]> batches = new ArrayList<>(); // per encoder call: {sequences, longest, real tokens}
        List<Integer> lengths = new ArrayList<>();
        WindowEncoder recording = new WindowEncoder() {
            @Override
            public float[][][] encode(long[][] seqs) {
                long longest = 0;
                long real = 0;
                float[][][] out = new float[seqs.length][][];
                for (int b = 0; b < seqs.length; b++) {
                    longest = Math.max(longest, seqs[b].length);
                    real += seqs[b].length;
                    lengths.add(seqs[b].length);
                    out[b] = new float[seqs[b].length][];
                    for (int t = 0; t < seqs[b].length; t++) {
                        out[b][t] = new float[] {seqs[b][t], t}; // the token id: whose vector it is
                    }
                }
                batches.add(new long[] {seqs.length, longest, real});
                return out;
            }

            @Override
            public int outputDim() {
                return 2;
            }
        };
        SpanLabeler l = new SpanLabeler(new CharTokenizer(), recording, 512, 128, 512);
        int[] delivered = new int[docs.size()];
        l.encode(docs, (doc, words, vectors, positions) -> {
            for (int k = 0; k < words.length; k++) {
                String text = docs.get(doc).words().get(words[k]).text(docs.get(doc).text());
                assertEquals(BASE + text.codePointAt(0) * 2L + 1, (long) vectors[positions[k]][0],
                        "document " + doc + " word " + words[k] + " gets the vector of its own first sub-token");
                delivered[doc]++;
            }
        });
        for (int d = 0; d < docs.size(); d++) {
            assertEquals(docs.get(d).words().size(), delivered[d], "every word of document " + d + " once");
        }
        // sequences reach the encoder shortest first, so each call pads little
        for (int i = 1; i < lengths.size(); i++) {
            assertTrue(lengths.get(i - 1) <= lengths.get(i), "sequence " + i + " is shorter than the one before: " + lengths);
        }
        long padded = 0;
        long real = 0;
        for (long[] b : batches) {
            padded += b[0] * b[1];
            real += b[2];
            assertTrue(b[0] == 1 || b[0] * b[1] <= 512, "a call of " + b[0] + " x " + b[1] + " tokens");
        }
        assertTrue(batches.size() > 5, batches.size() + " calls");
        // the same calls cut in the documents' own order would pad several times as much
        long unsorted = 0;
        int from = 0;
        List<Integer> inOrder = new ArrayList<>();
        for (Document d : docs) {
            inOrder.add(2 + d.text().replace(" ", "").codePointCount(0, d.text().replace(" ", "").length()));
        }
        while (from < inOrder.size()) {
            int to = from + 1;
            int longest = inOrder.get(from);
            while (to < inOrder.size() && (long) Math.max(longest, inOrder.get(to)) * (to - from + 1) <= 512) {
                longest = Math.max(longest, inOrder.get(to));
                to++;
            }
            unsorted += (long) longest * (to - from);
            from = to;
        }
        assertEquals(real, inOrder.stream().mapToLong(Integer::longValue).sum());
        assertTrue((padded - real) * 3 < unsorted - real, "padding " + (padded - real) + " tokens sorted, " + (unsorted - real)
                + " in input order, for " + real + " real tokens");
    }

    @Test
    void encodeHandsOverEveryWordWithTokensExactlyOnce() {
        SpanLabeler l = labeler(new CharTokenizer(), new ScriptedEncoder(), 5, 1, 20);
        List<Document> docs = List.of(Document.of("Aa bbb ~ c Dddddddd e, ~ ff"), Document.of(""), Document.of("Q"));
        int[][] seen = new int[docs.size()][];
        for (int d = 0; d < docs.size(); d++) {
            seen[d] = new int[docs.get(d).words().size()];
        }
        l.encode(docs, (doc, words, vectors, positions) -> {
            assertEquals(words.length, positions.length);
            for (int k = 0; k < words.length; k++) {
                seen[doc][words[k]]++;
                // the position holds the word's first sub-token
                String text = docs.get(doc).words().get(words[k]).text(docs.get(doc).text());
                float[] expected = ScriptedEncoder.vector(BASE + text.codePointAt(0) * 2L + 1);
                assertTrue(Arrays.equals(expected, vectors[positions[k]]), "word " + text);
            }
        });
        assertEquals("[1, 1, 0, 1, 1, 1, 1, 0, 1]", Arrays.toString(seen[0]));
        assertEquals("[]", Arrays.toString(seen[1]));
        assertEquals("[1]", Arrays.toString(seen[2]));
    }

    @Test
    void windowMeanCentring() {
        float[][] window = {{1, 2}, {3, 4}, {5, 12}};
        LinearHead head = new LinearHead("c", new BioLabels(List.of("O", "B-X")), new float[][] {{1, 0}, {0, 1}},
                new float[] {0, 0}, LinearHead.Centering.WINDOW_MEAN);
        float[][] logits = head.wordLogits(window, new int[] {2, 0});
        assertEquals(2f, logits[0][0], 1e-6);
        assertEquals(6f, logits[0][1], 1e-6);
        assertEquals(-2f, logits[1][0], 1e-6);
        assertEquals(-4f, logits[1][1], 1e-6);
        LinearHead plain = new LinearHead("p", new BioLabels(List.of("O", "B-X")), new float[][] {{1, 0}, {0, 1}},
                new float[] {0.5f, 0}, LinearHead.Centering.NONE);
        assertEquals(5.5f, plain.wordLogits(window, new int[] {2})[0][0], 1e-6);
        assertThrows(IllegalArgumentException.class, () -> new LinearHead("bad", new BioLabels(List.of("O", "B-X")),
                new float[][] {{1, 0}}, new float[] {0, 0}, LinearHead.Centering.NONE));
    }

    @Test
    void identityHeadChecksTheWidth() {
        IdentityHead head = new IdentityHead("default", new BioLabels(List.of("O", "B-X", "I-X")));
        float[][] window = {{0, 0, 0}, {1, 2, 3}};
        assertEquals(2f, head.wordLogits(window, new int[] {1})[0][1]);
        assertThrows(IllegalStateException.class, () -> head.wordLogits(new float[][] {{1, 2}}, new int[] {0}));
    }
}
