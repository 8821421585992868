package org.polyspan.runtime;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class IndexProjectionProgressTest {

    @Test
    void aRefusedWriteAndAnUnprojectedDocumentBothCountAsFailed() {
        IndexProjectionBatch.Result result = new IndexProjectionBatch.Result(List.of(
                new IndexProjectionBatch.Write("a", Map.of(), null),
                new IndexProjectionBatch.Write("b", Map.of(), "no target text"),
                new IndexProjectionBatch.Write("c", Map.of(), null)), 2, 5, 1);
        IndexProjectionProgress progress = new IndexProjectionProgress();
        progress.total(5);
        progress.batchWritten(result, "dest", List.of(new IndexProjectionProgress.WriteOutcome(0, null),
                new IndexProjectionProgress.WriteOutcome(1, null), new IndexProjectionProgress.WriteOutcome(2, "mapper_parsing_exception")));
        IndexProjectionProgress.Snapshot s = progress.snapshot();
        assertEquals(1, s.projected());
        assertEquals(2, s.failed());
        assertEquals(2, s.skipped());
        assertEquals(5, s.processed());
        assertEquals(5, s.spansProjected());
        assertEquals(1, s.spansUnprojected());
        assertEquals(1, s.batches());
        assertEquals(List.of(new IndexProjectionProgress.Failure("b", "no target text"),
                new IndexProjectionProgress.Failure("c", "writing to [dest] failed: mapper_parsing_exception")), s.failures());
    }

    @Test
    void aBatchWithNothingToWriteStillCounts() {
        IndexProjectionProgress progress = new IndexProjectionProgress();
        progress.batchWritten(new IndexProjectionBatch.Result(List.of(), 3, 0, 0), "dest", List.of());
        assertEquals(3, progress.snapshot().skipped());
        assertEquals(1, progress.snapshot().batches());
    }
}
