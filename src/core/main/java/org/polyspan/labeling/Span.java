package org.polyspan.labeling;

/**
 * A labelled span: {@code text} equals {@code source.substring(start, end)} of the text it was found in; offsets are
 * UTF-16 (Java {@code String}) indices. {@code score} is the mean probability of the span's word tags.
 */
public record Span(String label, String text, int start, int end, double score, String head) {}
