package org.polyspan.elasticsearch;

import org.elasticsearch.ingest.AbstractProcessor;
import org.elasticsearch.ingest.CompoundProcessor;
import org.elasticsearch.ingest.ConfigurationUtils;
import org.elasticsearch.ingest.IngestDocument;
import org.elasticsearch.ingest.Processor;

import java.util.Map;

/**
 * {@code polyspan_record_failure}, for a pipeline's {@code on_failure} handlers: stores why the document failed (the
 * failure message, {@code _ingest.on_failure_message}) under {@code field} ({@code ingest_error} by default).
 * With the full Elasticsearch distribution a {@code set} of {@code {{ _ingest.on_failure_message }}} does the same;
 * distributions without the ingest-common and lang-mustache modules (such as the integ-test one) have only this.
 */
public final class RecordFailureProcessor extends AbstractProcessor {
    public static final String TYPE = "polyspan_record_failure";
    private final String field;

    RecordFailureProcessor(String tag, String description, String field) {
        super(tag, description);
        this.field = field;
    }

    @Override
    public IngestDocument execute(IngestDocument document) {
        Map<String, Object> ingest = document.getIngestMetadata();
        Object message = ingest.get(CompoundProcessor.ON_FAILURE_MESSAGE_FIELD);
        if (message == null) {
            throw new IllegalArgumentException(TYPE + " runs only in on_failure handlers: there is no failure to record");
        }
        document.setFieldValue(field, message.toString());
        return document;
    }

    @Override
    public String getType() {
        return TYPE;
    }

    public static final class Factory implements Processor.Factory {
        @Override
        public RecordFailureProcessor create(Map<String, Processor.Factory> registry, String tag, String description,
                                             Map<String, Object> config) {
            String field = ConfigurationUtils.readStringProperty(TYPE, tag, config, "field", "ingest_error");
            return new RecordFailureProcessor(tag, description, field);
        }
    }
}
