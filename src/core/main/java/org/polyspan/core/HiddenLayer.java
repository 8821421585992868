package org.polyspan.core;

/**
 * One dense layer with a GELU activation between the encoder's features and a head's output layer: a head that can
 * combine features, for tags that a linear boundary over frozen features separates poorly (argument components).
 * GELU is the tanh approximation, the form the trainer uses, so that a head scores here as it did in training.
 */
public final class HiddenLayer {
    /** The JSON name of the activation; the only one read. */
    public static final String ACTIVATION = "gelu_tanh";

    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

    private final float[][] weights;
    private final float[] bias;

    /** {@code weights} is {@code [size][input]}, {@code bias} is {@code [size]}. */
    public HiddenLayer(float[][] weights, float[] bias) {
        if (weights.length == 0 || weights.length != bias.length) {
            throw new IllegalArgumentException("hidden layer has " + weights.length + " weight rows and " + bias.length + " biases");
        }
        int input = weights[0].length;
        for (float[] row : weights) {
            if (row.length != input) {
                throw new IllegalArgumentException("hidden layer weight rows differ in length");
            }
        }
        this.weights = weights;
        this.bias = bias;
    }

    public int inputDim() {
        return weights[0].length;
    }

    public int size() {
        return weights.length;
    }

    public float[][] weights() {
        return weights;
    }

    public float[] bias() {
        return bias;
    }

    public float[] apply(float[] x) {
        float[] out = new float[weights.length];
        for (int h = 0; h < weights.length; h++) {
            float[] w = weights[h];
            double s = bias[h];
            for (int d = 0; d < w.length; d++) {
                s += w[d] * x[d];
            }
            out[h] = (float) gelu(s);
        }
        return out;
    }

    static double gelu(double v) {
        return 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v)));
    }
}
