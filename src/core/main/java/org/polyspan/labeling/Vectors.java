package org.polyspan.labeling;

/** Vector arithmetic shared by the self-check and the model comparison tools. */
public final class Vectors {
    private Vectors() {}

    /** The cosine of {@code a} and {@code b}; two zero vectors agree (1), one zero vector against another gives NaN. */
    public static double cosine(float[] a, float[] b) {
        return cosine(a, b, 0, a.length);
    }

    /** The cosine of {@code a[from, to)} and {@code b[from, to)}, in double precision; see {@link #cosine(float[], float[])}. */
    public static double cosine(float[] a, float[] b, int from, int to) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = from; i < to; i++) {
            ab += (double) a[i] * b[i];
            aa += (double) a[i] * a[i];
            bb += (double) b[i] * b[i];
        }
        return aa == 0 && bb == 0 ? 1 : ab / Math.sqrt(aa * bb);
    }
}
