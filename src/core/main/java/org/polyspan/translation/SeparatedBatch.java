package org.polyspan.translation;

import java.util.ArrayList;
import java.util.List;

/**
 * Many texts in one Apertium input: each text on its own line, followed by a line holding only {@code .}. Apertium
 * moves words across plain line breaks (its {@code txt} and {@code line} formats both turn "the European\nCommission"
 * into "La Comisión\neuropea"), but never across a sentence end, so the separator keeps each translation to its text.
 */
final class SeparatedBatch {
    private static final String SEPARATOR = ".";

    private SeparatedBatch() {}

    static String join(List<String> texts) {
        StringBuilder in = new StringBuilder();
        for (String t : texts) {
            in.append(t.replace('\r', ' ').replace('\n', ' ')).append('\n').append(SEPARATOR).append('\n');
        }
        return in.toString();
    }

    /** The translations, one per text, or {@code null} when the separators did not come back where expected. */
    static List<String> split(String output, int count) {
        String[] lines = output.split("\n", -1);
        if (lines.length < 2 * count) {
            return null;
        }
        List<String> result = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (!lines[2 * i + 1].strip().equals(SEPARATOR)) {
                return null;
            }
            result.add(lines[2 * i].strip());
        }
        for (int i = 2 * count; i < lines.length; i++) {
            if (!lines[i].isBlank()) {
                return null;
            }
        }
        return result;
    }
}
