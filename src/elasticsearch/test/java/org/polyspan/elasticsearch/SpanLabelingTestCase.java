package org.polyspan.elasticsearch;

import org.polyspan.ProcessorTestModels;
import org.elasticsearch.index.VersionType;
import org.elasticsearch.ingest.IngestDocument;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.polyspan.ingest.SpanLabelingEngine;
import org.polyspan.model.InferenceRejections;
import org.polyspan.model.ModelRepository;
import org.polyspan.onnx.OnnxWindowEncoder;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A models directory built from the tiny fixtures (see {@link ProcessorTestModels}) and a processor factory over it whose
 * processors label on the calling thread, so that the asynchronous {@code execute} has finished when it returns.
 */
abstract class SpanLabelingTestCase {
    @TempDir
    Path tmp;
    protected ModelRepository models;
    protected SpanLabelingProcessor.Factory factory;

    @BeforeEach
    void openModels() {
        models = new ModelRepository(ProcessorTestModels.modelsDir(tmp), OnnxWindowEncoder.Device.CPU, 1);
        factory = new SpanLabelingProcessor.Factory(models, () -> Runnable::run, new InferenceRejections());
    }

    @AfterEach
    void closeModels() {
        models.close();
    }

    /** A mutable processor configuration from alternating keys and values. */
    protected static Map<String, Object> config(Object... kv) {
        return ProcessorTestModels.config(kv);
    }

    /** A document whose source has the given alternating keys and values (values may be null). */
    protected static IngestDocument doc(Object... kv) {
        return doc(config(kv));
    }

    /** A document whose source is {@code source} (values may be null). */
    protected static IngestDocument doc(Map<String, Object> source) {
        return new IngestDocument("index", "1", 1, null, VersionType.INTERNAL, source);
    }

    @SuppressWarnings("unchecked")
    protected static List<Map<String, Object>> spans(IngestDocument d, String field) {
        return (List<Map<String, Object>>) d.getFieldValue(field, List.class);
    }

    /**
     * Runs {@code p} on {@code d} through the asynchronous {@code execute}, which Elasticsearch's pipelines call; the
     * processor must label on the calling thread (as those of {@link #factory} do). Returns the labelled document, or
     * throws the document's failure; the handler must have been called exactly once, with a document or a failure.
     */
    protected static IngestDocument run(SpanLabelingProcessor p, IngestDocument d) throws Exception {
        return SpanLabelingEngine.runInline(p::execute, d);
    }
}
