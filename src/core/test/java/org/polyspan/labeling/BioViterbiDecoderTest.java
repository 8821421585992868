package org.polyspan.labeling;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BioViterbiDecoderTest {

    private static final BioLabels LABELS = new BioLabels(List.of("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"));
    private static final float NEG = -20f;

    /** A row of log-probabilities where {@code tag} gets {@code score} and the others {@link #NEG}. */
    private static float[] row(BioLabels labels, Object... tagAndScore) {
        float[] r = new float[labels.size()];
        Arrays.fill(r, NEG);
        for (int i = 0; i < tagAndScore.length; i += 2) {
            r[labels.tags().indexOf((String) tagAndScore[i])] = ((Number) tagAndScore[i + 1]).floatValue();
        }
        return r;
    }

    private static List<String> decode(BioLabels labels, float[]... rows) {
        int[] tags = new BioViterbiDecoder(labels).decode(rows);
        List<String> out = new ArrayList<>();
        for (int t : tags) {
            out.add(labels.tag(t));
        }
        return out;
    }

    @Test
    void insideAfterOutsideIsImpossibleWhateverItsScore() {
        List<String> tags = decode(LABELS,
                row(LABELS, "O", -0.1),
                row(LABELS, "I-PER", 0, "B-PER", -6, "O", -7));
        assertEquals(List.of("O", "B-PER"), tags);
    }

    @Test
    void insideAtTheStartIsImpossible() {
        assertEquals(List.of("B-LOC"), decode(LABELS, row(LABELS, "I-LOC", 0, "B-LOC", -9)));
        assertEquals(List.of("O"), decode(LABELS, row(LABELS, "I-LOC", 0, "O", -9)));
    }

    @Test
    void insideOfAnotherTypeIsImpossible() {
        // B-ORG I-LOC is not allowed: the decoder must pay somewhere
        List<String> tags = decode(LABELS,
                row(LABELS, "B-ORG", -0.1, "B-LOC", -3),
                row(LABELS, "I-LOC", -0.1, "I-ORG", -4, "B-LOC", -2.5));
        // B-ORG B-LOC costs 0.1 + 2.5, B-LOC I-LOC costs 3 + 0.1, B-ORG I-ORG costs 0.1 + 4
        assertEquals(List.of("B-ORG", "B-LOC"), tags);
    }

    @Test
    void plainArgmaxWhenItIsAllowed() {
        List<String> tags = decode(LABELS,
                row(LABELS, "B-PER", -0.1), row(LABELS, "I-PER", -0.2), row(LABELS, "O", -0.1),
                row(LABELS, "B-LOC", -0.3), row(LABELS, "B-LOC", -0.3), row(LABELS, "I-LOC", -0.3));
        assertEquals(List.of("B-PER", "I-PER", "O", "B-LOC", "B-LOC", "I-LOC"), tags);
    }

    @Test
    void emptySequence() {
        assertArrayEquals(new int[0], new BioViterbiDecoder(LABELS).decode(new float[0][]));
    }

    @Test
    void labelsRejectNonIob2Tags() {
        assertThrows(IllegalArgumentException.class, () -> new BioLabels(List.of()));
        assertThrows(IllegalArgumentException.class, () -> new BioLabels(List.of("O", "PER")));
        assertThrows(IllegalArgumentException.class, () -> new BioLabels(List.of("O", "E-PER")));
        assertThrows(IllegalArgumentException.class, () -> new BioLabels(List.of("O", "B-")));
        BioLabels l = new BioLabels(List.of("O", "B-PER", "I-PER", "B-ORG", "I-LOC"));
        assertEquals(List.of("PER", "ORG", "LOC"), l.entityTypes());
        assertTrue(l.allowed(1, 2));
        assertTrue(!l.allowed(0, 2) && !l.allowed(3, 2) && !l.allowedAtStart(2) && !l.allowedAtStart(4));
        assertTrue(l.allowed(2, 2) && l.allowed(2, 0) && l.allowed(4, 3) && l.allowedAtStart(3));
    }

    // ---------------------------------------------------------------- property test against brute force

    private static boolean allowed(BioLabels labels, int[] seq) {
        if (seq.length == 0) {
            return true;
        }
        if (labels.isInside(seq[0])) {
            return false;
        }
        for (int i = 1; i < seq.length; i++) {
            if (labels.isInside(seq[i])) {
                String type = labels.entityOf(seq[i]);
                if (!type.equals(labels.entityOf(seq[i - 1]))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static double score(float[][] lp, int[] seq) {
        double s = 0;
        for (int i = 0; i < seq.length; i++) {
            s += lp[i][seq[i]];
        }
        return s;
    }

    @Test
    void matchesBruteForceOverAllowedSequences() {
        long seed = new Random().nextLong();
        Random rnd = new Random(seed);
        List<String> base = new ArrayList<>(List.of("O", "B-PER", "I-PER", "B-LOC", "I-LOC"));
        for (int iter = 0; iter < 400; iter++) {
            Collections.shuffle(base, rnd); // tag order must not matter
            BioLabels labels = new BioLabels(base);
            int n = 1 + rnd.nextInt(6);
            int k = labels.size();
            float[][] lp = new float[n][k];
            for (float[] r : lp) {
                float[] logits = new float[k];
                for (int t = 0; t < k; t++) {
                    logits[t] = (float) (rnd.nextGaussian() * (rnd.nextBoolean() ? 1 : 8));
                }
                System.arraycopy(SpanLabeler.logSoftmax(logits), 0, r, 0, k);
            }
            double best = Double.NEGATIVE_INFINITY;
            int[] seq = new int[n];
            int total = (int) Math.pow(k, n);
            for (int code = 0; code < total; code++) {
                int c = code;
                for (int i = 0; i < n; i++) {
                    seq[i] = c % k;
                    c /= k;
                }
                if (allowed(labels, seq)) {
                    best = Math.max(best, score(lp, seq));
                }
            }
            int[] got = new BioViterbiDecoder(labels).decode(lp);
            String where = "seed " + seed + ", case " + iter + ", tags " + base + ", decoded " + Arrays.toString(got);
            assertEquals(n, got.length, where);
            assertTrue(allowed(labels, got), "not an allowed sequence: " + where);
            assertEquals(best, score(lp, got), 1e-4, "not the best allowed sequence: " + where);
        }
    }

    @Test
    void decodedSequencesAreAlwaysAllowedEvenForLongInputs() {
        long seed = new Random().nextLong();
        Random rnd = new Random(seed);
        for (int iter = 0; iter < 200; iter++) {
            int n = rnd.nextInt(300);
            float[][] lp = new float[n][LABELS.size()];
            for (float[] r : lp) {
                for (int t = 0; t < r.length; t++) {
                    // inside tags favoured so argmax alone would break the rules often
                    r[t] = (float) (rnd.nextGaussian() * 5 + (LABELS.isInside(t) ? 3 : 0));
                }
            }
            int[] got = new BioViterbiDecoder(LABELS).decode(lp);
            assertEquals(n, got.length);
            assertTrue(allowed(LABELS, got), "seed " + seed + ", case " + iter + ": " + Arrays.toString(got));
        }
    }

    // ---------------------------------------------------------------- span boundaries

    private static final BioLabels ARG = new BioLabels(List.of("O", "B-Claim", "I-Claim", "B-Premise", "I-Premise"));

    private static List<String> names(BioLabels labels, int[] tags) {
        List<String> out = new ArrayList<>();
        for (int t : tags) {
            out.add(labels.tag(t));
        }
        return out;
    }

    @Test
    void aSpanFoundInPiecesBecomesOneUnit() {
        // the word scores alone split one clause into two claims
        float[][] lp = {
                row(ARG, "B-Claim", -0.1, "I-Claim", -3, "O", -4),
                row(ARG, "I-Claim", -0.2, "B-Claim", -3, "O", -4),
                row(ARG, "B-Claim", -0.3, "I-Claim", -0.9, "O", -4),
                row(ARG, "I-Claim", -0.1, "O", -4)};
        BioViterbiDecoder d = new BioViterbiDecoder(ARG);
        assertEquals(List.of("B-Claim", "I-Claim", "B-Claim", "I-Claim"), names(ARG, d.decode(lp)));
        boolean[] mayStart = {true, false, false, false};
        boolean[] mayEnd = {false, false, false, true};
        assertEquals(List.of("B-Claim", "I-Claim", "I-Claim", "I-Claim"),
                names(ARG, d.decode(lp, mayStart, mayEnd, Float.POSITIVE_INFINITY)));
        // a small penalty is not worth the 0.6 the split gains
        assertEquals(List.of("B-Claim", "I-Claim", "B-Claim", "I-Claim"), names(ARG, d.decode(lp, mayStart, mayEnd, 0.2f)));
        assertEquals(names(ARG, d.decode(lp)), names(ARG, d.decode(lp, mayStart, mayEnd, 0f)));
    }

    @Test
    void aSpanStartingMidClauseGrowsToTheClauseOrGoes() {
        // "we think that it works": the head starts the claim at "it"; units say a claim starts at "we" or nowhere
        float[][] lp = {
                row(ARG, "O", -0.2, "B-Claim", -1.8),
                row(ARG, "O", -0.3, "I-Claim", -1.5),
                row(ARG, "O", -0.4, "I-Claim", -1.2),
                row(ARG, "B-Claim", -0.1, "I-Claim", -0.5, "O", -3),
                row(ARG, "I-Claim", -0.1, "O", -3)};
        boolean[] mayStart = {true, false, false, false, false};
        boolean[] mayEnd = {false, false, false, false, true};
        BioViterbiDecoder d = new BioViterbiDecoder(ARG);
        // the whole clause as a claim costs 1.8 + 1.5 + 1.2 + 0.5 + 0.1 = 5.1, nothing costs 0.2 + 0.3 + 0.4 + 3 + 3
        assertEquals(List.of("B-Claim", "I-Claim", "I-Claim", "I-Claim", "I-Claim"),
                names(ARG, d.decode(lp, mayStart, mayEnd, Float.POSITIVE_INFINITY)));
        lp[3] = row(ARG, "B-Claim", -0.1, "I-Claim", -5, "O", -1);
        lp[4] = row(ARG, "I-Claim", -0.1, "O", -1);
        assertEquals(List.of("O", "O", "O", "O", "O"), names(ARG, d.decode(lp, mayStart, mayEnd, Float.POSITIVE_INFINITY)));
    }

    @Test
    void nothingAllowedLeavesEverythingOutside() {
        float[][] lp = {row(ARG, "B-Premise", -0.01, "O", -9), row(ARG, "I-Premise", -0.01, "O", -9),
                row(ARG, "B-Premise", -0.01, "O", -9)};
        boolean[] none = new boolean[3];
        assertEquals(List.of("O", "O", "O"),
                names(ARG, new BioViterbiDecoder(ARG).decode(lp, none, none, Float.POSITIVE_INFINITY)));
    }

    /** Brute force of the penalised objective, with and without a transition prior. */
    @Test
    void boundaryPenaltiesMatchBruteForce() {
        long seed = new Random().nextLong();
        Random rnd = new Random(seed);
        int k = ARG.size();
        for (int iter = 0; iter < 300; iter++) {
            int n = 1 + rnd.nextInt(6);
            float[][] lp = new float[n][k];
            for (float[] r : lp) {
                float[] logits = new float[k];
                for (int t = 0; t < k; t++) {
                    logits[t] = (float) (rnd.nextGaussian() * 3);
                }
                System.arraycopy(SpanLabeler.logSoftmax(logits), 0, r, 0, k);
            }
            boolean[] mayStart = new boolean[n];
            boolean[] mayEnd = new boolean[n];
            for (int i = 0; i < n; i++) {
                mayStart[i] = rnd.nextBoolean();
                mayEnd[i] = rnd.nextBoolean();
            }
            float penalty = rnd.nextBoolean() ? Float.POSITIVE_INFINITY : (float) (rnd.nextDouble() * 4);
            TransitionPrior prior = null;
            if (rnd.nextBoolean()) {
                float[] start = new float[k];
                float[][] next = new float[k][k];
                for (int a = 0; a < k; a++) {
                    start[a] = (float) -rnd.nextDouble();
                    for (int b = 0; b < k; b++) {
                        next[a][b] = (float) -rnd.nextDouble() * 3;
                    }
                }
                prior = new TransitionPrior(start, next, 0.5f);
            }
            double best = Double.NEGATIVE_INFINITY;
            int[] seq = new int[n];
            for (int code = 0; code < (int) Math.pow(k, n); code++) {
                int c = code;
                for (int i = 0; i < n; i++) {
                    seq[i] = c % k;
                    c /= k;
                }
                if (allowed(ARG, seq)) {
                    best = Math.max(best, penalised(lp, seq, mayStart, mayEnd, penalty, prior));
                }
            }
            int[] got = new BioViterbiDecoder(ARG, prior).decode(lp, mayStart, mayEnd, penalty);
            String where = "seed " + seed + ", case " + iter + ", decoded " + Arrays.toString(got);
            assertTrue(allowed(ARG, got), where);
            assertEquals(best, penalised(lp, got, mayStart, mayEnd, penalty, prior), 1e-4, where);
        }
    }

    private static double penalised(float[][] lp, int[] seq, boolean[] mayStart, boolean[] mayEnd, float penalty,
                                    TransitionPrior prior) {
        double s = score(lp, seq);
        for (int i = 0; i < seq.length; i++) {
            if (ARG.isBegin(seq[i]) && !mayStart[i]) {
                s -= penalty;
            }
            boolean spanEndsHere = ARG.entityOf(seq[i]) != null && (i + 1 == seq.length || !ARG.isInside(seq[i + 1]));
            if (spanEndsHere && i + 1 < seq.length && !mayEnd[i]) {
                s -= penalty;
            }
            if (prior != null) {
                s += prior.weight() * (i == 0 ? prior.start()[seq[0]] : prior.next()[seq[i - 1]][seq[i]]);
            }
        }
        return s;
    }
}
