package org.polyspan.seq2seq;

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
}
