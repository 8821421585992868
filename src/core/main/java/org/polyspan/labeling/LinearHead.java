package org.polyspan.labeling;

/**
 * A softmax-regression head over frozen encoder features, optionally applied to centred features and optionally
 * through one {@link HiddenLayer} before its linear output layer. {@code WINDOW_MEAN}
 * subtracts the window's own mean vector; {@code LANGUAGE} replaces the mean vector of the window's language, found
 * from its features, by the reference (training) language's (see {@link LanguageCentroids}). Both aim at what is
 * specific to the language of the text while keeping what distinguishes words from one another, so that an
 * English-trained head transfers to other languages.
 */
public final class LinearHead implements TagHead {

    public enum Centering {
        NONE, WINDOW_MEAN, LANGUAGE
    }

    private final String name;
    private final BioLabels labels;
    private final int inputDim;
    private final float[][] weights;
    private final float[] bias;
    private final Centering centering;
    private final TransitionPrior transitions;
    private final SpanDecoding decoding;
    private final LanguageCentroids languageCentroids;
    private final HiddenLayer hidden;

    public LinearHead(String name, BioLabels labels, float[][] weights, float[] bias, Centering centering) {
        this(name, labels, weights, bias, centering, null);
    }

    public LinearHead(String name, BioLabels labels, float[][] weights, float[] bias, Centering centering,
                      TransitionPrior transitions) {
        this(name, labels, weights, bias, centering, transitions, SpanDecoding.WORDS);
    }

    public LinearHead(String name, BioLabels labels, float[][] weights, float[] bias, Centering centering,
                      TransitionPrior transitions, SpanDecoding decoding) {
        this(name, labels, weights, bias, centering, transitions, decoding, null);
    }

    /** {@code languageCentroids} is required with {@link Centering#LANGUAGE} and ignored otherwise. */
    public LinearHead(String name, BioLabels labels, float[][] weights, float[] bias, Centering centering,
                      TransitionPrior transitions, SpanDecoding decoding, LanguageCentroids languageCentroids) {
        this(name, labels, null, weights, bias, centering, transitions, decoding, languageCentroids);
    }

    /**
     * With a {@code hidden} layer (null for none) {@code weights} is {@code [labels][hidden size]} and the head's input
     * size is the hidden layer's.
     */
    public LinearHead(String name, BioLabels labels, HiddenLayer hidden, float[][] weights, float[] bias, Centering centering,
                      TransitionPrior transitions, SpanDecoding decoding, LanguageCentroids languageCentroids) {
        if (weights.length != labels.size() || bias.length != labels.size()) {
            throw new IllegalArgumentException("head [" + name + "] has " + labels.size() + " labels but "
                    + weights.length + " weight rows and " + bias.length + " biases");
        }
        if (hidden != null && hidden.size() != weights[0].length) {
            throw new IllegalArgumentException("head [" + name + "] has a hidden layer of " + hidden.size()
                    + " but output weights over " + weights[0].length + " inputs");
        }
        this.name = name;
        this.labels = labels;
        this.hidden = hidden;
        this.inputDim = hidden != null ? hidden.inputDim() : weights[0].length;
        this.weights = weights;
        this.bias = bias;
        this.centering = centering;
        this.transitions = transitions;
        this.decoding = decoding;
        if (centering == Centering.LANGUAGE) {
            if (languageCentroids == null) {
                throw new IllegalArgumentException("head [" + name + "] centres by language but has no language centroids");
            }
            if (languageCentroids.dim() != inputDim) {
                throw new IllegalArgumentException("head [" + name + "] expects " + inputDim + " features but its language centroids have "
                        + languageCentroids.dim());
            }
        }
        this.languageCentroids = centering == Centering.LANGUAGE ? languageCentroids : null;
    }

    @Override
    public SpanDecoding decoding() {
        return decoding;
    }

    @Override
    public TransitionPrior transitions() {
        return transitions;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public BioLabels labels() {
        return labels;
    }

    public int inputDim() {
        return inputDim;
    }

    /** The output layer's weights, {@code [labels][input or hidden size]}. */
    public float[][] weights() {
        return weights;
    }

    public float[] bias() {
        return bias;
    }

    /** The layer between the features and the output weights, or null when the head is linear. */
    public HiddenLayer hidden() {
        return hidden;
    }

    public Centering centering() {
        return centering;
    }

    /** The centroids this head centres with, or null unless its centring is {@link Centering#LANGUAGE}. */
    public LanguageCentroids languageCentroids() {
        return languageCentroids;
    }

    @Override
    public float[][] wordLogits(float[][] window, int[] positions) {
        float[][] features = new float[positions.length][];
        for (int i = 0; i < positions.length; i++) {
            features[i] = window[positions[i]];
        }
        return logits(centre(window, features));
    }

    /** The features the head actually sees; also what the trainer must learn on. */
    public float[][] centre(float[][] window, float[][] features) {
        if (centering == Centering.LANGUAGE) {
            return languageCentroids.centre(window, features);
        }
        return centre(centering, window, features);
    }

    /** {@code NONE} and {@code WINDOW_MEAN}, which need nothing but the window. */
    public static float[][] centre(Centering centering, float[][] window, float[][] features) {
        if (centering == Centering.LANGUAGE) {
            throw new IllegalArgumentException("language centring needs the head's centroids");
        }
        if (centering == Centering.NONE || features.length == 0) {
            return features;
        }
        float[] mean = windowMean(window);
        float[][] out = new float[features.length][mean.length];
        for (int i = 0; i < features.length; i++) {
            for (int d = 0; d < mean.length; d++) {
                out[i][d] = features[i][d] - mean[d];
            }
        }
        return out;
    }

    /** Mean of the vectors of every position of the window, special tokens included. */
    public static float[] windowMean(float[][] window) {
        int dim = window[0].length;
        double[] sum = new double[dim];
        for (float[] row : window) {
            for (int d = 0; d < dim; d++) {
                sum[d] += row[d];
            }
        }
        float[] mean = new float[dim];
        for (int d = 0; d < dim; d++) {
            mean[d] = (float) (sum[d] / window.length);
        }
        return mean;
    }

    public float[][] logits(float[][] features) {
        for (float[] x : features) {
            if (x.length != inputDim) {
                throw new IllegalStateException("head [" + name + "] expects " + inputDim + " features, got " + x.length);
            }
        }
        float[][] inputs = hidden != null ? hidden.apply(features) : features;
        float[][] out = new float[inputs.length][labels.size()];
        for (int i = 0; i < inputs.length; i++) {
            float[] x = inputs[i];
            for (int k = 0; k < weights.length; k++) {
                float[] w = weights[k];
                double s = bias[k];
                for (int d = 0; d < w.length; d++) {
                    s += w[d] * x[d];
                }
                out[i][k] = (float) s;
            }
        }
        return out;
    }
}
