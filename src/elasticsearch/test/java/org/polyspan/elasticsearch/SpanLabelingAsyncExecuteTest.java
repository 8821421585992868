package org.polyspan.elasticsearch;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.util.concurrent.EsRejectedExecutionException;
import org.elasticsearch.ingest.AbstractProcessor;
import org.elasticsearch.ingest.CompoundProcessor;
import org.elasticsearch.ingest.IngestDocument;
import org.elasticsearch.ingest.Processor;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.telemetry.metric.MeterRegistry;
import org.elasticsearch.threadpool.DefaultBuiltInExecutorBuilders;
import org.elasticsearch.threadpool.ExecutorBuilder;
import org.elasticsearch.threadpool.ThreadPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.polyspan.model.InferenceRejections;
import org.polyspan.model.ModelRepository;
import org.polyspan.onnx.OnnxWindowEncoder;
import org.polyspan.runtime.PluginPools;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The asynchronous {@code execute} as Elasticsearch's ingest service calls it for each document of a bulk request:
 * the document is read, labelled and written on the plugin's inference pool, and its handler is called from there
 * exactly once, with the document or with its own failure. One document's failure (reading its fields, loading or
 * running the model, writing its spans) fails that document only; a full inference queue fails it with
 * Elasticsearch's 429 rejection, which {@code on_failure} and {@code ignore_failure} handle like any failure.
 * (Elasticsearch has no batch form of a processor: each document is one task on the pool, and the synchronous
 * {@code execute} refuses.)
 */
class SpanLabelingAsyncExecuteTest extends SpanLabelingTestCase {
    private ThreadPool threadPool;
    private InferenceRejections rejections;

    @BeforeEach
    void startPool() {
        Settings node = Settings.builder().put("node.name", "polyspan-test").put("node.processors", 2).build();
        threadPool = new ThreadPool(node, MeterRegistry.NOOP, new DefaultBuiltInExecutorBuilders(),
                PolyspanPlugin.executorBuilders(node).toArray(new ExecutorBuilder<?>[0]));
        rejections = new InferenceRejections();
    }

    @AfterEach
    void stopPool() {
        ThreadPool.terminate(threadPool, 10, TimeUnit.SECONDS);
    }

    /** A processor whose inference runs on the plugin's pool of a real Elasticsearch thread pool. */
    private SpanLabelingProcessor pooled(Object... kv) {
        return pooled(models, kv);
    }

    private SpanLabelingProcessor pooled(ModelRepository repository, Object... kv) {
        return new SpanLabelingProcessor.Factory(repository, () -> threadPool.executor(PluginPools.INFERENCE), rejections)
                .create(Map.of(), null, null, config(kv));
    }

    /** What became of one document: the handler's calls, its thread, and what it was given. */
    private static final class Outcome {
        final AtomicInteger calls = new AtomicInteger();
        final AtomicReference<IngestDocument> document = new AtomicReference<>();
        final AtomicReference<Exception> failure = new AtomicReference<>();
        final AtomicReference<String> thread = new AtomicReference<>();

        String message() {
            assertNotNull(failure.get(), "expected a failure");
            return failure.get().getMessage();
        }
    }

    /** Executes every document at once, as the ingest service does for a bulk request, and waits for every handler. */
    private static List<Outcome> runAll(Processor p, List<IngestDocument> documents) throws Exception {
        List<Outcome> outcomes = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(documents.size());
        for (IngestDocument d : documents) {
            Outcome o = new Outcome();
            outcomes.add(o);
            p.execute(d, (result, e) -> {
                o.thread.set(Thread.currentThread().getName());
                o.document.set(result);
                o.failure.set(e);
                if (o.calls.incrementAndGet() == 1) {
                    done.countDown();
                }
            });
        }
        assertTrue(done.await(60, TimeUnit.SECONDS), "a handler was never called");
        return outcomes;
    }

    /** Stops the pool, waiting (bounded) for every task it took: a second handler call would have happened by then. */
    private void drain() {
        assertTrue(ThreadPool.terminate(threadPool, 10, TimeUnit.SECONDS), "the inference pool did not finish its tasks");
    }

    private static List<Object> texts(IngestDocument d, String field) {
        return spans(d, field).stream().map(s -> s.get("text")).toList();
    }

