package org.polyspan.labeling;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransitionPriorTest {
    private static final BioLabels LABELS = new BioLabels(List.of("O", "B-PER", "I-PER"));

    @Test
    void estimatesSmoothedBigramsOverAllowedTransitionsOnly() {
        // O B I O, B I I
        TransitionPrior p = TransitionPrior.estimate(List.of(new int[] {0, 1, 2, 0}, new int[] {1, 2, 2}), LABELS, 1f);
        // start: O once, B once, I never allowed -> (1+1)/4, (1+1)/4
        assertEquals(Math.log(0.5), p.start()[0], 1e-6);
        assertEquals(Math.log(0.5), p.start()[1], 1e-6);
        assertEquals(0f, p.start()[2]);
        // from B: B->I twice; allowed O, B, I -> (0+1, 0+1, 2+1) / 5
        assertEquals(Math.log(3 / 5.0), p.next()[1][2], 1e-6);
        assertEquals(Math.log(1 / 5.0), p.next()[1][1], 1e-6);
        // from O: I not allowed, so O and B share the mass: O->B once -> (0+1, 1+1) / 3
        assertEquals(Math.log(2 / 3.0), p.next()[0][1], 1e-6);
        assertEquals(0f, p.next()[0][2]);
    }

    @Test
    void priorJoinsASplitNameThatWordScoresAloneWouldSplit() {
        // both words slightly prefer B-PER on their own: without a prior the name is split into two persons
        float[][] scores = {
            {(float) Math.log(0.1), (float) Math.log(0.6), (float) Math.log(0.3)},
            {(float) Math.log(0.1), (float) Math.log(0.5), (float) Math.log(0.4)},
        };
        assertArrayEquals(new int[] {1, 1}, new BioViterbiDecoder(LABELS).decode(scores));
        List<int[]> training = List.of(new int[] {1, 2, 0}, new int[] {0, 1, 2}, new int[] {1, 2, 2, 0});
        TransitionPrior prior = TransitionPrior.estimate(training, LABELS, 1f);
        assertArrayEquals(new int[] {1, 2}, new BioViterbiDecoder(LABELS, prior).decode(scores));
        assertTrue(prior.next()[1][2] > prior.next()[1][1]);
    }
}
