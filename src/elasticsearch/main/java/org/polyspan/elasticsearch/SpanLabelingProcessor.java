package org.polyspan.elasticsearch;

import org.elasticsearch.common.util.concurrent.EsRejectedExecutionException;
import org.elasticsearch.ingest.AbstractProcessor;
import org.elasticsearch.ingest.ConfigurationUtils;
import org.elasticsearch.ingest.IngestDocument;
import org.elasticsearch.ingest.Processor;
import org.polyspan.ingest.ConfigException;
import org.polyspan.ingest.FieldAccess;
import org.polyspan.ingest.InferencePool;
import org.polyspan.ingest.SpanLabeling;
import org.polyspan.ingest.SpanLabelingOptions;
import org.polyspan.model.InferenceRejections;
import org.polyspan.model.ModelRepository;
import org.polyspan.runtime.Inference;
import org.polyspan.runtime.PluginPools;

import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The {@code span_labeling} processor on Elasticsearch: an {@link IngestDocument} seen through {@link FieldAccess},
 * labelled by the core's {@link SpanLabeling}. It is asynchronous: inference runs on the plugin's
 * {@code polyspan_inference} pool, never on a write or network thread. When that pool's queue is full the document
 * fails with Elasticsearch's {@link EsRejectedExecutionException} (429, retryable), which {@code on_failure} sees like
 * any failure.
 */
public final class SpanLabelingProcessor extends AbstractProcessor {
    private final SpanLabeling labeling;
    private final InferencePool pool;

    SpanLabelingProcessor(String tag, String description, SpanLabeling labeling, InferencePool pool) {
        super(tag, description);
        this.labeling = labeling;
        this.pool = pool;
    }

    @Override
    public String getType() {
        return SpanLabelingOptions.TYPE;
    }

    SpanLabelingOptions options() {
        return labeling.options();
    }

    @Override
    public boolean isAsync() {
        return true;
    }

    @Override
    public void execute(IngestDocument document, BiConsumer<IngestDocument, Exception> handler) {
        FieldAccess fields = fields(document);
        Runnable task = () -> {
            try {
                labeling.execute(fields);
            } catch (Throwable t) {
                // a non-fatal error (deep recursion in odd field values, say) fails this document only, as on OpenSearch;
                // asException rethrows the JVM's own fatal errors
                handler.accept(null, Retryable.withStatus(Inference.asException("span_labeling failed", t)));
                return;
            }
            handler.accept(document, null);
        };
        try {
            pool.get().execute(task);
        } catch (RejectedExecutionException e) {
            pool.rejections().rejected(1);
            handler.accept(null, rejected(e));
        } catch (RuntimeException e) {
            handler.accept(null, e); // no pool: the node is starting or closing
        }
    }

    /** The document's failure when the pool turned its task away: 429, naming the pool and its queue setting. */
    static EsRejectedExecutionException rejected(RejectedExecutionException cause) {
        return PluginThreadPools.rejected(PluginPools.inferenceRejected(1, String.valueOf(cause.getMessage())), cause);
    }

    /** Refused ({@link SpanLabeling#synchronousExecuteRefused}): inference never runs on a caller's thread. */
    @Override
    public IngestDocument execute(IngestDocument document) {
        throw SpanLabeling.synchronousExecuteRefused();
    }

    static FieldAccess fields(IngestDocument document) {
        return FieldAccess.of(f -> document.hasField(f) ? document.getFieldValue(f, Object.class, true) : null, document::setFieldValue);
    }

    public static final class Factory implements Processor.Factory {
        private final ModelRepository models;
        private final InferencePool pool;

        /** Processors that label on {@code executor}, looked up when a document arrives, counting its rejections. */
        public Factory(ModelRepository models, Supplier<? extends Executor> executor, InferenceRejections rejections) {
            this.models = models;
            this.pool = new InferencePool(executor, rejections);
        }

        @Override
        public SpanLabelingProcessor create(Map<String, Processor.Factory> registry, String tag, String description,
                                            Map<String, Object> config) {
            try {
                return new SpanLabelingProcessor(tag, description, SpanLabeling.parse(config, models), pool);
            } catch (ConfigException e) {
                throw ConfigurationUtils.newConfigurationException(SpanLabelingOptions.TYPE, tag, e.property(), e.reason());
            }
        }
    }
}
