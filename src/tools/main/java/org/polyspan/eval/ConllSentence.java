package org.polyspan.eval;

import java.util.List;

/** One sentence of a CoNLL-style file: tokens and their IOB2 tags. */
public record ConllSentence(List<String> tokens, List<String> tags) {}
