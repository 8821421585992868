package org.polyspan.plugin;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.common.util.concurrent.AbstractRunnable;
import org.opensearch.ingest.AbstractProcessor;
import org.opensearch.ingest.ConfigurationUtils;
import org.opensearch.ingest.IngestDocument;
import org.opensearch.ingest.IngestDocumentWrapper;
import org.opensearch.ingest.Processor;
import org.polyspan.ingest.ConfigException;
import org.polyspan.ingest.FieldAccess;
import org.polyspan.ingest.InferencePool;
import org.polyspan.ingest.SpanLabeling.Session;
import org.polyspan.ingest.SpanLabeling.Source;
import org.polyspan.ingest.SpanLabeling;
import org.polyspan.ingest.SpanLabelingOptions;
import org.polyspan.labeling.TaggedDocument;
import org.polyspan.model.InferenceRejections;
import org.polyspan.model.ModelRepository;
import org.polyspan.runtime.Inference;
import org.polyspan.runtime.PluginPools;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Labels entity or argument spans in one or more text fields and stores them twice: as an array of span objects
 * (map it as {@code nested}) and as a flat {@code label -> [texts]} object that Dashboards can aggregate.
 *
 * <p>What is done to a document (options, fields read, spans written) is the core's {@link SpanLabeling}, shared with
 * the Elasticsearch build; this class adapts it to OpenSearch's ingest threads. It is asynchronous, like OpenSearch's
 * own inference processors: the write thread reads and checks the fields, the model runs on the plugin's inference
 * pool ({@link PluginPools#INFERENCE}), and the pipeline continues from there.
 */
public final class SpanLabelingProcessor extends AbstractProcessor {
    public static final String TYPE = SpanLabelingOptions.TYPE;
    private static final Logger LOGGER = LogManager.getLogger(SpanLabelingProcessor.class);

    private final SpanLabeling labeling;
    private final InferencePool pool;

    SpanLabelingProcessor(String tag, String description, SpanLabeling labeling, InferencePool pool) {
        super(tag, description);
        this.labeling = labeling;
        this.pool = pool;
        // a lease on the model for one batch, with a model that is still loading (or over the memory cap) answered 429
        this.modelSource = () -> ModelLoading.retryable(labeling::open);
    }

    /**
     * Refused, as on Elasticsearch ({@link SpanLabeling#synchronousExecuteRefused}): OpenSearch's pipelines call
     * {@link #execute(IngestDocument, BiConsumer)}, and a direct caller would run inference on its own thread.
     */
    @Override
    public IngestDocument execute(IngestDocument document) {
        throw SpanLabeling.synchronousExecuteRefused();
    }

    /**
     * Reads and checks the fields on the calling (write) thread, then labels on the inference pool and calls
     * {@code handler} from there, exactly once. A full queue fails the document with OpenSearch's rejection (429).
     */
    @Override
    public void execute(IngestDocument document, BiConsumer<IngestDocument, Exception> handler) {
        batchExecute(List.of(new IngestDocumentWrapper(0, 0, document, null)), results -> {
            IngestDocumentWrapper result = results.get(0);
            if (result.getException() != null) {
                handler.accept(null, result.getException());
            } else {
                handler.accept(result.getIngestDocument(), null);
            }
        });
    }

    /**
     * Labels the texts of all documents of a bulk request in one task on the inference pool, so windows from many
     * short documents share encoder batches. The write thread only reads and checks fields.
     *
     * <p>Each document fails alone: invalid fields fail it on the write thread; when the shared model call fails, the
     * documents are labelled again one by one so that only those that fail on their own fail; writing the spans of one
     * document cannot fail another. A full queue fails every document of the batch with OpenSearch's rejection (429).
     * {@code handler} is called exactly once, with one result per document in the order given, whatever happens,
     * except after a fatal JVM error ({@link Inference#isFatal}), which stops the node.
     */
    @Override
    public void batchExecute(List<IngestDocumentWrapper> wrappers, Consumer<List<IngestDocumentWrapper>> handler) {
        Batch batch = new Batch(wrappers, handler);
        for (int i = 0; i < wrappers.size(); i++) {
            IngestDocumentWrapper w = wrappers.get(i);
            if (w.getException() != null || w.getIngestDocument() == null) {
                continue; // failed or dropped before this processor: passed on as it is
            }
            List<Source> sources;
            try {
                sources = labeling.sources(fields(w.getIngestDocument()));
            } catch (Throwable t) {
                batch.fail(i, Inference.asException("reading the fields failed", t));
                continue;
            }
            if (sources != null) {
                batch.pending.add(new Pending(i, sources));
            }
        }
        if (batch.pending.isEmpty()) {
            batch.complete();
            return;
        }
        Runnable task = new AbstractRunnable() {
            @Override
            protected void doRun() {
                batch.infer();
                batch.complete();
            }

            @Override
            public void onFailure(Exception e) {
                // only reached when something outside the per-document guards threw, e.g. a later processor of the pipeline
                // run by handler: the handler has been called then, and must not be called twice
                if (!batch.failPendingAndComplete(e)) {
                    LOGGER.warn("span_labeling: failure after the documents were handed on", e);
                }
            }

            @Override
            public void onRejection(Exception e) {
                batch.rejected(e);
            }
        };
        try {
            pool.get().execute(task);
        } catch (RejectedExecutionException e) {
            batch.rejected(e); // executors that throw instead of calling onRejection
        } catch (RuntimeException e) {
            batch.failPendingAndComplete(e); // no pool (the node is not started or is closing)
        }
    }

    /** Opens a {@link Session} on the model for one batch; tests replace it to script failures. */
    interface ModelSource {
        Session open() throws Exception;
    }

    private volatile ModelSource modelSource;

    /** For tests: where the processor gets its model from. */
    void modelSource(ModelSource source) {
        this.modelSource = source;
    }

    /** A document of a batch that has texts to label: its position in the batch and its texts. */
    private record Pending(int slot, List<Source> sources) {}

    /** One call of {@link #batchExecute}: its results, filled in place, and the guard that completes it once. */
    private final class Batch {
        private final List<IngestDocumentWrapper> wrappers;
        private final IngestDocumentWrapper[] results;
        private final Consumer<List<IngestDocumentWrapper>> handler;
        private final AtomicBoolean completed = new AtomicBoolean();
        final List<Pending> pending = new ArrayList<>();

        Batch(List<IngestDocumentWrapper> wrappers, Consumer<List<IngestDocumentWrapper>> handler) {
            this.wrappers = wrappers;
            this.handler = handler;
            this.results = wrappers.toArray(new IngestDocumentWrapper[0]);
        }

        void fail(int slot, Exception e) {
            IngestDocumentWrapper w = wrappers.get(slot);
            results[slot] = new IngestDocumentWrapper(w.getSlot(), w.getChildSlot(), w.getIngestDocument(), e);
        }

        /** Labels every pending document (on the inference pool) and writes its spans; failures stay per document. */
        void infer() {
            Session model;
            try {
                model = modelSource.open();
            } catch (Throwable t) {
                Exception e = Inference.asException("loading model [" + labeling.options().modelId() + "] failed", t);
                pending.forEach(p -> fail(p.slot(), e));
                return;
            }
            try {
                inferWith(model);
            } finally {
                model.close();
            }
        }

        private void inferWith(Session model) {
            List<Source> all = new ArrayList<>();
            pending.forEach(p -> all.addAll(p.sources()));
            Map<String, List<TaggedDocument>> tagged = null;
            Exception shared = null;
            try {
                tagged = labeling.label(model, all);
            } catch (Throwable t) {
                shared = Inference.asException("inference failed", t);
            }
            int offset = 0;
            for (Pending p : pending) {
                FieldAccess document = fields(wrappers.get(p.slot()).getIngestDocument());
                try {
                    if (tagged != null) {
                        labeling.write(document, p.sources(), tagged, offset);
                    } else if (pending.size() == 1) {
                        throw shared;
                    } else {
                        // the shared call failed: this document alone decides whether it fails
                        labeling.write(document, p.sources(), labeling.label(model, p.sources()), 0);
                    }
                } catch (Throwable t) {
                    fail(p.slot(), Inference.asException("span_labeling failed", t));
                }
                offset += p.sources().size();
            }
        }

        void rejected(Exception cause) {
            if (completed.get()) {
                return;
            }
            pool.rejections().rejected(pending.size());
            String message = PluginPools.inferenceRejected(pending.size(), String.valueOf(cause.getMessage()));
            failPendingAndComplete(PluginThreadPools.rejected(message, cause));
        }

        /** Fails every pending document with {@code e} and completes; false when the batch had completed already. */
        boolean failPendingAndComplete(Exception e) {
            if (completed.get()) {
                return false;
            }
            pending.forEach(p -> fail(p.slot(), e));
            complete();
            return true;
        }

        /** Hands the results on, once. */
        void complete() {
            if (completed.compareAndSet(false, true)) {
                handler.accept(Arrays.asList(results));
            }
        }
    }

    /** An ingest document as the core sees it (dotted paths allowed; a missing field reads as null). */
    static FieldAccess fields(IngestDocument document) {
        return FieldAccess.of(f -> document.hasField(f) ? document.getFieldValue(f, Object.class, true) : null, document::setFieldValue);
    }

    @Override
    public String getType() {
        return TYPE;
    }

    /** The options this processor was created with. */
    SpanLabelingOptions options() {
        return labeling.options();
    }

    /** The heads run in one encoder pass for every target; empty means all heads of the model. */
    List<String> heads() {
        return labeling.options().heads();
    }

    public static final class Factory implements Processor.Factory {
        private final ModelRepository models;
        private final InferencePool pool;

        /** Processors that label on the caller's thread (tests and tools; a node uses the pool). */
        public Factory(ModelRepository models) {
            this(models, () -> Runnable::run, new InferenceRejections());
        }

        /** Processors that label on {@code executor}, looked up when a document arrives, counting its rejections. */
        public Factory(ModelRepository models, Supplier<? extends Executor> executor, InferenceRejections rejections) {
            this.models = models;
            this.pool = new InferencePool(executor, rejections);
        }

        /**
         * Reads the options with the core's {@link SpanLabelingOptions} (the same checks and messages as
         * {@link ConfigurationUtils}), and reports a bad one as OpenSearch's configuration error (400, naming the
         * property). This runs on the cluster-applier thread of every node: it reads the model's files only, and the
         * load runs in the background.
         */
        @Override
        public SpanLabelingProcessor create(Map<String, Processor.Factory> registry, String tag, String description,
                                            Map<String, Object> config) {
            try {
                return new SpanLabelingProcessor(tag, description, SpanLabeling.parse(config, models), pool);
            } catch (ConfigException e) {
                throw ConfigurationUtils.newConfigurationException(TYPE, tag, e.property(), e.reason());
            }
        }
    }
}
