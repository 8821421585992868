package org.polyspan;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.polyspan.model.ModelRepository;
import org.polyspan.onnx.OnnxWindowEncoder;

/**
 * The tiny fixtures' model repository, one per test class: opened before its first test and closed after its last,
 * so a model one test loads stays loaded for the next. A test class holds it in a static {@code @RegisterExtension}
 * field.
 */
public final class TinyModelRepository implements BeforeAllCallback, AfterAllCallback {
    private ModelRepository models;

    @Override
    public void beforeAll(ExtensionContext context) {
        models = new ModelRepository(TinyModels.root(), OnnxWindowEncoder.Device.CPU, 1);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (models != null) {
            models.close();
            models = null;
        }
    }

    /** The open repository; only between the class's first and last test. */
    public ModelRepository get() {
        if (models == null) {
            throw new IllegalStateException("the tiny model repository is open only while its test class runs");
        }
        return models;
    }
}
