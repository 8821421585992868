package org.polyspan.projection;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConllBodyTest {
    private static final String SOURCE = "-DOCSTART- -X- O O\n\nObama B-PER\nvisited O\nParis B-LOC\n. O\n\r\n"
            + "1\tThe\tO\n2\tEuropean\tB-ORG\n3\tParliament\tI-ORG\r\n";

    private static ProjectionRequest parse(Map<String, Object> body) {
        return ProjectionRequest.parse(ConllBody.expand(body));
    }

    private static ProjectionRequest.PairException bad(Map<String, Object> body) {
        return assertThrows(ProjectionRequest.PairException.class, () -> parse(body));
    }

    @Test
    void readsSourceConllWithTargetConllOrTargetText() {
        ProjectionRequest fromConll = parse(Map.of("format", "conll", "method", "align", "source_conll", SOURCE,
                "target_conll", "Obama B-PER\nvisitó O\nParís B-LOC\n. O\n\nEl\nParlamento\nEuropeo\n"));
        assertEquals(Projector.Method.ALIGN, fromConll.options().method());
        assertEquals(2, fromConll.pairs().size());
        ProjectionRequest.Pair first = fromConll.pairs().get(0);
        assertEquals("Obama visited Paris .", first.source().text());
        assertEquals(List.of(new WordSpan(0, 1, "PER"), new WordSpan(2, 3, "LOC")), first.spans());
        assertEquals("Obama visitó París .", first.target().text());
        assertTrue(first.targetTokens());
        assertEquals(List.of(new WordSpan(1, 3, "ORG")), fromConll.pairs().get(1).spans());
        assertEquals("El Parlamento Europeo", fromConll.pairs().get(1).target().text());

        // target_text: one sentence per line (or a list), split into words like span_labeling splits text
        for (Object text : List.of("Obama visitó París.\nEl Parlamento Europeo\n", List.of("Obama visitó París.", "El Parlamento Europeo"))) {
            ProjectionRequest fromText = parse(Map.of("format", "conll", "source_conll", SOURCE, "target_text", text));
            assertEquals("Obama visitó París .", fromText.pairs().get(0).target().text());
            assertEquals(3, fromText.pairs().get(1).target().words().size());
        }
    }

    @Test
    void withTranslateAndNoTargetsEverySentenceIsLeftToTranslateFirst() {
        ProjectionRequest r = parse(Map.of("format", "conll", "source_conll", SOURCE, "translate", true,
                "source_language", "en", "target_language", "es"));
        assertEquals(2, r.pairs().size());
        assertTrue(r.needsTranslation());
        assertTrue(r.pairs().get(1).needsTranslation());
        // given targets win over translate
        ProjectionRequest given = parse(Map.of("format", "conll", "source_conll", SOURCE, "translate", true,
                "source_language", "en", "target_language", "es", "target_text", "a\nb\n"));
        assertFalse(given.needsTranslation());
    }

    @Test
    void leavesJsonBodiesAlone() {
        Map<String, Object> body = Map.of("pairs", List.of());
        assertSame(body, ConllBody.expand(body));
        assertEquals(Map.of("pairs", List.of()), ConllBody.expand(Map.of("format", "json", "pairs", List.of())));
    }

    @Test
    void errorsNameFieldLineAndSentence() {
        ProjectionRequest.PairException count = bad(Map.of("format", "conll", "source_conll", SOURCE, "target_text", "only one\n"));
        assertEquals("target_text", count.field());
        assertTrue(count.getMessage().contains("1 sentences for 2 source sentences"), count.getMessage());

        ProjectionRequest.PairException tag = bad(Map.of("format", "conll", "source_conll", "a O\n\nb O\nc PER\n", "target_text", "x\ny"));
        assertEquals(1, tag.pair());
        assertEquals("source_conll", tag.field());
        assertTrue(tag.getMessage().contains("line 4: unknown tag [PER]"), tag.getMessage());

        ProjectionRequest.PairException noTag = bad(Map.of("format", "conll", "source_conll", "a O\nb\n", "target_text", "x"));
        assertTrue(noTag.getMessage().contains("line 2: expected a token and a tag"), noTag.getMessage());

        assertEquals("target_conll", bad(Map.of("format", "conll", "source_conll", "a O\n")).field());
        assertEquals("target_conll", bad(Map.of("format", "conll", "source_conll", "a O\n", "target_text", "x", "target_conll", "x")).field());
        assertEquals("source_conll", bad(Map.of("format", "conll", "target_text", "x")).field());
        assertEquals("source_conll", bad(Map.of("format", "conll", "source_conll", "\n\n", "target_text", "x")).field());
        assertEquals("format", bad(Map.of("format", "tsv", "pairs", List.of())).field());
        assertEquals("pairs", bad(Map.of("format", "conll", "source_conll", "a O\n", "target_text", "x", "pairs", List.of())).field());
        assertEquals("source_conll", bad(Map.of("source_conll", "a O\n", "pairs", List.of())).field());
        ProjectionRequest.PairException empty = bad(Map.of("format", "conll", "source_conll", "a O\n\nb O\n", "target_text", "x\n \n"));
        assertEquals(1, empty.pair());

        StringBuilder many = new StringBuilder();
        for (int i = 0; i <= ProjectionRequest.MAX_PAIRS; i++) {
            many.append("a O\n\n");
        }
        assertEquals("source_conll", bad(Map.of("format", "conll", "source_conll", many.toString(), "target_text", "x")).field());
    }
}
