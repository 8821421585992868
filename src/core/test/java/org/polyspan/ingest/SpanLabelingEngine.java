package org.polyspan.ingest;

import org.polyspan.model.ModelRepository;

import java.util.Map;

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
}
