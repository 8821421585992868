package org.polyspan.projection;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConllOutputTest {

    @Test
    void writesTargetWordsWithProjectedTagsForTokenAndTextTargets() {
        ProjectionRequest request = ProjectionRequest.parse(Map.of("pairs", List.of(
                Map.of("source", Map.of("tokens", List.of("New", "York", "is", "big"), "tags", List.of("B-LOC", "I-LOC", "O", "O")),
                        "target", Map.of("tokens", List.of("Nueva", "York", "es", "grande"))),
                Map.of("source", Map.of("tokens", List.of("Ann", "met", "Bob", "Lee"), "tags", List.of("B-PER", "O", "B-PER", "I-PER")),
                        "target", Map.of("text", "Ann 🙂 traf  Bob Lee.")))));
        // projections in target words, as the projector would return them
        List<Map<String, Object>> answers = new ArrayList<>();
        answers.add(ProjectionService.answer(request.pairs().get(0), new Projector.Result(
                List.of(new Projector.Projection(0, "LOC", 0, 2, 0.9, List.of())), List.of()), false));
        answers.add(ProjectionService.answer(request.pairs().get(1), new Projector.Result(List.of(
                new Projector.Projection(0, "PER", 0, 1, 0.8, List.of()),
                new Projector.Projection(1, "PER", 3, 5, 0.7, List.of())), List.of()), false));
        assertEquals("Nueva\tB-LOC\nYork\tI-LOC\nes\tO\ngrande\tO\n\n"
                + "Ann\tB-PER\n🙂\tO\ntraf\tO\nBob\tB-PER\nLee\tI-PER\n.\tO\n\n", ConllOutput.write(request, answers));
    }

    @Test
    void outputOption() {
        assertFalse(ConllOutput.requested(Map.of()));
        assertFalse(ConllOutput.requested(Map.of("output", "json")));
        assertTrue(ConllOutput.requested(Map.of("output", "conll")));
        assertEquals("output", assertThrows(ProjectionRequest.PairException.class,
                () -> ConllOutput.requested(Map.of("output", "xml"))).field());
        assertEquals(Map.of("pairs", List.of()), ConllOutput.withoutOption(Map.of("output", "conll", "pairs", List.of())));
    }
}
