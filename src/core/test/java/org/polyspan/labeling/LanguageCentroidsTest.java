package org.polyspan.labeling;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LanguageCentroidsTest {

    // three languages sharing a large common component (as real mean vectors do) plus an offset of their own
    private static final float[] EN = {10, 10, 1, 0, 0};
    private static final float[] FR = {10, 10, 0, 1, 0};
    private static final float[] DE = {10, 10, 0, 0, 1};

    private static LanguageCentroids centroids(float minCosine) {
        return new LanguageCentroids(List.of("en", "fr", "de"), new float[][] {EN.clone(), FR.clone(), DE.clone()}, "en", minCosine);
    }

    /** A window whose positions average to {@code mean}: two positions spread symmetrically around it. */
    private static float[][] windowAround(float[] mean) {
        float[][] w = new float[2][mean.length];
        for (int d = 0; d < mean.length; d++) {
            w[0][d] = mean[d] + (d % 2 == 0 ? 0.1f : -0.1f);
            w[1][d] = mean[d] - (d % 2 == 0 ? 0.1f : -0.1f);
        }
        return w;
    }

    @Test
    void theNearestCentroidAroundTheCommonMeanIsChosen() {
        LanguageCentroids c = centroids(0.5f);
        assertEquals(1, c.nearest(new float[] {10, 10, 0.1f, 1.2f, 0.1f}));
        assertEquals(2, c.nearest(new float[] {10, 10, 0, 0.2f, 0.9f}));
        // an offset in the common directions (the first two) is no language: it lowers every cosine
        assertEquals(-1, c.nearest(new float[] {9, 11, 0, 0.2f, 0.9f}));
        assertEquals(0, c.nearest(EN));
        // around the common mean the French offset stands out (raw cosines would all be near 1)
        float[] cos = c.cosines(new float[] {10, 10, 0.1f, 1.2f, 0.1f});
        assertEquals(3, cos.length);
        assertEquals(1, argmax(cos));
    }

    @Test
    void frenchFeaturesMoveByTheDifferenceOfCentroids() {
        LanguageCentroids c = centroids(0.5f);
        float[] frenchMean = {10, 10, 0, 1, 0};
        float[][] window = windowAround(frenchMean);
        float[][] words = {window[0], window[1]};
        float[][] moved = c.centre(window, words);
        for (int i = 0; i < words.length; i++) {
            for (int d = 0; d < EN.length; d++) {
                assertEquals(words[i][d] - FR[d] + EN[d], moved[i][d], 1e-6);
            }
        }
        // the window mean lands on the English centroid
        assertArrayEquals(EN, LinearHead.windowMean(moved), 1e-6f);
        // strength 0.5 moves it half way
        LanguageCentroids half = new LanguageCentroids(List.of("en", "fr", "de"), new float[][] {EN.clone(), FR.clone(), DE.clone()}, "en",
                0.5f, 0.5f);
        float[] halfway = LinearHead.windowMean(half.centre(window, words));
        for (int d = 0; d < EN.length; d++) {
            assertEquals((EN[d] + FR[d]) / 2, halfway[d], 1e-6);
        }
        assertThrows(IllegalArgumentException.class, () -> new LanguageCentroids(List.of("en"), new float[][] {EN}, "en", 0, 1.5f));
    }

    @Test
    void englishTextMapsToItself() {
        LanguageCentroids c = centroids(0.5f);
        float[][] window = windowAround(new float[] {10.2f, 9.9f, 1.1f, 0.1f, 0});
        float[][] words = {window[1]};
        assertSame(words, c.centre(window, words));
    }

    @Test
    void textFarFromEveryCentroidIsLeftAlone() {
        LanguageCentroids c = centroids(0.5f);
        // its offset from the common mean points away from every language's
        float[] elsewhere = {10, 10, -1, -1, -1};
        assertEquals(-1, c.nearest(elsewhere));
        float[][] window = windowAround(elsewhere);
        float[][] words = {window[0]};
        assertSame(words, c.centre(window, words));
        // a text only loosely English (cosine about 0.14) is left alone at 0.5, taken for English at -1
        float[] loose = {10, 10, -0.47f, -0.77f, -0.77f};
        assertEquals(-1, centroids(0.5f).nearest(loose));
        assertEquals(0, centroids(-1f).nearest(loose));
    }

    @Test
    void badCentroidsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new LanguageCentroids(List.of("en", "fr"), new float[][] {EN}, "en", 0));
        assertThrows(IllegalArgumentException.class,
                () -> new LanguageCentroids(List.of("fr", "de"), new float[][] {FR, DE}, "en", 0));
        assertThrows(IllegalArgumentException.class,
                () -> new LanguageCentroids(List.of("en", "fr"), new float[][] {EN, {1, 2}}, "en", 0));
        assertThrows(IllegalArgumentException.class, () -> centroids(0).nearest(new float[] {1, 2}));
    }

    @Test
    void aHeadCentredByLanguageScoresFrenchAsItsEnglishCounterpart() {
        BioLabels labels = new BioLabels(List.of("O", "B-X", "I-X"));
        float[][] w = {{0, 0, 0, 3, 0}, {0, 0, 3, 0, 0}, {0, 0, 0, 0, 0}};
        LinearHead plain = new LinearHead("x", labels, w, new float[3], LinearHead.Centering.NONE);
        LinearHead centred = new LinearHead("x", labels, w, new float[3], LinearHead.Centering.LANGUAGE, null,
                SpanDecoding.WORDS, centroids(0.5f));
        float[][] french = windowAround(FR);
        float[][] english = windowAround(EN);
        // the plain head prefers O on French text (dimension 3 is French's offset) and B-X on English text
        assertEquals(0, argmax(plain.wordLogits(french, new int[] {0})[0]));
        assertEquals(1, argmax(plain.wordLogits(english, new int[] {0})[0]));
        assertArrayEquals(plain.wordLogits(english, new int[] {0, 1})[0], centred.wordLogits(french, new int[] {0, 1})[0], 1e-5f);
        assertThrows(IllegalArgumentException.class, () -> new LinearHead("x", labels, w, new float[3], LinearHead.Centering.LANGUAGE,
                null, SpanDecoding.WORDS, null));
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            best = v[i] > v[best] ? i : best;
        }
        return best;
    }
}
