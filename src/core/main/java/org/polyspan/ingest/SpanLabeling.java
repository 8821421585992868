package org.polyspan.ingest;

import org.polyspan.labeling.Document;
import org.polyspan.labeling.Span;
import org.polyspan.labeling.TaggedDocument;
import org.polyspan.model.LabelingModel;
import org.polyspan.model.ModelLease;
import org.polyspan.model.ModelRepository;
import org.polyspan.runtime.Inference;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a {@code span_labeling} processor does to documents, without an engine: read and check the field values, label
 * them, and write the {@code spans} objects and the {@code spans_by_label} map. An engine's processor adapts its
 * document type to {@link FieldAccess} and calls {@link #execute}, or {@link #sources}, {@link #open},
 * {@link #label(Session, List)} and {@link #write} to label many documents in one batch on one lease of the model.
 */
public final class SpanLabeling {
    private final ModelRepository models;
    private final SpanLabelingOptions options;
    private final List<String> heads;

    /**
     * What an engine's synchronous {@code execute(document)} throws: the processor runs asynchronously, so that
     * inference never runs on a caller's (write or network) thread; pipelines call the asynchronous form.
     */
    public static UnsupportedOperationException synchronousExecuteRefused() {
        return new UnsupportedOperationException(SpanLabelingOptions.TYPE + " runs asynchronously");
    }

    /** A string to label and where it came from: a field, and its position when the field holds a list. */
    public record Source(String field, Integer index, String text) {}

    /**
     * The model, ready to label one batch. Closing it releases the model: a lease keeps this copy open until the batch
     * is done, even across {@code _reload} or {@code _unload}.
     */
    public interface Session extends AutoCloseable {
        Map<String, List<TaggedDocument>> label(List<Document> documents, List<String> heads) throws Exception;

        @Override
        default void close() {}
    }

    /**
     * The labelling a processor's configuration asks for, checked with {@link SpanLabelingOptions#parse} (a bad option
     * throws {@link ConfigException} naming its property). Reads the model's files only; the load runs in the background.
     */
    public static SpanLabeling parse(Map<String, Object> config, ModelRepository models) {
        return new SpanLabeling(models, SpanLabelingOptions.parse(config, models));
    }

    public SpanLabeling(ModelRepository models, SpanLabelingOptions options) {
        this.models = models;
        this.options = options;
        this.heads = options.heads();
    }

    public SpanLabelingOptions options() {
        return options;
    }

    /** Labels one document; a document whose fields are all missing (with {@code ignore_missing}) is left untouched. */
    public void execute(FieldAccess document) throws Exception {
        List<Source> sources = sources(document);
        if (sources == null) {
            return;
        }
        write(document, sources, label(sources), 0);
    }

    /**
     * The strings to label, or null when every field is missing and {@code ignore_missing} is set. A bad value throws
     * {@link IllegalArgumentException} naming the field (and the list position).
     */
    public List<Source> sources(FieldAccess document) {
        List<Source> sources = new ArrayList<>();
        boolean present = false;
        for (String field : options.fields()) {
            Object value = document.get(field);
            present |= value != null;
            collect(field, value, sources);
        }
        return sources.isEmpty() && !present ? null : sources;
    }

    /** A session on the processor's model, loading it if needed (a model still loading throws {@code ModelNotReadyException}). */
    public Session open() throws Exception {
        ModelLease<LabelingModel> lease = Inference.lease(models, options.modelId());
        return new Session() {
            @Override
            public Map<String, List<TaggedDocument>> label(List<Document> documents, List<String> heads) throws Exception {
                return Inference.label(lease.model(), documents, heads, options.spanScope());
            }

            @Override
            public void close() {
                lease.close();
            }
        };
    }

    /** The spans of {@code sources}, per head, in the order of the sources, on a session of its own. */
    public Map<String, List<TaggedDocument>> label(List<Source> sources) throws Exception {
        if (sources.isEmpty()) {
            return Map.of();
        }
        try (Session session = open()) {
            return label(session, sources);
        }
    }

    /** The spans of {@code sources}, per head, in the order of the sources. */
    public Map<String, List<TaggedDocument>> label(Session session, List<Source> sources) throws Exception {
        if (sources.isEmpty()) {
            return Map.of();
        }
        List<Document> docs = new ArrayList<>(sources.size());
        for (Source s : sources) {
            docs.add(Document.of(s.text()));
        }
        return session.label(docs, heads);
    }

    /** Writes the spans of {@code sources}, whose results start at {@code offset} in {@code tagged}, to every target. */
    public void write(FieldAccess document, List<Source> sources, Map<String, List<TaggedDocument>> tagged, int offset) {
        for (SpanLabelingOptions.Target target : options.targets()) {
            List<Map<String, Object>> spans = new ArrayList<>();
            Map<String, Set<String>> byLabel = new LinkedHashMap<>();
            for (int i = 0; i < sources.size(); i++) {
                Source source = sources.get(i);
                for (Map.Entry<String, List<TaggedDocument>> perHead : tagged.entrySet()) {
                    if (!target.heads().isEmpty() && !target.heads().contains(perHead.getKey())) {
                        continue;
                    }
                    for (Span span : perHead.getValue().get(offset + i).spans()) {
                        if ((options.labelFilter().isEmpty() || options.labelFilter().contains(span.label()))
                                && span.score() >= options.minScore()) {
                            spans.add(spanObject(span, source));
                            byLabel.computeIfAbsent(span.label(), k -> new LinkedHashSet<>()).add(span.text());
                        }
                    }
                }
            }
            Map<String, Object> flat = new LinkedHashMap<>();
            byLabel.forEach((label, texts) -> flat.put(label, new ArrayList<>(texts)));
            document.set(target.field(), spans);
            document.set(target.flatField(), flat);
        }
    }

    private void collect(String field, Object value, List<Source> out) {
        if (value == null) {
            if (options.ignoreMissing()) {
                return;
            }
            throw new IllegalArgumentException("field [" + field + "] is missing or null; set ignore_missing to skip such documents");
        }
        if (value instanceof String s) {
            out.add(checked(field, null, s));
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                Object element = list.get(i);
                if (element == null) {
                    continue;
                }
                if (!(element instanceof String s)) {
                    throw new IllegalArgumentException("field [" + field + "] element [" + i + "] is of type ["
                            + element.getClass().getSimpleName() + "]; span_labeling needs strings");
                }
                out.add(checked(field, i, s));
            }
        } else {
            throw new IllegalArgumentException("field [" + field + "] is of type [" + value.getClass().getSimpleName()
                    + "]; span_labeling needs a string or a list of strings");
        }
    }

    private Source checked(String field, Integer index, String text) {
        if (text.length() > options.maxChars()) {
            throw new IllegalArgumentException("field [" + field + "] has " + text.length() + " characters, more than max_chars ["
                    + options.maxChars() + "]; raise max_chars or split the text");
        }
        return new Source(field, index, text);
    }

    /** One stored span: label, text, UTF-16 offsets, score (4 decimals), field, list position when any, head. */
    public static Map<String, Object> spanObject(Span span, Source source) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("label", span.label());
        m.put("text", span.text());
        m.put("start", span.start());
        m.put("end", span.end());
        m.put("score", Math.round(span.score() * 1e4) / 1e4);
        m.put("field", source.field());
        if (source.index() != null) {
            m.put("index", source.index());
        }
        m.put("head", span.head());
        return m;
    }
}
