package org.polyspan.plugin;

import org.polyspan.ProcessorTestModels;
import org.opensearch.test.OpenSearchTestCase;
import org.polyspan.model.ModelRepository;
import org.polyspan.onnx.OnnxWindowEncoder;

import java.util.Map;

/** A models directory built from the tiny fixtures (see {@link ProcessorTestModels}) and a processor factory over it. */
public abstract class SpanLabelingTestCase extends OpenSearchTestCase {
    protected ModelRepository models;
    protected SpanLabelingProcessor.Factory factory;

    @Override
    public void setUp() throws Exception {
        super.setUp();
        models = new ModelRepository(ProcessorTestModels.modelsDir(createTempDir()), OnnxWindowEncoder.Device.CPU, 1);
        factory = new SpanLabelingProcessor.Factory(models);
    }

    @Override
    public void tearDown() throws Exception {
        models.close();
        super.tearDown();
    }

    /** A mutable processor configuration from alternating keys and values. */
    protected static Map<String, Object> config(Object... kv) {
        return ProcessorTestModels.config(kv);
    }
}