    @Test
    void theSynchronousExecuteRefusesByDesign() {
        SpanLabelingProcessor p = factory.create(Map.of(), null, null, config("model", "all-per", "field", "body"));
        IngestDocument d = doc("body", "Oslo");
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> p.execute(d));
        assertEquals("span_labeling runs asynchronously", e.getMessage());
        assertFalse(d.hasField("spans"));
    }

    @Test
    void labelsOnTheInferencePoolAndCallsTheHandlerFromThere() throws Exception {
        SpanLabelingProcessor p = pooled("model", "all-per", "field", "body", "heads", List.of("ner"));
        IngestDocument d = doc("body", "Oslo");
        Outcome o = runAll(p, List.of(d)).get(0);
        assertNull(o.failure.get());
        assertSame(d, o.document.get());
        assertEquals(List.of("Oslo"), texts(d, "spans"));
        assertTrue(o.thread.get().contains("[" + PluginPools.INFERENCE + "]"), o.thread.get());
        assertFalse(Thread.currentThread().getName().contains(PluginPools.INFERENCE));
        drain();
        assertEquals(1, o.calls.get());
    }

    @Test
    void mixedGoodAndBadDocumentsFailAlone() throws Exception {
        SpanLabelingProcessor p = pooled("model", "all-per", "field", "body", "heads", List.of("ner"), "max_chars", 20);
        List<IngestDocument> in = List.of(
                doc("body", "Ada Lovelace"),
                doc("title", "no body"),
                doc("body", 42),
                doc("body", "x".repeat(21)),
                doc("body", List.of("Bob", "Cy")),
                doc("body", List.of("ok", 7)));
        List<Map<String, Object>> before = in.stream().map(d -> (Map<String, Object>) new HashMap<>(d.getSourceAndMetadata())).toList();
        List<Outcome> out = runAll(p, in);
        drain();

        assertNull(out.get(0).failure.get());
        assertEquals(List.of("Ada", "Lovelace"), texts(out.get(0).document.get(), "spans"));
        assertTrue(out.get(1).message().contains("field [body] is missing"), out.get(1).message());
        assertTrue(out.get(2).message().contains("field [body] is of type [Integer]"), out.get(2).message());
        assertTrue(out.get(3).message().contains("more than max_chars [20]"), out.get(3).message());
        assertNull(out.get(4).failure.get());
        assertEquals(List.of("Bob", "Cy"), texts(out.get(4).document.get(), "spans"));
        assertTrue(out.get(5).message().contains("element [1] is of type [Integer]"), out.get(5).message());
        for (int i : new int[] {1, 2, 3, 5}) {
            assertNull(out.get(i).document.get(), "a failed document is handed back as null");
            assertEquals(before.get(i), in.get(i).getSourceAndMetadata(), "failed document " + i + " was modified");
        }
        for (Outcome o : out) {
            assertEquals(1, o.calls.get());
        }
    }

    @Test
    void writingOneDocumentsSpansCannotFailAnother() throws Exception {
        SpanLabelingProcessor p = pooled("model", "all-per", "field", "body", "target_field", "meta.spans");
        List<Outcome> out = runAll(p, List.of(
                doc("body", "Ada"), doc("body", "Bob", "meta", "a string, so meta.spans cannot be set"), doc("body", "Cy")));
        assertNull(out.get(0).failure.get());
        assertTrue(out.get(0).document.get().hasField("meta.spans"));
        assertTrue(out.get(1).message().contains("meta"), out.get(1).message());
        assertNull(out.get(1).document.get());
        assertNull(out.get(2).failure.get());
        assertTrue(out.get(2).document.get().hasField("meta.spans"));
    }

    @Test
    void manyConcurrentDocumentsEachCompleteOnce() throws Exception {
        SpanLabelingProcessor p = pooled("model", "all-per", "field", "body", "heads", List.of("ner"));
        List<IngestDocument> in = new ArrayList<>();
        int bad = 0;
        for (int i = 0; i < 200; i++) {
            if (i % 7 == 3) {
                in.add(doc("body", i));
                bad++;
            } else {
                in.add(doc("body", "Ada " + i));
            }
        }
        List<Outcome> out = runAll(p, in);
        drain();
        int failed = 0;
        for (int i = 0; i < in.size(); i++) {
            Outcome o = out.get(i);
            assertEquals(1, o.calls.get(), "handler calls of document " + i);
            if (i % 7 == 3) {
                failed++;
                assertTrue(o.message().contains("is of type [Integer]"), o.message());
            } else {
                assertNull(o.failure.get(), () -> String.valueOf(o.failure.get()));
                assertEquals(List.of("Ada", String.valueOf(i)), texts(o.document.get(), "spans"));
            }
        }
        assertEquals(bad, failed);
        assertEquals(0, rejections.tasks());
    }

    /** A model that would not fit under {@code polyspan.models.max_bytes} can fit later: each document gets a 429. */
    @Test
    void aModelOverTheMemoryLimitFailsEachDocumentWithARetryable429() throws Exception {
        try (ModelRepository small = new ModelRepository(models.root(), OnnxWindowEncoder.Device.CPU, 1, Runnable::run,
                Duration.ofSeconds(30), 1)) {
            SpanLabelingProcessor p = pooled(small, "model", "all-per", "field", "body");
            List<Outcome> out = runAll(p, List.of(doc("body", "Ada"), doc("body", "Bob")));
            for (Outcome o : out) {
                ElasticsearchStatusException e = assertInstanceOf(ElasticsearchStatusException.class, o.failure.get());
                assertEquals(RestStatus.TOO_MANY_REQUESTS, e.status());
                assertTrue(e.getMessage().contains("loading model [all-per] needs"), e::getMessage);
                assertNull(o.document.get());
            }
        }
    }

    /** A model that fails its self-check fails every document, with the check's reason; never empty spans, never a 429. */
    @Test
    void aModelFailingItsSelfCheckFailsEveryDocumentNotRetryably() throws Exception {
        Path checked = models.root().resolve("checked");
        try (Stream<Path> files = Files.walk(models.root().resolve("tiny-heads"))) {
            for (Path f : files.toList()) {
                Path target = checked.resolve(models.root().resolve("tiny-heads").relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
        Files.writeString(checked.resolve("self_check.json"), "{\"format\": 1, \"sentences\": []");
        SpanLabelingProcessor p = pooled("model", "checked", "field", "body");
        List<IngestDocument> in = List.of(doc("body", "Ada"), doc("body", "Bob"));
        List<Outcome> out = runAll(p, in);
        for (int i = 0; i < in.size(); i++) {
            Exception e = out.get(i).failure.get();
            assertNotNull(e);
            assertTrue(e.getMessage().contains("model [checked] failed its self-check on node [local]"), e::getMessage);
            assertNotEquals(RestStatus.TOO_MANY_REQUESTS, ExceptionsHelper.status(e));
            assertFalse(in.get(i).hasField("spans"));
        }
    }

    @Test
    void aFullQueueFailsTheDocumentWith429NamingTheSettingAndCountsIt() {
        for (boolean shutdown : new boolean[] {false, true}) {
            InferenceRejections counted = new InferenceRejections();
            SpanLabelingProcessor p = new SpanLabelingProcessor.Factory(models, () -> command -> {
                throw new EsRejectedExecutionException("scripted: queue full", shutdown);
            }, counted).create(Map.of(), null, null, config("model", "all-per", "field", "body"));
            IngestDocument d = doc("body", "Ada");
            Exception e = assertThrows(Exception.class, () -> run(p, d));
            EsRejectedExecutionException rejected = assertInstanceOf(EsRejectedExecutionException.class, e);
            assertEquals(RestStatus.TOO_MANY_REQUESTS, ExceptionsHelper.status(rejected));
            assertEquals(shutdown, rejected.isExecutorShutdown());
            assertTrue(rejected.getMessage().startsWith("rejected span_labeling inference of 1 document(s): the ["
                    + PluginPools.INFERENCE + "] queue is full (" + PluginPools.INFERENCE_QUEUE_SIZE_KEY + ")"), rejected::getMessage);
            assertTrue(rejected.getMessage().endsWith("scripted: queue full"), rejected::getMessage);
            assertFalse(d.hasField("spans"));
            assertEquals(1, counted.tasks());
            assertEquals(1, counted.documents());
        }
    }

    @Test
    void anyExecutorsRejectionBecomesElasticsearchs429() {
        SpanLabelingProcessor p = new SpanLabelingProcessor.Factory(models, () -> command -> {
            throw new RejectedExecutionException("scripted: plain rejection");
        }, rejections).create(Map.of(), null, null, config("model", "all-per", "field", "body"));
        EsRejectedExecutionException e = assertThrows(EsRejectedExecutionException.class, () -> run(p, doc("body", "Ada")));
        assertEquals(RestStatus.TOO_MANY_REQUESTS, ExceptionsHelper.status(e));
        assertFalse(e.isExecutorShutdown());
        assertTrue(e.getMessage().contains("scripted: plain rejection"), e::getMessage);
        assertEquals(1, rejections.documents());
    }

    /** The pool is looked up when a document comes: a pipeline can be made before it exists, and a document fails without it. */
    @Test
    void withoutAPoolTheDocumentFailsAndNothingIsCountedAsRejected() {
        AtomicReference<Executor> pool = new AtomicReference<>();
        SpanLabelingProcessor p = new SpanLabelingProcessor.Factory(models, () -> {
            Executor e = pool.get();
            if (e == null) {
                throw new IllegalStateException("scripted: the node has no inference pool yet");
            }
            return e;
        }, rejections).create(Map.of(), null, null, config("model", "all-per", "field", "body", "heads", List.of("ner")));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> run(p, doc("body", "Ada")));
        assertEquals("scripted: the node has no inference pool yet", e.getMessage());
        assertEquals(0, rejections.tasks());

        pool.set(Runnable::run);
        assertDoesNotFail(p);
    }

    private static void assertDoesNotFail(SpanLabelingProcessor p) {
        try {
            assertEquals(List.of("Ada"), texts(run(p, doc("body", "Ada")), "spans"));
        } catch (Exception e) {
            throw new AssertionError("the document failed", e);
        }
    }

    @Test
    void rejectionReachesOnFailureAndIgnoreFailureContinues() throws Exception {
        SpanLabelingProcessor p = new SpanLabelingProcessor.Factory(models, () -> command -> {
            throw new EsRejectedExecutionException("scripted: queue full", false);
        }, rejections).create(Map.of(), null, null, config("model", "all-per", "field", "body"));

        // on_failure sees the rejection
        Processor record = new RecordFailureProcessor.Factory().create(Map.of(), null, null, new HashMap<>());
        CompoundProcessor withOnFailure = new CompoundProcessor(false, List.of(p), List.of(record));
        List<Outcome> out = runAll(withOnFailure, List.of(doc("body", "Ada"), doc("body", "Bob")));
        for (Outcome o : out) {
            assertNull(o.failure.get());
            String failure = o.document.get().getFieldValue("ingest_error", String.class);
            assertTrue(failure.contains("rejected span_labeling inference"), failure);
            assertFalse(o.document.get().hasField("spans"));
        }

        // ignore_failure: the documents go on, unlabelled and without the failure
        CompoundProcessor ignoring = new CompoundProcessor(false,
                List.of(new CompoundProcessor(true, List.of(p), List.of()), setting("next", true)), List.of());
        List<Outcome> ignored = runAll(ignoring, List.of(doc("body", "Ada"), doc("body", 5)));
        for (Outcome o : ignored) {
            assertNull(o.failure.get(), () -> "ignore_failure must drop the failure, got " + o.failure.get());
            assertTrue(o.document.get().getFieldValue("next", Boolean.class));
            assertFalse(o.document.get().hasField("spans"));
        }
    }

    @Test
    void aDocumentsOwnFailureReachesOnFailureFromThePool() throws Exception {
        SpanLabelingProcessor p = pooled("model", "all-per", "field", "body", "heads", List.of("ner"));
        Processor record = new RecordFailureProcessor.Factory().create(Map.of(), null, null, new HashMap<>());
        CompoundProcessor pipeline = new CompoundProcessor(false, List.of(p, setting("next", true)), List.of(record));
        List<Outcome> out = runAll(pipeline, List.of(doc("body", "Ada"), doc("body", 5)));
        assertNull(out.get(0).failure.get());
        assertEquals(List.of("Ada"), texts(out.get(0).document.get(), "spans"));
        assertTrue(out.get(0).document.get().getFieldValue("next", Boolean.class));
        assertFalse(out.get(0).document.get().hasField("ingest_error"));

        assertNull(out.get(1).failure.get());
        IngestDocument failed = out.get(1).document.get();
        assertTrue(failed.getFieldValue("ingest_error", String.class).contains("field [body] is of type [Integer]"));
        assertFalse(failed.hasField("spans"));
        assertFalse(failed.hasField("next"), "the processors after the failed one do not run");
    }

    /**
     * A fatal JVM error is not the document's failure: it propagates (on the pool, to Elasticsearch's handler for
     * uncaught errors, which stops the node) and the document's handler is not called.
     */
    @Test
    void anOutOfMemoryErrorIsLeftToTheJvm() {
        SpanLabelingProcessor p = factory.create(Map.of(), null, null, config("model", "all-per", "field", "body")); // runs inline
        OutOfMemoryError oom = new OutOfMemoryError("scripted");
        List<String> exploding = new AbstractList<>() {
            @Override
            public String get(int index) {
                throw oom;
            }

            @Override
            public int size() {
                return 1;
            }
        };
        AtomicInteger calls = new AtomicInteger();
        OutOfMemoryError thrown = assertThrows(OutOfMemoryError.class,
                () -> p.execute(doc("body", exploding), (d, e) -> calls.incrementAndGet()));
        assertSame(oom, thrown);
        assertEquals(0, calls.get());
    }

    /** A processor that sets {@code field} to {@code value}. */
    private static Processor setting(String field, Object value) {
        return new AbstractProcessor(null, null) {
            @Override
            public IngestDocument execute(IngestDocument document) {
                document.setFieldValue(field, value);
                return document;
            }

            @Override
            public String getType() {
                return "test_set";
            }
        };
    }
}
