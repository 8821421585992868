package org.polyspan.core;

/**
 * A softmax-regression head over frozen encoder features, optionally applied to features centred on the window's
 * mean. Centring removes much of what is specific to the language of the text (its mean vector) while keeping what
 * distinguishes words from one another, which helps an English-trained head transfer to other languages.
 */
public final class LinearHead implements TagHead {

    public enum Centering {
        NONE, WINDOW_MEAN
    }

    private final String name;
    private final BioLabels labels;
    private final int inputDim;
    private final float[][] weights;
    private final float[] bias;
    private final Centering centering;
    private final TransitionPrior transitions;
    private final SpanDecoding decoding;

    public LinearHead(String name, BioLabels labels, float[][] weights, float[] bias, Centering centering) {
        this(name, labels, weights, bias, centering, null);
    }

    public LinearHead(String name, BioLabels labels, float[][] weights, float[] bias, Centering centering,
                      TransitionPrior transitions) {
        this(name, labels, weights, bias, centering, transitions, SpanDecoding.WORDS);
    }

    public LinearHead(String name, BioLabels labels, float[][] weights, float[] bias, Centering centering,
                      TransitionPrior transitions, SpanDecoding decoding) {
        if (weights.length != labels.size() || bias.length != labels.size()) {
            throw new IllegalArgumentException("head [" + name + "] has " + labels.size() + " labels but "
                    + weights.length + " weight rows and " + bias.length + " biases");
        }
        this.name = name;
        this.labels = labels;
        this.inputDim = weights[0].length;
        this.weights = weights;
        this.bias = bias;
        this.centering = centering;
        this.transitions = transitions;
        this.decoding = decoding;
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

    public Centering centering() {
        return centering;
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
        return centre(centering, window, features);
    }

    public static float[][] centre(Centering centering, float[][] window, float[][] features) {
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
        float[][] out = new float[features.length][labels.size()];
        for (int i = 0; i < features.length; i++) {
            float[] x = features[i];
            if (x.length != inputDim) {
                throw new IllegalStateException("head [" + name + "] expects " + inputDim + " features, got " + x.length);
            }
            for (int k = 0; k < weights.length; k++) {
                float[] w = weights[k];
                double s = bias[k];
                for (int d = 0; d < inputDim; d++) {
                    s += w[d] * x[d];
                }
                out[i][k] = (float) s;
            }
        }
        return out;
    }
}
