package org.polyspan.plugin;

import org.opensearch.ExceptionsHelper;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.util.concurrent.OpenSearchExecutors;
import org.opensearch.common.util.concurrent.ThreadContext;
import org.opensearch.core.concurrency.OpenSearchRejectedExecutionException;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.ingest.CompoundProcessor;
import org.opensearch.ingest.IngestDocument;
import org.opensearch.ingest.IngestDocumentWrapper;
import org.opensearch.ingest.Processor;
import org.opensearch.ingest.TestProcessor;
import org.opensearch.threadpool.ExecutorBuilder;
import org.opensearch.threadpool.TestThreadPool;
import org.opensearch.threadpool.ThreadPool;
import org.polyspan.labeling.Document;
import org.polyspan.model.InferenceRejections;
import org.polyspan.model.LabelingModel;
import org.polyspan.runtime.PluginPools;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * {@link SpanLabelingProcessor#batchExecute} and the asynchronous {@code execute}, as the ingest service calls them for
 * every bulk request: one document's failure (reading its fields, inferring, writing its spans) fails that document
 * only, a full inference queue fails with OpenSearch's 429 rejection, and the handler is called exactly once.
 */
public class SpanLabelingBatchExecuteTests extends SpanLabelingTestCase {
    private ThreadPool threadPool;
    private InferenceRejections rejections;
    /** Models the scripted sources delegate to, leased for the whole test. */
    private final org.polyspan.model.ModelLeases leases = new org.polyspan.model.ModelLeases();

    @Override
    public void setUp() throws Exception {
        super.setUp();
        threadPool = new TestThreadPool(getTestName(), PolyspanPlugin.executorBuilders(Settings.EMPTY).toArray(new ExecutorBuilder<?>[0]));
        rejections = new InferenceRejections();
    }

    @Override
    public void tearDown() throws Exception {
        ThreadPool.terminate(threadPool, 10, TimeUnit.SECONDS);
        leases.close();
        super.tearDown();
    }

    /** A processor whose inference runs on the plugin's pool of a test thread pool. */
    private SpanLabelingProcessor pooled(Object... kv) throws Exception {
        return new SpanLabelingProcessor.Factory(models, () -> threadPool.executor(PluginPools.INFERENCE), rejections)
                .create(null, null, null, config(kv));
    }

    private static IngestDocumentWrapper wrapper(int slot, Object... kv) {
        Map<String, Object> source = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            source.put((String) kv[i], kv[i + 1]);
        }
        return new IngestDocumentWrapper(slot, 0, new IngestDocument("index", String.valueOf(slot), null, null, null, source), null);
    }

    /** Runs batchExecute and waits for its handler; fails when the handler is called more than once. */
    private static List<IngestDocumentWrapper> run(Processor p, List<IngestDocumentWrapper> in) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<List<IngestDocumentWrapper>> out = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        p.batchExecute(in, results -> {
            calls.incrementAndGet();
            out.set(results);
            done.countDown();
        });
        assertTrue("the handler was never called", done.await(30, TimeUnit.SECONDS));
        Thread.sleep(50); // a second call would come right after the first
        assertEquals("handler calls", 1, calls.get());
        return out.get();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> spans(IngestDocumentWrapper w) {
        return (List<Map<String, Object>>) w.getIngestDocument().getFieldValue("spans", List.class);
    }

    private static String message(IngestDocumentWrapper w) {
        assertNotNull("expected a failure for slot " + w.getSlot(), w.getException());
        return w.getException().getMessage();
    }

    /** Fails every model call whose texts include one containing {@code marker}; delegates the rest to the real model. */
    private SpanLabelingProcessor.ModelSource failingOn(String marker, Throwable failure) throws Exception {
        LabelingModel real = leases.hold(models.lease("all-per"));
        return () -> (documents, heads) -> {
            for (Document d : documents) {
                if (d.text().contains(marker)) {
                    sneakyThrow(failure);
                }
            }
            return real.label(documents, heads);
        };
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }

    public void testMixedGoodAndBadDocumentsFailAlone() throws Exception {
        SpanLabelingProcessor p = pooled("model", "all-per", "field", "body", "heads", List.of("ner"), "max_chars", 20);
        IngestDocumentWrapper failedBefore = new IngestDocumentWrapper(5, 0, null, new IllegalStateException("earlier processor"));
        IngestDocumentWrapper dropped = new IngestDocumentWrapper(6, 0, null, null);
        List<IngestDocumentWrapper> in = List.of(
                wrapper(0, "body", "Ada Lovelace"),
                wrapper(1, "title", "no body"),
                wrapper(2, "body", 42),
                wrapper(3, "body", "x".repeat(21)),
                wrapper(4, "body", List.of("Bob", "Cy")),
                failedBefore,
                dropped,
                wrapper(7, "body", List.of("ok", 7)));
        List<IngestDocumentWrapper> out = run(p, in);

        assertEquals(in.size(), out.size());
        for (int i = 0; i < in.size(); i++) {
            assertEquals("results keep the order of the batch", in.get(i).getSlot(), out.get(i).getSlot());
        }
        assertNull(out.get(0).getException());
        assertEquals(List.of("Ada", "Lovelace"), spans(out.get(0)).stream().map(s -> s.get("text")).toList());
        assertTrue(message(out.get(1)), message(out.get(1)).contains("field [body] is missing"));
        assertTrue(message(out.get(2)), message(out.get(2)).contains("field [body] is of type [Integer]"));
        assertTrue(message(out.get(3)), message(out.get(3)).contains("more than max_chars [20]"));
        assertNull(out.get(4).getException());
        assertEquals(List.of("Bob", "Cy"), spans(out.get(4)).stream().map(s -> s.get("text")).toList());
        assertSame("a document that failed earlier is passed on as it is", failedBefore, out.get(5));
        assertSame("a dropped document is passed on as it is", dropped, out.get(6));
        assertTrue(message(out.get(7)), message(out.get(7)).contains("element [1] is of type [Integer]"));
        // the ingest service's own wrappers are not changed in place: CompoundProcessor continues them under ignore_failure
        for (int i : new int[] {1, 2, 3, 7}) {
            assertNull("input wrapper " + i + " was modified", in.get(i).getException());
        }
    }

    public void testHandlerRunsOnTheInferencePoolAndTheWriteThreadOnlyReads() throws Exception {
        SpanLabelingProcessor p = pooled("model", "all-per", "field", "body");
        AtomicReference<String> modelThread = new AtomicReference<>();
        LabelingModel real = leases.hold(models.lease("all-per"));
        p.modelSource(() -> (documents, heads) -> {
            modelThread.set(Thread.currentThread().getName());
            return real.label(documents, heads);
        });
        AtomicReference<String> handlerThread = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        p.batchExecute(List.of(wrapper(0, "body", "Oslo")), results -> {
            handlerThread.set(Thread.currentThread().getName());
            done.countDown();
        });
        assertTrue(done.await(30, TimeUnit.SECONDS));
        assertTrue(modelThread.get(), modelThread.get().contains(PluginPools.INFERENCE));
        assertTrue(handlerThread.get(), handlerThread.get().contains(PluginPools.INFERENCE));
        assertFalse(Thread.currentThread().getName().contains(PluginPools.INFERENCE));
    }

    public void testSingleDocumentExecuteIsAsynchronousToo() throws Exception {
        SpanLabelingProcessor p = pooled("model", "all-per", "field", "body", "heads", List.of("ner"));
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<IngestDocument> result = new AtomicReference<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(2);
        p.execute(wrapper(0, "body", "Lima").getIngestDocument(), (d, e) -> {
            calls.incrementAndGet();
            result.set(d);
            done.countDown();
        });
        p.execute(wrapper(1, "body", 3).getIngestDocument(), (d, e) -> {
            calls.incrementAndGet();
            failure.set(e);
            assertNull(d);
            done.countDown();
        });
        assertTrue(done.await(30, TimeUnit.SECONDS));
        Thread.sleep(50);
        assertEquals(2, calls.get());
        assertEquals(1, ((List<?>) result.get().getFieldValue("spans", List.class)).size());
        assertTrue(failure.get().getMessage(), failure.get().getMessage().contains("is of type [Integer]"));
    }

    public void testModelFailureFailsOnlyTheDocumentThatCausesIt() throws Exception {
        SpanLabelingProcessor p = pooled("model", "all-per", "field", "body", "heads", List.of("ner"));
        p.modelSource(failingOn("BOOM", new IllegalStateException("scripted model failure")));
        List<IngestDocumentWrapper> out = run(p, List.of(
                wrapper(0, "body", "Ada"), wrapper(1, "body", "a BOOM here"), wrapper(2, "body", List.of("Bob", "Cy"))));
        assertNull(out.get(0).getException());
        assertEquals(List.of("Ada"), spans(out.get(0)).stream().map(s -> s.get("text")).toList());
        assertTrue(message(out.get(1)), message(out.get(1)).contains("scripted model failure"));
        assertNull(out.get(2).getException());
        assertEquals(List.of("Bob", "Cy"), spans(out.get(2)).stream().map(s -> s.get("text")).toList());
    }

    public void testModelThatCannotLoadFailsEveryPendingDocumentOnce() throws Exception {
        SpanLabelingProcessor p = pooled("model", "all-per", "field", "body");
        AtomicInteger opened = new AtomicInteger();
        p.modelSource(() -> {
            opened.incrementAndGet();
            throw new java.io.IOException("scripted: encoder.onnx is truncated");
        });
        List<IngestDocumentWrapper> out = run(p, List.of(wrapper(0, "body", "Ada"), wrapper(1, "title", "x"), wrapper(2, "body", "Bob")));
        assertTrue(message(out.get(0)), message(out.get(0)).contains("encoder.onnx is truncated"));
        assertTrue(message(out.get(1)), message(out.get(1)).contains("field [body] is missing"));
        assertTrue(message(out.get(2)), message(out.get(2)).contains("encoder.onnx is truncated"));
        assertEquals("one load attempt per batch, not one per document", 1, opened.get());
    }

    public void testErrorsFromTheModelFailTheDocumentNotTheNode() throws Exception {
        for (Throwable error : List.of(new StackOverflowError(), new UnsatisfiedLinkError("scripted libonnxruntime.so"),
                new AssertionError("scripted"), new ExceptionInInitializerError("scripted"))) {
            SpanLabelingProcessor p = pooled("model", "all-per", "field", "body", "heads", List.of("ner"));
            p.modelSource(failingOn("BOOM", error));
            List<IngestDocumentWrapper> out = run(p, List.of(wrapper(0, "body", "BOOM"), wrapper(1, "body", "Ada")));
            assertTrue(error + ": " + message(out.get(0)), message(out.get(0)).contains(error.getClass().getName()));
            assertSame(error, out.get(0).getException().getCause());
            assertNull(out.get(1).getException());
        }
    }

    public void testErrorWhileReadingFieldsStillCallsTheHandler() throws Exception {
        SpanLabelingProcessor p = pooled("model", "all-per", "field", "body");
        List<String> exploding = new AbstractList<>() {
            @Override
            public String get(int index) {
                throw new StackOverflowError("scripted, while reading");
            }

            @Override
            public int size() {
                return 1;
            }
        };
        List<IngestDocumentWrapper> out = run(p, List.of(wrapper(0, "body", exploding), wrapper(1, "body", "Ada")));
        assertTrue(message(out.get(0)), message(out.get(0)).contains("StackOverflowError"));
        assertNull(out.get(1).getException());
    }

    public void testOutOfMemoryErrorIsLeftToTheJvm() throws Exception {
        SpanLabelingProcessor p = factory.create(null, null, null, config("model", "all-per", "field", "body")); // runs inline
        OutOfMemoryError oom = new OutOfMemoryError("scripted");
        p.modelSource(failingOn("BOOM", oom));
        AtomicInteger calls = new AtomicInteger();
        OutOfMemoryError thrown = expectThrows(OutOfMemoryError.class,
                () -> p.batchExecute(List.of(wrapper(0, "body", "BOOM")), results -> calls.incrementAndGet()));
        assertSame(oom, thrown);
        assertEquals("after a fatal JVM error the handler is not called: OpenSearch stops the node", 0, calls.get());
    }

    public void testWritingOneDocumentsSpansCannotFailAnother() throws Exception {
        SpanLabelingProcessor p = pooled("model", "all-per", "field", "body", "target_field", "meta.spans");
        List<IngestDocumentWrapper> out = run(p, List.of(
                wrapper(0, "body", "Ada"), wrapper(1, "body", "Bob", "meta", "a string, so meta.spans cannot be set"),
                wrapper(2, "body", "Cy")));
        assertNull(out.get(0).getException());
        assertTrue(out.get(0).getIngestDocument().hasField("meta.spans"));
        assertNotNull(out.get(1).getException());
        assertNull(out.get(2).getException());
        assertTrue(out.get(2).getIngestDocument().hasField("meta.spans"));
    }

    public void testFullQueueRejectsWith429AndCounts() throws Exception {
        // one thread, a queue of one: block the thread, fill the queue, then the batch is rejected
        ThreadContext context = new ThreadContext(Settings.EMPTY);
        ExecutorService tiny = OpenSearchExecutors.newFixed("test/" + PluginPools.INFERENCE, 1, 1,
                OpenSearchExecutors.daemonThreadFactory("test-inference"), context);
        CountDownLatch release = new CountDownLatch(1);
        try {
            tiny.execute(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            tiny.execute(() -> {});
            SpanLabelingProcessor p = new SpanLabelingProcessor.Factory(models, () -> tiny, rejections)
                    .create(null, null, null, config("model", "all-per", "field", "body"));
            List<IngestDocumentWrapper> out = run(p, List.of(wrapper(0, "body", "Ada"), wrapper(1, "title", "x"), wrapper(2, "body", "Bob")));
            for (int i : new int[] {0, 2}) {
                Exception e = out.get(i).getException();
                assertTrue(String.valueOf(e), e instanceof OpenSearchRejectedExecutionException);
                assertEquals(RestStatus.TOO_MANY_REQUESTS, ExceptionsHelper.status(e));
                assertTrue(e.getMessage(), e.getMessage().contains(PluginPools.INFERENCE_QUEUE_SIZE_KEY));
            }
            assertTrue("a field error is still that document's own", message(out.get(1)).contains("field [body] is missing"));
            assertEquals(1, rejections.tasks());
            assertEquals(2, rejections.documents());
        } finally {
            release.countDown();
            ThreadPool.terminate(tiny, 10, TimeUnit.SECONDS);
        }
    }

    public void testRejectionReachesOnFailureAndIgnoreFailureContinues() throws Exception {
        SpanLabelingProcessor p = new SpanLabelingProcessor.Factory(models, () -> command -> {
            throw new OpenSearchRejectedExecutionException("scripted: queue full", false);
        }, rejections).create(null, null, null, config("model", "all-per", "field", "body"));

        // on_failure sees the rejection
        Processor onFailure = new TestProcessor(d -> d.setFieldValue("failure", d.getFieldValue("_ingest.on_failure_message", String.class)));
        CompoundProcessor withOnFailure = new CompoundProcessor(false, List.of(p), List.of(onFailure));
        List<IngestDocumentWrapper> out = runCompound(withOnFailure, List.of(wrapper(0, "body", "Ada"), wrapper(1, "body", "Bob")));
        assertEquals(2, out.size());
        for (IngestDocumentWrapper w : out) {
            assertNull(w.getException());
            String failure = w.getIngestDocument().getFieldValue("failure", String.class);
            assertTrue(failure, failure.contains("rejected span_labeling inference"));
        }

        // ignore_failure: the documents go on, unlabelled and without the exception
        Processor next = new TestProcessor(d -> d.setFieldValue("next", true));
        CompoundProcessor ignoring = new CompoundProcessor(false, List.of(new CompoundProcessor(true, List.of(p), List.of()), next),
                List.of());
        List<IngestDocumentWrapper> ignored = runCompound(ignoring, List.of(wrapper(0, "body", "Ada"), wrapper(1, "body", 5)));
        assertEquals(2, ignored.size());
        for (IngestDocumentWrapper w : ignored) {
            assertNull("ignore_failure must drop the failure, got " + w.getException(), w.getException());
            assertTrue(w.getIngestDocument().getFieldValue("next", Boolean.class));
            assertFalse(w.getIngestDocument().hasField("spans"));
        }
    }

    /** CompoundProcessor may hand results on in parts; collects them until every document is back. */
    private static List<IngestDocumentWrapper> runCompound(CompoundProcessor p, List<IngestDocumentWrapper> in) throws Exception {
        List<IngestDocumentWrapper> all = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(1);
        Consumer<List<IngestDocumentWrapper>> handler = results -> {
            all.addAll(results);
            if (all.size() >= in.size()) {
                done.countDown();
            }
        };
        p.batchExecute(in, handler);
        assertTrue(done.await(30, TimeUnit.SECONDS));
        Thread.sleep(50);
        assertEquals("each document comes back once", in.size(), all.size());
        all.sort(java.util.Comparator.comparingInt(IngestDocumentWrapper::getSlot));
        return all;
    }

    public void testManyConcurrentBatchesEachCompleteOnce() throws Exception {
        SpanLabelingProcessor p = pooled("model", "all-per", "field", "body", "heads", List.of("ner"));
        p.modelSource(failingOn("BOOM", new IllegalStateException("scripted")));
        int batches = 40;
        AtomicInteger[] calls = new AtomicInteger[batches];
        CountDownLatch done = new CountDownLatch(batches);
        List<List<IngestDocumentWrapper>> results = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int b = 0; b < batches; b++) {
            AtomicInteger c = calls[b] = new AtomicInteger();
            List<IngestDocumentWrapper> in = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                in.add(wrapper(i, "body", (b + i) % 7 == 0 ? "BOOM" : "Ada " + i));
            }
            if (b % 3 == 0) {
                in.set(2, wrapper(2, "body", 12));
            }
            p.batchExecute(in, r -> {
                c.incrementAndGet();
                results.add(r);
                done.countDown();
            });
        }
        assertTrue(done.await(60, TimeUnit.SECONDS));
        Thread.sleep(100);
        for (AtomicInteger c : calls) {
            assertEquals(1, c.get());
        }
        int failed = 0;
        for (List<IngestDocumentWrapper> r : results) {
            assertEquals(5, r.size());
            for (IngestDocumentWrapper w : r) {
                if (w.getException() != null) {
                    failed++;
                } else {
                    assertFalse(spans(w).isEmpty());
                }
            }
        }
        assertTrue("some documents were meant to fail", failed > 0);
    }
}
