package org.polyspan.elasticsearch;

import org.elasticsearch.ingest.AbstractProcessor;
import org.elasticsearch.ingest.ConfigurationUtils;
import org.elasticsearch.ingest.IngestDocument;
import org.elasticsearch.ingest.Processor;
import org.polyspan.ingest.ConfigException;
import org.polyspan.ingest.FieldAccess;
import org.polyspan.ingest.SpanLabeling;
import org.polyspan.ingest.SpanLabelingOptions;
import org.polyspan.model.ModelRepository;

import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The {@code span_labeling} processor on Elasticsearch: an {@link IngestDocument} seen through {@link FieldAccess},
 * labelled by the core's {@link SpanLabeling}. It is asynchronous: inference runs on the generic thread pool, never on
 * a write or network thread.
 */
public final class SpanLabelingProcessor extends AbstractProcessor {
    private final SpanLabeling labeling;
    private final Consumer<Runnable> executor;

    SpanLabelingProcessor(String tag, String description, SpanLabeling labeling, Consumer<Runnable> executor) {
        super(tag, description);
        this.labeling = labeling;
        this.executor = executor;
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
        try {
            executor.accept(() -> {
                try {
                    labeling.execute(fields);
                } catch (Exception e) {
                    handler.accept(null, e);
                    return;
                }
                handler.accept(document, null);
            });
        } catch (Exception rejected) {
            handler.accept(null, rejected);
        }
    }

    @Override
    public IngestDocument execute(IngestDocument document) {
        throw new UnsupportedOperationException("span_labeling runs asynchronously");
    }

    static FieldAccess fields(IngestDocument document) {
        return new FieldAccess() {
            @Override
            public Object get(String field) {
                return document.hasField(field) ? document.getFieldValue(field, Object.class, true) : null;
            }

            @Override
            public void set(String field, Object value) {
                document.setFieldValue(field, value);
            }
        };
    }

    public static final class Factory implements Processor.Factory {
        private final ModelRepository models;
        private final Consumer<Runnable> executor;

        public Factory(ModelRepository models, Consumer<Runnable> executor) {
            this.models = models;
            this.executor = executor;
        }

        @Override
        public SpanLabelingProcessor create(Map<String, Processor.Factory> registry, String tag, String description,
                                            Map<String, Object> config) {
            SpanLabelingOptions options;
            try {
                options = SpanLabelingOptions.parse(config, models);
            } catch (ConfigException e) {
                throw ConfigurationUtils.newConfigurationException(SpanLabelingOptions.TYPE, tag, e.property(), e.reason());
            }
            return new SpanLabelingProcessor(tag, description, new SpanLabeling(models, options), executor);
        }
    }
}
