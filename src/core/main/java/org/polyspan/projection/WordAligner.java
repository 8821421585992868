package org.polyspan.projection;

/**
 * SimAlign-style word alignment (Jalili Sabet et al., 2020) from a source-by-target similarity matrix: {@code argmax}
 * keeps the mutual best pairs; {@code itermax} repeats argmax on the words still unaligned, as SimAlign's
 * {@code iter_max} does (two rounds, alpha 0.9).
 */
public final class WordAligner {
    public enum Mode { ARGMAX, ITERMAX }

    private WordAligner() {}

    /** Dot products of the (already normalised) word vectors: cosine similarity when each vector has unit norm. */
    public static float[][] similarity(float[][] source, float[][] target) {
        float[][] sim = new float[source.length][target.length];
        for (int i = 0; i < source.length; i++) {
            float[] a = source[i];
            for (int j = 0; j < target.length; j++) {
                float[] b = target[j];
                double dot = 0;
                for (int d = 0; d < a.length; d++) {
                    dot += a[d] * b[d];
                }
                sim[i][j] = (float) dot;
            }
        }
        return sim;
    }

    public static boolean[][] align(float[][] sim, Mode mode) {
        return mode == Mode.ARGMAX ? argmax(sim) : itermax(sim, 2, 0.9);
    }

    /** Pairs that are each other's best match. */
    public static boolean[][] argmax(float[][] sim) {
        int m = sim.length;
        int n = m == 0 ? 0 : sim[0].length;
        boolean[][] out = new boolean[m][n];
        if (m == 0 || n == 0) {
            return out;
        }
        int[] rowBest = new int[m];
        int[] colBest = new int[n];
        for (int i = 0; i < m; i++) {
            rowBest[i] = argmaxRow(sim[i]);
        }
        for (int j = 0; j < n; j++) {
            int best = 0;
            for (int i = 1; i < m; i++) {
                if (sim[i][j] > sim[best][j]) {
                    best = i;
                }
            }
            colBest[j] = best;
        }
        for (int i = 0; i < m; i++) {
            if (colBest[rowBest[i]] == i) {
                out[i][rowBest[i]] = true;
            }
        }
        return out;
    }

    /** SimAlign's {@code iter_max}. */
    public static boolean[][] itermax(float[][] sim, int maxCount, double alpha) {
        int m = sim.length;
        int n = m == 0 ? 0 : sim[0].length;
        boolean[][] inter = argmax(sim);
        if (Math.min(m, n) <= 2) {
            return inter;
        }
        for (int count = 1; count < maxCount; count++) {
            boolean[] rowAligned = new boolean[m];
            boolean[] colAligned = new boolean[n];
            int freeRows = 0;
            int freeCols = 0;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    if (inter[i][j]) {
                        rowAligned[i] = true;
                        colAligned[j] = true;
                    }
                }
            }
            for (boolean b : rowAligned) {
                freeRows += b ? 0 : 1;
            }
            for (boolean b : colAligned) {
                freeCols += b ? 0 : 1;
            }
            if (freeRows < 1 || freeCols < 1) {
                break;
            }
            float[][] masked = new float[m][n];
            boolean[][] allowed = new boolean[m][n];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double mx = rowAligned[i] ? 0 : 1;
                    double my = colAligned[j] ? 0 : 1;
                    double mask = Math.min(1.0, alpha * mx + alpha * my);
                    masked[i][j] = (float) (sim[i][j] * mask);
                    allowed[i][j] = !(rowAligned[i] && colAligned[j]);
                }
            }
            boolean[][] fresh = argmax(masked);
            boolean changed = false;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    if (fresh[i][j] && allowed[i][j] && !inter[i][j]) {
                        inter[i][j] = true;
                        changed = true;
                    }
                }
            }
            if (!changed) {
                break;
            }
        }
        return inter;
    }

    private static int argmaxRow(float[] row) {
        int best = 0;
        for (int j = 1; j < row.length; j++) {
            if (row[j] > row[best]) {
                best = j;
            }
        }
        return best;
    }
}
