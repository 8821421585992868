package org.polyspan.runtime;

import org.junit.jupiter.api.Test;
import org.polyspan.projection.ProjectionService;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class IndexProjectionProgressTest {

    @Test
    void aRefusedWriteAndAnUnprojectedDocumentBothCountAsFailed() {
        IndexProjectionBatch.Result result = new IndexProjectionBatch.Result(List.of(
                new IndexProjectionBatch.Write("dest", "a", Map.of(), null),
                new IndexProjectionBatch.Write("dest", "b", Map.of(), "no target text"),
                new IndexProjectionBatch.Write("dest", "c", Map.of(), null)), 2, 5, 1, new ProjectionService.Encodings(2, 3));
        IndexProjectionProgress progress = new IndexProjectionProgress();
        progress.total(5);
        progress.batchWritten(result, List.of(new IndexProjectionProgress.WriteOutcome(0, null),
                new IndexProjectionProgress.WriteOutcome(1, null), new IndexProjectionProgress.WriteOutcome(2, "mapper_parsing_exception")));
        IndexProjectionProgress.Snapshot s = progress.snapshot();
        assertEquals(1, s.projected());
        assertEquals(2, s.failed());
        assertEquals(2, s.skipped());
        assertEquals(5, s.processed());
        assertEquals(5, s.spansProjected());
        assertEquals(1, s.spansUnprojected());
        assertEquals(1, s.batches());
        assertEquals(2, s.sourceEncodings());
        assertEquals(3, s.targetEncodings());
        assertEquals(List.of(new IndexProjectionProgress.Failure("dest", "b", "no target text"),
                new IndexProjectionProgress.Failure("dest", "c", "writing to [dest] failed: mapper_parsing_exception")), s.failures());
    }

    @Test
    void aBatchWithNothingToWriteStillCounts() {
        IndexProjectionProgress progress = new IndexProjectionProgress();
        progress.batchWritten(new IndexProjectionBatch.Result(List.of(), 3, 0, 0, ProjectionService.Encodings.NONE), List.of());
        assertEquals(3, progress.snapshot().skipped());
        assertEquals(1, progress.snapshot().batches());
    }
}
