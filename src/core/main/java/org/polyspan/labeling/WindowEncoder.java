package org.polyspan.labeling;

/** Runs the network over a batch of token sequences and returns one output vector per position. */
public interface WindowEncoder extends AutoCloseable {

    /**
     * @param sequences token ids, special tokens included; sequences may differ in length
     * @return for every sequence, a vector per position of that sequence (padding removed)
     */
    float[][][] encode(long[][] sequences);

    /** Length of each output vector. */
    int outputDim();

    @Override
    default void close() {}
}
