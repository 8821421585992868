package org.polyspan.elasticsearch;

import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.util.concurrent.EsRejectedExecutionException;
import org.elasticsearch.index.VersionType;
import org.elasticsearch.ingest.CompoundProcessor;
import org.elasticsearch.ingest.IngestDocument;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.telemetry.metric.MeterRegistry;
import org.elasticsearch.threadpool.DefaultBuiltInExecutorBuilders;
import org.elasticsearch.threadpool.ExecutorBuilder;
import org.elasticsearch.threadpool.ThreadPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.polyspan.model.InferenceBudget;
import org.polyspan.model.InferenceRejections;
import org.polyspan.model.ModelRepository;
import org.polyspan.onnx.OnnxWindowEncoder;
import org.polyspan.runtime.PluginPools;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plugin's bounded pools on a real Elasticsearch {@link ThreadPool}, and what a full inference queue does to a document. */
class ThreadPoolsTest {
    private static ModelRepository models;

    @BeforeAll
    static void open() {
        models = new ModelRepository(Path.of(System.getProperty("polyspan.test.models", "../../target/test-models")),
                OnnxWindowEncoder.Device.CPU, 1);
    }

    @AfterAll
    static void close() {
        models.close();
    }

    private static ThreadPool threadPool(Settings settings) {
        Settings node = Settings.builder().put("node.name", "polyspan-test").put(settings).build();
        return new ThreadPool(node, MeterRegistry.NOOP, new DefaultBuiltInExecutorBuilders(),
                PolyspanPlugin.executorBuilders(node).toArray(new ExecutorBuilder<?>[0]));
    }

    @Test
    void registersTheThreePoolsWithTheOpenSearchDefaults() {
        ThreadPool pool = threadPool(Settings.builder().put("node.processors", 2).build());
        try {
            assertEquals(1, pool.info(PluginPools.INFERENCE).getMax()); // max(1, processors / 2)
            assertEquals(1000, pool.info(PluginPools.INFERENCE).getQueueSize().singles());
            assertEquals(2, pool.info(PluginPools.PROJECT).getMax());
            assertEquals(100, pool.info(PluginPools.PROJECT).getQueueSize().singles());
            assertEquals(1, pool.info(PluginPools.MODEL_LOAD).getMax());
            assertEquals(64, pool.info(PluginPools.MODEL_LOAD).getQueueSize().singles());
        } finally {
            ThreadPool.terminate(pool, 10, TimeUnit.SECONDS);
        }
    }

    @Test
    void poolSizesComeFromTheSameNodeSettingsAsOnOpenSearch() {
        ThreadPool pool = threadPool(Settings.builder().put("node.processors", 2).put("polyspan.inference.pool.size", 2)
                .put("polyspan.inference.pool.queue_size", 7).put("polyspan.project.pool.size", 1)
                .put("thread_pool.polyspan_model_load.queue_size", 5).build());
        try {
            assertEquals(2, pool.info(PluginPools.INFERENCE).getMax());
            assertEquals(7, pool.info(PluginPools.INFERENCE).getQueueSize().singles());
            assertEquals(1, pool.info(PluginPools.PROJECT).getMax());
            assertEquals(5, pool.info(PluginPools.MODEL_LOAD).getQueueSize().singles());
        } finally {
            ThreadPool.terminate(pool, 10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theBudgetIsCheckedAgainstTheAllocatedProcessors() {
        InferenceBudget two = PolyspanPlugin.budget(Settings.builder().put("node.processors", 2).build());
        assertEquals(1, two.poolThreads());
        assertEquals(2, two.intraOpThreads());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PolyspanPlugin.budget(Settings.builder()
                .put("node.processors", 2).put("polyspan.inference.pool.size", 2).put("polyspan.inference.intra_op_threads", 2).build()));
        assertTrue(e.getMessage().contains("polyspan.inference.pool.size"), e::getMessage);
    }

    /**
     * One inference thread, blocked, and a queue of one, taken: the next document fails with Elasticsearch's rejection
     * (429, retryable), and the pipeline's {@code on_failure} handler records it.
     */
    @Test
    void aFullInferenceQueueFailsTheDocumentWith429ThroughOnFailure() throws Exception {
        ThreadPool pool = threadPool(Settings.builder().put("node.processors", 2).put("polyspan.inference.pool.size", 1)
                .put("polyspan.inference.pool.queue_size", 1).build());
        CountDownLatch release = new CountDownLatch(1);
        try {
            CountDownLatch running = new CountDownLatch(1);
            pool.executor(PluginPools.INFERENCE).execute(() -> {
                running.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(running.await(10, TimeUnit.SECONDS));
            pool.executor(PluginPools.INFERENCE).execute(() -> {}); // fills the queue

            InferenceRejections rejections = new InferenceRejections();
            SpanLabelingProcessor labeller = new SpanLabelingProcessor.Factory(models, () -> pool.executor(PluginPools.INFERENCE),
                    rejections).create(Map.of(), null, null, new HashMap<>(Map.of("model", "tiny-heads", "field", "body")));
            AtomicReference<Exception> error = new AtomicReference<>();
            IngestDocument alone = document();
            labeller.execute(alone, (d, e) -> error.set(e));
            EsRejectedExecutionException rejected = assertInstanceOf(EsRejectedExecutionException.class, error.get());
            assertEquals(RestStatus.TOO_MANY_REQUESTS, ExceptionsHelper.status(rejected));
            assertTrue(rejected.getMessage().contains("[polyspan_inference] queue is full"), rejected::getMessage);
            assertFalse(rejected.isExecutorShutdown());
            assertEquals(1, rejections.documents(), "the stats endpoint counts the rejected document");

            CompoundProcessor pipeline = new CompoundProcessor(false, List.of(labeller),
                    List.of(new RecordFailureProcessor.Factory().create(Map.of(), null, null, new HashMap<>())));
            IngestDocument doc = document();
            AtomicReference<IngestDocument> result = new AtomicReference<>();
            error.set(null);
            pipeline.execute(doc, (d, e) -> {
                result.set(d);
                error.set(e);
            });
            assertNull(error.get());
            String recorded = result.get().getFieldValue("ingest_error", String.class);
            assertTrue(recorded.contains("rejected span_labeling inference of 1 document(s)"), recorded);
            assertFalse(result.get().hasField("spans"));
            assertEquals(2, rejections.tasks());
        } finally {
            release.countDown();
            ThreadPool.terminate(pool, 10, TimeUnit.SECONDS);
        }
    }

    private static IngestDocument document() {
        return new IngestDocument("index", "id", 1, null, VersionType.INTERNAL, new HashMap<>(Map.of("body", "Angela Merkel besucht Paris.")));
    }
}
