package org.polyspan.plugin;

import org.junit.jupiter.api.Test;
import org.opensearch.common.io.stream.BytesStreamOutput;
import org.opensearch.common.xcontent.XContentFactory;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.common.io.stream.NamedWriteableAwareStreamInput;
import org.opensearch.core.common.io.stream.NamedWriteableRegistry;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.xcontent.ToXContent;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.tasks.Task;
import org.polyspan.runtime.IndexProjectionProgress;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProjectIndexStatusTest {

    @Test
    void travelsAsANamedWriteableAndRendersItsCounts() throws Exception {
        ProjectIndexTask task = new ProjectIndexTask(1, "transport", ProjectIndexAction.NAME, "d", null, java.util.Map.of());
        task.progress().total(10);
        task.progress().batchDone(3, 2, 5, 1);
        task.progress().encoded(new org.polyspan.projection.ProjectionService.Encodings(2, 4));
        task.progress().failed("a", "field [x] is missing or null");
        task.progress().failed("dest-de", "b", "field [body_de] is missing or null");
        ProjectIndexStatus status = task.getStatus();
        assertEquals(7L, status.fields().get("processed"));

        NamedWriteableRegistry registry = new NamedWriteableRegistry(List.of(
                new NamedWriteableRegistry.Entry(Task.Status.class, ProjectIndexStatus.NAME, ProjectIndexStatus::new)));
        BytesStreamOutput out = new BytesStreamOutput();
        out.writeNamedWriteable(status);
        StreamInput in = new NamedWriteableAwareStreamInput(out.bytes().streamInput(), registry);
        assertEquals(status, in.readNamedWriteable(Task.Status.class));

        ProjectIndexResponse response = new ProjectIndexResponse(status, 1234, "by user request");
        BytesStreamOutput responseOut = new BytesStreamOutput();
        response.writeTo(responseOut);
        assertEquals(status, new ProjectIndexResponse(responseOut.bytes().streamInput()).status());

        XContentBuilder b = XContentFactory.jsonBuilder();
        response.toXContent(b, ToXContent.EMPTY_PARAMS);
        String json = BytesReference.bytes(b).utf8ToString();
        assertTrue(json.contains("\"cancelled\":\"by user request\""), json);
        assertTrue(json.contains("\"processed\":7") && json.contains("\"failed\":2") && json.contains("\"skipped\":2"), json);
        assertEquals("{\"took_ms\":1234,\"cancelled\":\"by user request\",\"total\":10,\"processed\":7,\"projected\":3,"
                + "\"skipped\":2,\"failed\":2,\"spans_projected\":5,\"spans_unprojected\":1,\"batches\":1,"
                + "\"source_encodings\":2,\"target_encodings\":4,"
                + "\"failures\":[{\"id\":\"a\",\"reason\":\"field [x] is missing or null\"},"
                + "{\"index\":\"dest-de\",\"id\":\"b\",\"reason\":\"field [body_de] is missing or null\"}]}", json);
    }

    @Test
    void listsAtMostTwentyFailures() {
        ProjectIndexTask task = new ProjectIndexTask(1, "transport", ProjectIndexAction.NAME, "d", null, java.util.Map.of());
        for (int i = 0; i < 30; i++) {
            task.progress().failed("d" + i, "r");
        }
        assertEquals(30L, task.getStatus().fields().get("failed"));
        assertEquals(IndexProjectionProgress.MAX_LISTED, ((java.util.List<?>) task.getStatus().fields().get("failures")).size());
    }

    @Test
    void aSlicedParentShowsItsSlicesAndTravels() throws Exception {
        ProjectIndexTask parent = new ProjectIndexTask(2, "transport", ProjectIndexAction.NAME, "d", null, java.util.Map.of());
        org.polyspan.runtime.SlicedProjectionProgress slices = new org.polyspan.runtime.SlicedProjectionProgress(List.of("a", "b"));
        parent.sliced(slices);
        IndexProjectionProgress child = new IndexProjectionProgress();
        child.batchDone(2, 1, 3, 0);
        child.encoded(new org.polyspan.projection.ProjectionService.Encodings(2, 5));
        slices.finished(1, child.snapshot().fields(), null);
        ProjectIndexStatus status = parent.getStatus();
        assertEquals(3L, status.fields().get("processed"));
        BytesStreamOutput out = new BytesStreamOutput();
        status.writeTo(out);
        assertEquals(status, new ProjectIndexStatus(out.bytes().streamInput()));
        XContentBuilder b = XContentFactory.jsonBuilder();
        status.toXContent(b, ToXContent.EMPTY_PARAMS);
        String json = BytesReference.bytes(b).utf8ToString();
        assertTrue(json.contains("\"slices\":[{\"slice_id\":0,\"node\":\"a\",\"state\":\"running\"},{\"slice_id\":1,\"node\":\"b\","
                + "\"state\":\"completed\",\"total\":0,\"processed\":3"), json);
        // the encoder counters of a job with several targets add up in the parent and show per slice
        assertTrue(json.contains("\"batches\":1,\"source_encodings\":2,\"target_encodings\":5,\"failures\":[]"), json);
        assertTrue(json.contains("\"batches\":1,\"source_encodings\":2,\"target_encodings\":5}"), json);
    }
}
