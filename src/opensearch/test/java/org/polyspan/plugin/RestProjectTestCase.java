package org.polyspan.plugin;

import org.polyspan.runtime.ProjectApi;
import org.polyspan.runtime.ProjectEndpoint;
import org.polyspan.ProcessorTestModels;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.rest.RestRequest;
import org.opensearch.rest.RestResponse;
import org.opensearch.test.OpenSearchTestCase;
import org.opensearch.test.client.NoOpNodeClient;
import org.opensearch.test.rest.FakeRestChannel;
import org.opensearch.test.rest.FakeRestRequest;
import org.opensearch.threadpool.ExecutorBuilder;
import org.opensearch.threadpool.TestThreadPool;
import org.polyspan.model.InferenceRejections;
import org.polyspan.model.ModelRepository;
import org.polyspan.onnx.OnnxWindowEncoder;
import org.polyspan.translation.TranslationException;
import org.polyspan.translation.Translator;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Shared set-up of the {@code _project} handler tests: a models directory with the tiny fixtures (plus those a test
 * class asks for), a no-op client, and one request through {@link EndpointHandler} serving the core's
 * {@link org.polyspan.runtime.ProjectEndpoint}, answered on the plugin's inference pool.
 */
public abstract class RestProjectTestCase extends OpenSearchTestCase {
    protected Path modelsRoot;
    protected ModelRepository models;
    protected NoOpNodeClient client;
    /** What {@code "translate": true} finds; {@code null} means no translator is installed. */
    protected Translator translator;

    /** Fixtures beyond the tiny encoder models, e.g. {@code tiny-t5}. */
    protected List<String> extraFixtures() {
        return List.of();
    }

    @Override
    public void setUp() throws Exception {
        super.setUp();
        modelsRoot = ProcessorTestModels.modelsDir(createTempDir());
        for (String fixture : extraFixtures()) {
            ProcessorTestModels.addFixture(modelsRoot, fixture);
        }
        models = new ModelRepository(modelsRoot, OnnxWindowEncoder.Device.CPU, 1);
        client = new NoOpNodeClient(new TestThreadPool(getTestName(),
                PolyspanPlugin.executorBuilders(Settings.EMPTY).toArray(new ExecutorBuilder<?>[0])));
    }

    @Override
    public void tearDown() throws Exception {
        client.close();
        models.close();
        super.tearDown();
    }

    protected RestResponse call(String json) throws Exception {
        RestRequest request = new FakeRestRequest.Builder(xContentRegistry()).withMethod(RestRequest.Method.POST)
                .withPath("/_plugins/polyspan/_project").withContent(new BytesArray(json), XContentType.JSON).build();
        FakeRestChannel channel = new FakeRestChannel(request, true, 1);
        ProjectApi api = new ProjectApi(models, () -> {
            if (translator == null) {
                throw new TranslationException("none in this test");
            }
            return translator;
        });
        new EndpointHandler(new ProjectEndpoint(api, new InferenceRejections())).handleRequest(request, channel, client);
        assertBusy(() -> assertEquals(1, channel.responses().get() + channel.errors().get()));
        return channel.capturedResponse();
    }

    protected static Map<String, Object> map(RestResponse r) {
        return XContentHelper.convertToMap(r.content(), false, XContentType.JSON).v2();
    }
}
