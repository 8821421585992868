package org.polyspan.ingest;

import org.polyspan.model.ModelRepository;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * One engine's {@code span_labeling} processor as {@link SpanLabelingScenarios} drive it. Each shell implements it over
 * its own factory, processor and ingest document {@code D}, so that the scenarios are written once and hold on every
 * engine.
 */
public interface SpanLabelingEngine<D> {
    /** The models the processors are created over: those of {@code ProcessorTestModels.modelsDir}. */
    ModelRepository models();

    /** A processor made by the engine's factory from {@code config}; throws what that factory throws. */
    Processor<D> processor(Map<String, Object> config) throws Exception;

    /** An ingest document whose source is {@code source} (values may be null). */
    D document(Map<String, Object> source);

    /** The document's live source and metadata, in which the scenarios read fields by their dotted paths. */
    Map<String, Object> sourceAndMetadata(D doc);

    /** A random text of {@code min} to {@code max} chars from the engine's test randomness. */
    String randomText(int min, int max);

    /** How to repeat the current random texts, for failure messages (e.g. the seed's system property). */
    String repeatWith();

    /** A processor as the engine's pipelines run it. */
    @FunctionalInterface
    interface Processor<D> {
        /** Labels {@code doc}; returns the document handed back, or throws the document's failure. */
        D execute(D doc) throws Exception;
    }

    /** An engine's asynchronous {@code execute(document, handler)}. */
    @FunctionalInterface
    interface AsyncExecute<D> {
        void execute(D doc, BiConsumer<D, Exception> handler);
    }

    /**
     * Runs an asynchronous execute whose inference pool runs tasks on the calling thread, and checks the handler's
     * contract: called once, with the document labelled in place or with a failure and no document.
     */
    static <D> D runInline(AsyncExecute<D> processor, D doc) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<D> result = new AtomicReference<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        processor.execute(doc, (out, e) -> {
            calls.incrementAndGet();
            result.set(out);
            failure.set(e);
        });
        assertEquals(1, calls.get(), "handler calls");
        if (failure.get() != null) {
            assertNull(result.get(), "a failed document is handed back as null");
            throw failure.get();
        }
        assertNotNull(result.get(), "neither a document nor a failure");
        assertSame(doc, result.get(), "the document is labelled in place and handed back");
        return result.get();
    }
}
