package org.polyspan.seq2seq;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Next-token scores of a text-to-text model for a set of decoder prefixes that grow by one token per step. The beam
 * search applies a log-softmax to each row, so a source may return either logits or log-probabilities.
 */
public interface LogitsSource {

    /** Starts decoding for one input sequence (encoder ids, without padding). */
    Session open(int[] inputIds);

    /** Decoding state for one input: the decoder prefixes (rows) of the current step and their key/value cache. */
    interface Session extends AutoCloseable {
        /**
         * Extends the prefixes by one token each and scores the next token.
         *
         * @param parents for each new row, the row of the previous call whose prefix it extends ({@code -1} on the first
         *                call, where every row is the empty prefix)
         * @param tokens  for each new row, the token appended (the decoder start token on the first call)
         * @return per new row, a score for every vocabulary entry
         */
        float[][] step(int[] parents, int[] tokens);

        int vocabSize();

        @Override
        default void close() {}
    }

    /**
     * Starts decoding several inputs together, so that one call scores the rows of all of them. This default runs one
     * {@link Session} per input; a model overrides it to put every row into one batched decoder call.
     */
    default BatchSession openBatch(int[][] inputIds) {
        List<Session> sessions = new ArrayList<>(inputIds.length);
        try {
            for (int[] input : inputIds) {
                sessions.add(open(input));
            }
        } catch (RuntimeException e) {
            sessions.forEach(Session::close);
            throw e;
        }
        return new BatchSession() {
            private int[] previousInputs = new int[0];
            private int[] previousLocal = new int[0];

            @Override
            public float[][] step(int[] inputs, int[] parents, int[] tokens) {
                float[][] out = new float[tokens.length][];
                int[] local = new int[tokens.length];
                for (int i = 0; i < sessions.size(); i++) {
                    int count = 0;
                    for (int input : inputs) {
                        count += input == i ? 1 : 0;
                    }
                    if (count == 0) {
                        continue;
                    }
                    int[] rows = new int[count];
                    int[] p = new int[count];
                    int[] t = new int[count];
                    int k = 0;
                    for (int r = 0; r < tokens.length; r++) {
                        if (inputs[r] == i) {
                            if (parents[r] >= 0 && previousInputs[parents[r]] != i) {
                                throw new IllegalArgumentException("row " + r + " continues a row of another input");
                            }
                            rows[k] = r;
                            p[k] = parents[r] < 0 ? -1 : previousLocal[parents[r]];
                            t[k] = tokens[r];
                            k++;
                        }
                    }
                    float[][] scores = sessions.get(i).step(p, t);
                    for (k = 0; k < count; k++) {
                        out[rows[k]] = scores[k];
                        local[rows[k]] = k;
                    }
                }
                previousInputs = Arrays.copyOf(inputs, inputs.length);
                previousLocal = local;
                return out;
            }

            @Override
            public void close() {
                sessions.forEach(Session::close);
            }
        };
    }

    /** Decoding state for several inputs whose rows share each call. */
    interface BatchSession extends AutoCloseable {
        /**
         * Extends prefixes of any of the inputs by one token each and scores the next token. Every input has its first
         * rows (parent {@code -1}, the decoder start token) in the first call; an input whose search ended has no rows.
         *
         * @param inputs  for each new row, the input (index into the opened inputs) it belongs to
         * @param parents for each new row, the row of the previous call it extends, of the same input ({@code -1} on
         *                the first call)
         * @param tokens  for each new row, the token appended
         * @return per new row, a score for every vocabulary entry
         */
        float[][] step(int[] inputs, int[] parents, int[] tokens);

        @Override
        default void close() {}
    }
}
