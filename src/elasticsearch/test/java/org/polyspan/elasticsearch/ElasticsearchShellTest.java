package org.polyspan.elasticsearch;

import org.elasticsearch.ElasticsearchException;
import org.elasticsearch.index.VersionType;
import org.elasticsearch.ingest.CompoundProcessor;
import org.elasticsearch.ingest.IngestDocument;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.polyspan.model.InferenceRejections;
import org.polyspan.model.ModelRepository;
import org.polyspan.onnx.OnnxWindowEncoder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Elasticsearch shell's adaptation: configuration errors, asynchronous execution, failure recording. */
class ElasticsearchShellTest {
    private static ModelRepository models;

    @BeforeAll
    static void open() {
        Path root = Path.of(System.getProperty("polyspan.test.models", "../../target/test-models"));
        assertTrue(Files.isRegularFile(root.resolve("tiny-heads/config.json")),
                () -> "tiny test models missing under " + root + ": models/build-default.sh --tiny " + root);
        models = new ModelRepository(root, OnnxWindowEncoder.Device.CPU, 1);
    }

    @AfterAll
    static void close() {
        models.close();
    }

    private static IngestDocument document(Map<String, Object> source) {
        return new IngestDocument("index", "id", 1, null, VersionType.INTERNAL, new HashMap<>(source));
    }

    @Test
    void badOptionsBecomeElasticsearchConfigurationErrorsNamingTheOption() {
        SpanLabelingProcessor.Factory factory = new SpanLabelingProcessor.Factory(models, () -> Runnable::run, new InferenceRejections());
        Map<String, Object> config = new HashMap<>(Map.of("model", "tiny-heads", "field", "body", "min_score", 2));
        ElasticsearchException e = assertThrows(ElasticsearchException.class, () -> factory.create(Map.of(), "t1", null, config));
        assertEquals(400, e.status().getStatus());
        assertEquals(List.of("min_score"), e.getMetadata("es.property_name"));
        assertEquals(List.of("span_labeling"), e.getMetadata("es.processor_type"));
        assertEquals("[min_score] must be between 0 and 1", e.getMessage());
    }

    @Test
    void labelsOnTheGivenExecutorAndHandsTheDocumentBack() throws Exception {
        List<Runnable> queued = new ArrayList<>();
        SpanLabelingProcessor p = new SpanLabelingProcessor.Factory(models, () -> queued::add, new InferenceRejections())
                .create(Map.of(), null, null, new HashMap<>(Map.of("model", "tiny-heads", "field", "body")));
        assertTrue(p.isAsync());
        IngestDocument doc = document(Map.of("body", "Angela Merkel besucht Paris."));
        AtomicReference<IngestDocument> result = new AtomicReference<>();
        AtomicReference<Exception> error = new AtomicReference<>();
        p.execute(doc, (d, e) -> {
            result.set(d);
            error.set(e);
        });
        assertNull(result.get(), "nothing runs on the calling thread");
        assertEquals(1, queued.size());
        queued.get(0).run();
        assertNull(error.get());
        assertTrue(result.get().hasField("spans") && result.get().hasField("spans_by_label"));

        IngestDocument bad = document(Map.of("body", 42));
        p.execute(bad, (d, e) -> {
            result.set(d);
            error.set(e);
        });
        queued.get(1).run();
        assertNull(result.get());
        assertTrue(error.get().getMessage().contains("field [body] is of type [Integer]"), error.get()::getMessage);
        assertFalse(bad.hasField("spans"));
    }

    @Test
    void recordFailureStoresTheFailureMessageAndRefusesToRunOutsideOnFailure() {
        RecordFailureProcessor p = new RecordFailureProcessor.Factory().create(Map.of(), null, null, new HashMap<>());
        IngestDocument doc = document(Map.of("body", 42));
        assertThrows(IllegalArgumentException.class, () -> p.execute(doc));
        doc.getIngestMetadata().put(CompoundProcessor.ON_FAILURE_MESSAGE_FIELD, "field [body] is of type [Integer]");
        p.execute(doc);
        assertNotNull(doc.getFieldValue("ingest_error", String.class));
        assertEquals("field [body] is of type [Integer]", doc.getFieldValue("ingest_error", String.class));
    }
}
