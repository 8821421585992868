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
        task.progress().failed("a", "field [x] is missing or null");
        ProjectIndexStatus status = task.getStatus();
        assertEquals(6, status.snapshot().processed());

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
        assertTrue(json.contains("\"processed\":6") && json.contains("\"failed\":1") && json.contains("\"skipped\":2"), json);
        assertEquals("{\"took_ms\":1234,\"cancelled\":\"by user request\",\"total\":10,\"processed\":6,\"projected\":3,"
                + "\"skipped\":2,\"failed\":1,\"spans_projected\":5,\"spans_unprojected\":1,\"batches\":1,"
                + "\"failures\":[{\"id\":\"a\",\"reason\":\"field [x] is missing or null\"}]}", json);
    }

    @Test
    void listsAtMostTwentyFailures() {
        ProjectIndexTask task = new ProjectIndexTask(1, "transport", ProjectIndexAction.NAME, "d", null, java.util.Map.of());
        for (int i = 0; i < 30; i++) {
            task.progress().failed("d" + i, "r");
        }
        assertEquals(30, task.getStatus().snapshot().failed());
        assertEquals(IndexProjectionProgress.MAX_LISTED, task.getStatus().snapshot().failures().size());
    }
}
