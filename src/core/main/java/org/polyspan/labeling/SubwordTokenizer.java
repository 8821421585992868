package org.polyspan.labeling;

import java.util.List;

/** Turns words into model sub-token ids, and knows the special tokens that frame a sequence. */
public interface SubwordTokenizer extends AutoCloseable {

    /** Sub-token ids of every word, in order, without special tokens. A word may yield no ids at all. */
    int[][] tokenize(List<String> words);

    /** Ids placed before the words of every sequence, e.g. {@code [CLS]}. */
    long[] prefixIds();

    /** Ids placed after the words of every sequence, e.g. {@code [SEP]}. */
    long[] suffixIds();

    long padId();

    @Override
    default void close() {}
}
