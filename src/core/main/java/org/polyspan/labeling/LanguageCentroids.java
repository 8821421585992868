package org.polyspan.labeling;

import java.util.List;

/**
 * One mean encoder feature vector per language, computed from the same kind of text in every language, so that the
 * differences between them are language rather than domain. A multilingual encoder's features carry a per-language
 * offset; a head trained on the reference language (English) sees another language's text more as it saw its
 * training data once that offset is replaced by the reference language's: {@code f - mu_L + mu_ref}, or a share
 * {@code strength} of it: {@code f + strength * (mu_ref - mu_L)}.
 *
 * <p>The language {@code L} of a text is not given: it is the centroid nearest to the text's mean feature vector, by
 * cosine taken around the mean of all centroids (the raw mean vectors of all languages point almost the same way; what
 * tells them apart is their offset from the common mean). A text whose best cosine is below {@code minCosine} is
 * left alone: it is in no language the centroids know well enough to move it.
 */
public final class LanguageCentroids {
    private final List<String> languages;
    private final float[][] centroids;
    private final int reference;
    private final float minCosine;
    private final float strength;
    private final float[] origin;
    private final float[][] directions;

    public LanguageCentroids(List<String> languages, float[][] centroids, String reference, float minCosine) {
        this(languages, centroids, reference, minCosine, 1f);
    }

    /**
     * @param strength the share of the offset between the text's language and the reference language that is removed:
     *                 1 moves the text's mean onto the reference centroid, 0 leaves the features alone
     */
    public LanguageCentroids(List<String> languages, float[][] centroids, String reference, float minCosine, float strength) {
        if (!(strength >= 0 && strength <= 1)) {
            throw new IllegalArgumentException("strength must be within 0 and 1, not " + strength);
        }
        if (languages.isEmpty() || languages.size() != centroids.length) {
            throw new IllegalArgumentException(languages.size() + " languages but " + centroids.length + " centroids");
        }
        this.reference = languages.indexOf(reference);
        if (this.reference < 0) {
            throw new IllegalArgumentException("reference language [" + reference + "] has no centroid; languages " + languages);
        }
        int dim = centroids[0].length;
        for (float[] c : centroids) {
            if (c.length != dim) {
                throw new IllegalArgumentException("centroids differ in size: " + dim + " and " + c.length);
            }
        }
        this.languages = List.copyOf(languages);
        this.centroids = centroids;
        this.minCosine = minCosine;
        this.strength = strength;
        this.origin = new float[dim];
        for (float[] c : centroids) {
            for (int d = 0; d < dim; d++) {
                origin[d] += c[d] / centroids.length;
            }
        }
        this.directions = new float[centroids.length][];
        for (int l = 0; l < centroids.length; l++) {
            directions[l] = minus(centroids[l], origin);
        }
    }

    public List<String> languages() {
        return languages;
    }

    public String reference() {
        return languages.get(reference);
    }

    public float minCosine() {
        return minCosine;
    }

    public float strength() {
        return strength;
    }

    public int dim() {
        return origin.length;
    }

    public float[] centroid(int language) {
        return centroids[language].clone();
    }

    /** Cosine, around the centroids' common mean, between a text's mean feature vector and each language's centroid. */
    public float[] cosines(float[] textMean) {
        if (textMean.length != origin.length) {
            throw new IllegalArgumentException("features have " + textMean.length + " values, centroids " + origin.length);
        }
        float[] t = minus(textMean, origin);
        float[] out = new float[directions.length];
        for (int l = 0; l < directions.length; l++) {
            out[l] = cosine(t, directions[l]);
        }
        return out;
    }

    /** Index of the nearest language, or -1 when no centroid reaches {@code minCosine}. */
    public int nearest(float[] textMean) {
        float[] cos = cosines(textMean);
        int best = -1;
        float bestCos = minCosine;
        for (int l = 0; l < cos.length; l++) {
            if (cos[l] >= bestCos) {
                best = l;
                bestCos = cos[l];
            }
        }
        return best;
    }

    /**
     * The features of one window moved from the window's language to the reference language; unchanged when the
     * window is in the reference language or in none that the centroids know.
     */
    public float[][] centre(float[][] window, float[][] features) {
        if (features.length == 0) {
            return features;
        }
        int language = nearest(LinearHead.windowMean(window));
        if (language < 0 || language == reference) {
            return features;
        }
        float[] shift = minus(centroids[reference], centroids[language]);
        for (int d = 0; d < shift.length; d++) {
            shift[d] *= strength;
        }
        float[][] out = new float[features.length][];
        for (int i = 0; i < features.length; i++) {
            if (features[i].length != shift.length) {
                throw new IllegalArgumentException("features have " + features[i].length + " values, centroids " + shift.length);
            }
            out[i] = new float[shift.length];
            for (int d = 0; d < shift.length; d++) {
                out[i][d] = features[i][d] + shift[d];
            }
        }
        return out;
    }

    private static float[] minus(float[] a, float[] b) {
        float[] out = new float[a.length];
        for (int d = 0; d < a.length; d++) {
            out[d] = a[d] - b[d];
        }
        return out;
    }

    private static float cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int d = 0; d < a.length; d++) {
            dot += (double) a[d] * b[d];
            na += (double) a[d] * a[d];
            nb += (double) b[d] * b[d];
        }
        return na == 0 || nb == 0 ? 0f : (float) (dot / Math.sqrt(na * nb));
    }
}
