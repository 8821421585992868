package org.polyspan.plugin;

import org.polyspan.runtime.ProjectApi;
import org.polyspan.runtime.ProjectEndpoint;
import org.polyspan.ProcessorTestModels;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.rest.RestRequest;
import org.opensearch.test.OpenSearchTestCase;
import org.opensearch.test.client.NoOpNodeClient;
import org.opensearch.test.rest.FakeRestChannel;
import org.opensearch.test.rest.FakeRestRequest;
import org.opensearch.threadpool.ExecutorBuilder;
import org.opensearch.threadpool.TestThreadPool;
import org.opensearch.threadpool.ThreadPool;
import org.polyspan.model.InferenceRejections;
import org.polyspan.model.ModelRepository;
import org.polyspan.onnx.OnnxWindowEncoder;
import org.polyspan.runtime.PluginPools;
import org.polyspan.translation.TranslationException;

import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/** Where {@code _project} and the batches of {@code _project/index} run, and what a full inference queue does to them. */
public class ProjectThreadingTests extends OpenSearchTestCase {
    /** One inference thread and a queue of one, so that two blocked tasks fill the pool. */
    private static final Settings TINY = Settings.builder().put("polyspan.inference.pool.size", 1)
            .put("polyspan.inference.pool.queue_size", 1).build();
    private ThreadPool threadPool;
    private final CountDownLatch release = new CountDownLatch(1);

    @Override
    public void setUp() throws Exception {
        super.setUp();
        threadPool = new TestThreadPool(getTestName(), TINY, PolyspanPlugin.executorBuilders(TINY).toArray(new ExecutorBuilder<?>[0]));
    }

    @Override
    public void tearDown() throws Exception {
        release.countDown();
        if (threadPool != null) {
            ThreadPool.terminate(threadPool, 10, TimeUnit.SECONDS);
        }
        super.tearDown();
    }

    private void fillInferencePool() {
        for (int i = 0; i < 2; i++) {
            threadPool.executor(PluginPools.INFERENCE).execute(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
    }

    public void testBatchWorkRunsOnTheInferencePool() throws Exception {
        String thread = TransportProjectIndexAction.pools(threadPool).modelWork(() -> false).call(() -> Thread.currentThread().getName());
        assertTrue(thread, thread.contains(PluginPools.INFERENCE));
    }

    public void testFailuresComeBackAsTheyWereAndErrorsAsExceptions() {
        IOException io = expectThrows(IOException.class, () -> TransportProjectIndexAction.pools(threadPool).modelWork(() -> false).call(() -> {
            throw new IOException("scripted");
        }));
        assertEquals("scripted", io.getMessage());
        IllegalStateException soe = expectThrows(IllegalStateException.class,
                () -> TransportProjectIndexAction.pools(threadPool).modelWork(() -> false).call(() -> {
                    throw new StackOverflowError();
                }));
        assertTrue(soe.getCause() instanceof StackOverflowError);
    }

    public void testAJobWaitsForAFullQueueInsteadOfFailing() throws Exception {
        fillInferencePool();
        AtomicReference<Object> result = new AtomicReference<>();
        Thread job = new Thread(() -> {
            try {
                result.set(TransportProjectIndexAction.pools(threadPool).modelWork(() -> false).call(() -> "done"));
            } catch (Exception e) {
                result.set(e);
            }
        });
        job.start();
        Thread.sleep(300);
        assertNull("still waiting while the queue is full", result.get());
        release.countDown();
        job.join(30_000);
        assertEquals("done", result.get());
    }

    public void testACancelledJobStopsWaiting() {
        fillInferencePool();
        AtomicBoolean cancelled = new AtomicBoolean(true);
        expectThrows(CancellationException.class,
                () -> TransportProjectIndexAction.pools(threadPool).modelWork(cancelled::get).call(() -> "never"));
    }

    public void testProjectAnswers429WhenTheQueueIsFull() throws Exception {
        fillInferencePool();
        InferenceRejections rejections = new InferenceRejections();
        try (ModelRepository models = new ModelRepository(ProcessorTestModels.modelsDir(createTempDir()), OnnxWindowEncoder.Device.CPU, 1);
             NoOpNodeClient client = new NoOpNodeClient(threadPool)) {
            threadPool = null; // closed with the client
            RestRequest request = new FakeRestRequest.Builder(xContentRegistry()).withMethod(RestRequest.Method.POST)
                    .withPath("/_plugins/polyspan/_project").withContent(new BytesArray(
                            "{\"model\":\"tiny-heads\",\"pairs\":[{\"source\":{\"text\":\"Ada\",\"spans\":[]},\"target\":{\"text\":\"Ada\"}}]}"),
                            XContentType.JSON).build();
            FakeRestChannel channel = new FakeRestChannel(request, true, 1);
            new EndpointHandler(new ProjectEndpoint(new ProjectApi(models, () -> {
                throw new TranslationException("none");
            }), rejections)).handleRequest(request, channel, client);
            assertBusy(() -> assertEquals(1, channel.responses().get() + channel.errors().get()));
            assertEquals(RestStatus.TOO_MANY_REQUESTS, channel.capturedResponse().status());
            assertTrue(channel.capturedResponse().content().utf8ToString(),
                    channel.capturedResponse().content().utf8ToString().contains("polyspan.inference.pool.queue_size"));
            assertEquals(1, rejections.tasks());
            release.countDown();
        }
    }
}
