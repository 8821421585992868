package org.polyspan.elasticsearch;

import org.elasticsearch.cluster.node.DiscoveryNode;
import org.elasticsearch.common.Strings;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.transport.TransportAddress;
import org.elasticsearch.common.io.stream.BytesStreamOutput;
import org.elasticsearch.common.io.stream.StreamInput;
import org.junit.jupiter.api.Test;
import org.polyspan.runtime.IndexProjectionProgress;
import org.polyspan.runtime.ModelsNodeOperation;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What travels between nodes: a node's models answer and the status of a {@code _project/index} task. */
class WireFormatTest {

    @Test
    void aJobSliceSurvivesTheWire() throws Exception {
        java.util.Map<String, Object> body = java.util.Map.of("source_index", "src", "dest_index", "dst", "text_field", "body",
                "spans_field", "spans", "target_text_field", "body_es", "model", "enc", "method", "align");
        ProjectIndexRequest sent = new ProjectIndexRequest(org.polyspan.runtime.ProjectIndexApi.job(body, false, "4").slice(2, 4));
        BytesStreamOutput out = new BytesStreamOutput();
        sent.writeTo(out);
        ProjectIndexRequest read = new ProjectIndexRequest(out.bytes().streamInput());
        assertEquals(sent.job(), read.job());
        assertEquals("project [src][body/spans] onto [body_es] into [dst] slice 2 of 4", read.getDescription());
        assertEquals(false, read.getShouldStoreResult());
    }

    @Test
    void aNodesModelsAnswerSurvivesTheWire() throws Exception {
        DiscoveryNode node = DiscoveryNode.createLocal(Settings.EMPTY, new TransportAddress(InetAddress.getLoopbackAddress(), 9300), "n1");
        ModelsNodeResponse sent = new ModelsNodeResponse(node, new ModelsNodeOperation.Result(429,
                Map.of("id", "m", "heads", List.of("ner"), "error", "still loading")));
        BytesStreamOutput out = new BytesStreamOutput();
        sent.writeTo(out);
        ModelsNodeResponse read = new ModelsNodeResponse(out.bytes().streamInput());
        assertEquals(sent.result(), read.result());
        assertEquals("n1", read.getNode().getId());
    }

    @Test
    void aTaskStatusSurvivesTheWireAndShowsTheFieldsOfOpenSearch() throws Exception {
        IndexProjectionProgress progress = new IndexProjectionProgress();
        progress.total(5);
        progress.batchDone(3, 1, 7, 2);
        progress.encoded(new org.polyspan.projection.ProjectionService.Encodings(3, 6));
        progress.failed("dest-es", "d4", "no translation");
        ProjectIndexStatus sent = new ProjectIndexStatus(progress.snapshot().fields());
        BytesStreamOutput out = new BytesStreamOutput();
        sent.writeTo(out);
        StreamInput in = out.bytes().streamInput();
        ProjectIndexStatus read = new ProjectIndexStatus(in);
        assertEquals(sent, read);
        String json = Strings.toString(read);
        assertEquals("{\"total\":5,\"processed\":5,\"projected\":3,\"skipped\":1,\"failed\":1,\"spans_projected\":7,"
                + "\"spans_unprojected\":2,\"batches\":1,\"source_encodings\":3,\"target_encodings\":6,"
                + "\"failures\":[{\"index\":\"dest-es\",\"id\":\"d4\",\"reason\":\"no translation\"}]}", json);
        assertTrue(Strings.toString(new ProjectIndexResponse(read, 12, "by user request")).startsWith(
                "{\"took_ms\":12,\"cancelled\":\"by user request\",\"total\":5"));
    }

    @Test
    void aSlicedJobsStatusSurvivesTheWireWithItsSlices() throws Exception {
        org.polyspan.runtime.SlicedProjectionProgress sliced = new org.polyspan.runtime.SlicedProjectionProgress(java.util.List.of("n1", "n2"));
        IndexProjectionProgress one = new IndexProjectionProgress();
        one.batchDone(4, 0, 9, 1);
        sliced.finished(0, one.snapshot().fields(), null);
        sliced.failed(1, org.polyspan.runtime.SlicedProjectionProgress.failure("node-2", true, null));
        ProjectIndexStatus sent = new ProjectIndexStatus(sliced.fields());
        BytesStreamOutput out = new BytesStreamOutput();
        sent.writeTo(out);
        ProjectIndexStatus read = new ProjectIndexStatus(out.bytes().streamInput());
        assertEquals(sent, read);
        String json = Strings.toString(read);
        assertTrue(json.startsWith("{\"total\":0,\"processed\":4,\"projected\":4,"), json);
        assertTrue(json.contains("\"slices\":[{\"slice_id\":0,\"node\":\"n1\",\"state\":\"completed\",\"total\":0,\"processed\":4"), json);
        assertTrue(json.contains("{\"slice_id\":1,\"node\":\"n2\",\"state\":\"failed\",\"reason\":\"node [node-2] left the cluster"), json);
    }
}
