package org.polyspan.projection;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What one pair may hold: short words and many spans are refused before any alignment is allocated, and a span's
 * label is named for what is wrong with it.
 */
class ProjectionRequestLimitsTest {
    private static String words(int n) {
        return "Obama" + " a".repeat(n - 1);
    }

    private static Map<String, Object> pair(String source, List<Map<String, Object>> spans, String target) {
        return Map.of("source", Map.of("text", source, "spans", spans), "target", Map.of("text", target));
    }

    private static ProjectionRequest parse(Object... pairs) {
        return ProjectionRequest.of(List.of(pairs), ProjectionOptions.parse(Map.of()));
    }

    @Test
    void aPairOfManyShortWordsIsRefusedNamingItsTarget() {
        List<Map<String, Object>> one = List.of(Map.of("start", 0, "end", 5, "label", "PER"));
        // 12,000 x 12,000 words in 48 kB of text: within the character limit, far beyond the word pairs
        ProjectionRequest.PairException e = assertThrows(ProjectionRequest.PairException.class,
                () -> parse(pair(words(1000), one, words(1000)), pair(words(12_000), one, words(12_000))));
        assertEquals(1, e.pair());
        assertEquals("target", e.field());
        assertTrue(e.getMessage().contains("12000 source words x 12000 target words"), e.getMessage());

        // a long document against its translation within the limit is still projected
        assertEquals(1, parse(pair(words(1400), one, words(1400))).pairs().size());
    }

    @Test
    void manySpansOverALongTargetAreRefusedNamingTheSpans() {
        List<Map<String, Object>> spans = new ArrayList<>();
        for (int k = 0; k < 600; k++) {
            spans.add(Map.of("start", 2 * k, "end", 2 * k + 1, "label", "PER"));
        }
        String text = "a ".repeat(600).trim();
        ProjectionRequest.PairException e = assertThrows(ProjectionRequest.PairException.class,
                () -> parse(pair(text, spans, words(1000))));
        assertEquals("source.spans", e.field());
        assertTrue(e.getMessage().contains("600 spans x 1000 target words"), e.getMessage());
    }

    @Test
    void aMachineTranslatedTargetIsCheckedToo() {
        ProjectionRequest.Pair untranslated = new ProjectionRequest.Pair(org.polyspan.labeling.Document.of(words(2000)), List.of(), null,
                false, null);
        assertEquals(untranslated, untranslated.checkSize(0), "nothing to check before the translation");
        ProjectionRequest.PairException e = assertThrows(ProjectionRequest.PairException.class,
                () -> untranslated.withTranslation(words(2000), "apertium").checkSize(3));
        assertEquals(3, e.pair());
    }

    @Test
    void aLabelOfTheWrongTypeIsNotCalledMissing() {
        for (Object label : List.of(5, Map.of(), "")) {
            ProjectionRequest.PairException e = assertThrows(ProjectionRequest.PairException.class,
                    () -> parse(pair("Obama", List.of(Map.of("start", 0, "end", 5, "label", label)), "Obama")));
            assertEquals("source.spans[0].label", e.field());
            assertTrue(e.getMessage().endsWith("must be a non-empty string"), e.getMessage());
        }
        ProjectionRequest.PairException missing = assertThrows(ProjectionRequest.PairException.class,
                () -> parse(pair("Obama", List.of(Map.of("start", 0, "end", 5)), "Obama")));
        assertTrue(missing.getMessage().endsWith("is missing"), missing.getMessage());
    }
}
