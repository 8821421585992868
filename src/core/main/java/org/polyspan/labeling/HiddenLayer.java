package org.polyspan.labeling;

/**
 * One dense layer with a GELU activation between the encoder's features and a head's output layer: a head that can
 * combine features, for tags that a linear boundary over frozen features separates poorly (argument components).
 * GELU is the tanh approximation, the form the trainer uses, so that a head scores here as it did in training.
 */
public final class HiddenLayer {
    /** The JSON name of the activation; the only one read. */
    public static final String ACTIVATION = "gelu_tanh";

    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
    /** Words that share one pass over the weights. */
    private static final int BLOCK = 16;

    private final float[] bias;
    /**
     * {@code [input][size]}: {@link #apply} adds one input's column to all units at once, a loop the JIT vectorises, and
     * does so for a block of words while that column is in cache.
     */
    private final float[][] byInput;

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
        this.bias = bias;
        this.byInput = new float[input][weights.length];
        for (int h = 0; h < weights.length; h++) {
            for (int d = 0; d < input; d++) {
                byInput[d][h] = weights[h][d];
            }
        }
    }

    public int inputDim() {
        return byInput.length;
    }

    public int size() {
        return bias.length;
    }

    /** A copy of the weights as the constructor took them, {@code [size][input]} (only the transpose is kept). */
    public float[][] weights() {
        float[][] out = new float[size()][inputDim()];
        for (int d = 0; d < byInput.length; d++) {
            for (int h = 0; h < out.length; h++) {
                out[h][d] = byInput[d][h];
            }
        }
        return out;
    }

    public float[] bias() {
        return bias;
    }

    /** The layer's output for each row of {@code xs}. */
    public float[][] apply(float[][] xs) {
        float[][] out = new float[xs.length][];
        for (int i = 0; i < xs.length; i++) {
            out[i] = bias.clone();
        }
        for (int from = 0; from < xs.length; from += BLOCK) {
            int to = Math.min(xs.length, from + BLOCK);
            for (int d = 0; d < byInput.length; d++) {
                float[] column = byInput[d];
                for (int i = from; i < to; i++) {
                    float v = xs[i][d];
                    float[] o = out[i];
                    for (int h = 0; h < o.length; h++) {
                        o[h] += column[h] * v;
                    }
                }
            }
        }
        for (float[] o : out) {
            for (int h = 0; h < o.length; h++) {
                o[h] = (float) gelu(o[h]);
            }
        }
        return out;
    }

    static double gelu(double v) {
        return 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v)));
    }
}
