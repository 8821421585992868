package org.polyspan.labeling;

import java.util.List;

/**
 * One sentence of a CoNLL-style text: its tokens, their tags, and the 1-based line of each token (for error messages).
 * A tag is {@code null} where the line had only a token.
 */
public record ConllSentence(List<String> tokens, List<String> tags, List<Integer> lines) {}
