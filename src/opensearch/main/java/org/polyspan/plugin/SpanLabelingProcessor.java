package org.polyspan.plugin;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.common.util.concurrent.AbstractRunnable;
import org.opensearch.core.concurrency.OpenSearchRejectedExecutionException;
import org.opensearch.ingest.AbstractProcessor;
import org.opensearch.ingest.ConfigurationUtils;
import org.opensearch.ingest.IngestDocument;
import org.opensearch.ingest.IngestDocumentWrapper;
import org.opensearch.ingest.Processor;
import org.polyspan.core.Document;
import org.polyspan.core.Span;
import org.polyspan.core.SpanScope;
import org.polyspan.core.TaggedDocument;
import org.polyspan.model.InferenceRejections;
import org.polyspan.model.LabelingModel;
import org.polyspan.model.ModelFiles;
import org.polyspan.model.ModelFilesException;
import org.polyspan.model.ModelLease;
import org.polyspan.model.ModelRepository;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * <p>Asynchronous, like OpenSearch's own inference processors: the write thread reads and checks the fields, the model
 * runs on the plugin's inference pool ({@link PolyspanPlugin#INFERENCE_POOL}), and the pipeline continues from there.
 */
public final class SpanLabelingProcessor extends AbstractProcessor {
    public static final String TYPE = "span_labeling";
    static final String DEFAULT_TARGET = "spans";
    static final int DEFAULT_MAX_CHARS = 1_000_000;
    private static final Logger LOGGER = LogManager.getLogger(SpanLabelingProcessor.class);

    private final ModelRepository models;
    /** Where inference runs: the node's inference pool, read when a document arrives (the pool exists after start). */
    private final Supplier<? extends Executor> executor;
    private final InferenceRejections rejections;
    private final String modelId;
    private final List<String> fields;
    private final List<Target> targets;
    private final List<String> heads;
    private final Set<String> labelFilter;
    private final double minScore;
    private final boolean ignoreMissing;
    private final int maxChars;
    private final SpanScope spanScope;

    /**
     * Where spans go: {@code field} receives the span objects of {@code heads} (all of the model's heads when empty),
     * and {@code field + "_by_label"} their flat copy.
     */
    record Target(String field, List<String> heads) {
        String flatField() {
            return field + "_by_label";
        }
    }

    SpanLabelingProcessor(String tag, String description, ModelRepository models, Supplier<? extends Executor> executor,
                          InferenceRejections rejections, String modelId, List<String> fields, List<Target> targets,
                          Set<String> labelFilter, double minScore, boolean ignoreMissing, int maxChars, SpanScope spanScope) {
        super(tag, description);
        this.models = models;
        this.executor = executor;
        this.rejections = rejections;
        this.modelId = modelId;
        this.fields = List.copyOf(fields);
        this.targets = List.copyOf(targets);
        // the heads every target needs, run in one encoder pass; empty means all heads of the model
        Set<String> union = new LinkedHashSet<>();
        boolean all = false;
        for (Target t : targets) {
            all |= t.heads().isEmpty();
            union.addAll(t.heads());
        }
        this.heads = all ? List.of() : List.copyOf(union);
        this.labelFilter = labelFilter;
        this.minScore = minScore;
        this.ignoreMissing = ignoreMissing;
        this.maxChars = maxChars;
        this.spanScope = spanScope;
    }

    /** A string to label and where it came from: a field, and its position when the field holds a list. */
    private record Source(String field, Integer index, String text) {}

    /**
     * Synchronous form, for callers that run the processor directly (tests, tools): reads, labels and writes on the
     * calling thread. Pipelines call {@link #execute(IngestDocument, BiConsumer)} instead.
     */
    @Override
    public IngestDocument execute(IngestDocument document) throws Exception {
        List<Source> sources = sources(document);
        if (sources == null) {
            return document;
        }
        try (ModelSession model = models()) {
            write(document, sources, label(model, sources), 0);
        }
        return document;
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
     * except after a fatal JVM error ({@link ModelLoading#isFatal}), which stops the node.
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
                sources = sources(w.getIngestDocument());
            } catch (Throwable t) {
                batch.fail(i, ModelLoading.asException("reading the fields failed", t));
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
            executor.get().execute(task);
        } catch (RejectedExecutionException e) {
            batch.rejected(e); // executors that throw instead of calling onRejection
        } catch (RuntimeException e) {
            batch.failPendingAndComplete(e); // no pool (the node is not started or is closing)
        }
    }

    /**
     * The model, ready to label one batch: the hook between this processor and the model repository. It is closed
     * when the batch is done (so a repository that counts its users knows when a batch has finished).
     */
    interface ModelSession extends AutoCloseable {
        Map<String, List<TaggedDocument>> label(List<Document> documents, List<String> heads) throws Exception;

        @Override
        default void close() {}
    }

    /** Opens a {@link ModelSession}; tests replace it to script failures. */
    interface ModelSource {
        ModelSession open() throws Exception;
    }

    private volatile ModelSource modelSource = this::repositoryModel;

    /** A lease on the model for one batch: it keeps this copy open until the batch is done, even across _reload or _unload. */
    private ModelSession repositoryModel() throws Exception {
        ModelLease<LabelingModel> lease = ModelLoading.lease(models, modelId);
        return new ModelSession() {
            @Override
            public Map<String, List<TaggedDocument>> label(List<Document> documents, List<String> heads) throws Exception {
                return ModelLoading.label(lease.model(), documents, heads, spanScope);
            }

            @Override
            public void close() {
                lease.close();
            }
        };
    }

    private ModelSession models() throws Exception {
        return modelSource.open();
    }

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
            ModelSession model;
            try {
                model = models();
            } catch (Throwable t) {
                Exception e = ModelLoading.asException("loading model [" + modelId + "] failed", t);
                pending.forEach(p -> fail(p.slot(), e));
                return;
            }
            try {
                inferWith(model);
            } finally {
                model.close();
            }
        }

        private void inferWith(ModelSession model) {
            List<Source> all = new ArrayList<>();
            pending.forEach(p -> all.addAll(p.sources()));
            Map<String, List<TaggedDocument>> tagged = null;
            Exception shared = null;
            try {
                tagged = label(model, all);
            } catch (Throwable t) {
                shared = ModelLoading.asException("inference failed", t);
            }
            int offset = 0;
            for (Pending p : pending) {
                IngestDocument document = wrappers.get(p.slot()).getIngestDocument();
                try {
                    if (tagged != null) {
                        write(document, p.sources(), tagged, offset);
                    } else if (pending.size() == 1) {
                        throw shared;
                    } else {
                        // the shared call failed: this document alone decides whether it fails
                        write(document, p.sources(), label(model, p.sources()), 0);
                    }
                } catch (Throwable t) {
                    fail(p.slot(), ModelLoading.asException("span_labeling failed", t));
                }
                offset += p.sources().size();
            }
        }

        void rejected(Exception cause) {
            if (completed.get()) {
                return;
            }
            rejections.rejected(pending.size());
            String message = "rejected span_labeling inference of " + pending.size() + " document(s): the ["
                    + PolyspanPlugin.INFERENCE_POOL + "] queue is full (" + PolyspanPlugin.INFERENCE_QUEUE_SIZE_KEY
                    + "); retry later. " + cause.getMessage();
            boolean shutdown = cause instanceof OpenSearchRejectedExecutionException r && r.isExecutorShutdown();
            OpenSearchRejectedExecutionException e = new OpenSearchRejectedExecutionException(message, shutdown);
            failPendingAndComplete(e);
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

    /** The strings to label, or null when every field is missing and {@code ignore_missing} is set. */
    private List<Source> sources(IngestDocument document) {
        List<Source> sources = new ArrayList<>();
        for (String field : fields) {
            collect(document, field, sources);
        }
        if (sources.isEmpty() && !anyFieldPresent(document)) {
            return null; // leave the document untouched
        }
        return sources;
    }

    private Map<String, List<TaggedDocument>> label(ModelSession model, List<Source> sources) throws Exception {
        if (sources.isEmpty()) {
            return Map.of();
        }
        List<Document> docs = new ArrayList<>(sources.size());
        for (Source s : sources) {
            docs.add(Document.of(s.text()));
        }
        return model.label(docs, heads);
    }

    /** Writes the spans of {@code sources}, whose results start at {@code offset} in {@code tagged}, to every target. */
    private void write(IngestDocument document, List<Source> sources, Map<String, List<TaggedDocument>> tagged, int offset) {
        for (Target target : targets) {
            List<Map<String, Object>> spans = new ArrayList<>();
            Map<String, Set<String>> byLabel = new LinkedHashMap<>();
            for (int i = 0; i < sources.size(); i++) {
                Source source = sources.get(i);
                for (Map.Entry<String, List<TaggedDocument>> perHead : tagged.entrySet()) {
                    if (!target.heads().isEmpty() && !target.heads().contains(perHead.getKey())) {
                        continue;
                    }
                    for (Span span : perHead.getValue().get(offset + i).spans()) {
                        if ((labelFilter.isEmpty() || labelFilter.contains(span.label())) && span.score() >= minScore) {
                            spans.add(toMap(span, source));
                            byLabel.computeIfAbsent(span.label(), k -> new LinkedHashSet<>()).add(span.text());
                        }
                    }
                }
            }
            Map<String, Object> flat = new LinkedHashMap<>();
            byLabel.forEach((label, texts) -> flat.put(label, new ArrayList<>(texts)));
            document.setFieldValue(target.field(), spans);
            document.setFieldValue(target.flatField(), flat);
        }
    }

    private boolean anyFieldPresent(IngestDocument document) {
        for (String field : fields) {
            if (document.hasField(field) && document.getFieldValue(field, Object.class, true) != null) {
                return true;
            }
        }
        return false;
    }

    private void collect(IngestDocument document, String field, List<Source> out) {
        Object value = document.hasField(field) ? document.getFieldValue(field, Object.class, true) : null;
        if (value == null) {
            if (ignoreMissing) {
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
        if (text.length() > maxChars) {
            throw new IllegalArgumentException("field [" + field + "] has " + text.length() + " characters, more than max_chars ["
                    + maxChars + "]; raise max_chars or split the text");
        }
        return new Source(field, index, text);
    }

    private static Map<String, Object> toMap(Span span, Source source) {
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

    @Override
    public String getType() {
        return TYPE;
    }

    String modelId() {
        return modelId;
    }

    List<String> fields() {
        return fields;
    }

    List<Target> targets() {
        return targets;
    }

    Set<String> labelFilter() {
        return labelFilter;
    }

    List<String> heads() {
        return heads;
    }

    double minScore() {
        return minScore;
    }

    boolean ignoreMissing() {
        return ignoreMissing;
    }

    int maxChars() {
        return maxChars;
    }

    SpanScope spanScope() {
        return spanScope;
    }

    public static final class Factory implements Processor.Factory {
        private final ModelRepository models;
        private final Supplier<? extends Executor> executor;
        private final InferenceRejections rejections;

        /** Processors that label on the caller's thread (tests and tools; a node uses the pool). */
        public Factory(ModelRepository models) {
            this(models, () -> Runnable::run, new InferenceRejections());
        }

        /** Processors that label on {@code executor}, counting its rejections in {@code rejections}. */
        public Factory(ModelRepository models, Supplier<? extends Executor> executor, InferenceRejections rejections) {
            this.models = models;
            this.executor = executor;
            this.rejections = rejections;
        }

        @Override
        public SpanLabelingProcessor create(Map<String, Processor.Factory> registry, String tag, String description,
                                            Map<String, Object> config) throws Exception {
            String modelId = ConfigurationUtils.readStringProperty(TYPE, tag, config, "model");
            String field = ConfigurationUtils.readOptionalStringProperty(TYPE, tag, config, "field");
            List<String> fieldList = ConfigurationUtils.readOptionalList(TYPE, tag, config, "fields");
            if ((field == null) == (fieldList == null)) {
                throw ConfigurationUtils.newConfigurationException(TYPE, tag, "field", "exactly one of [field] or [fields] is required");
            }
            List<String> fields = field != null ? List.of(field) : fieldList;
            if (fields.isEmpty() || fields.stream().anyMatch(f -> f == null || f.isBlank())) {
                throw ConfigurationUtils.newConfigurationException(TYPE, tag, "fields", "must list one or more field names");
            }
            String targetField = ConfigurationUtils.readOptionalStringProperty(TYPE, tag, config, "target_field");
            Map<String, Object> targetMap = ConfigurationUtils.readOptionalMap(TYPE, tag, config, "targets");
            List<String> labels = ConfigurationUtils.readOptionalList(TYPE, tag, config, "labels");
            List<String> heads = ConfigurationUtils.readOptionalList(TYPE, tag, config, "heads");
            double minScore = readMinScore(tag, config);
            boolean ignoreMissing = ConfigurationUtils.readBooleanProperty(TYPE, tag, config, "ignore_missing", false);
            int maxChars = ConfigurationUtils.readIntProperty(TYPE, tag, config, "max_chars", DEFAULT_MAX_CHARS);
            String scopeValue = ConfigurationUtils.readStringProperty(TYPE, tag, config, "span_scope", SpanScope.SENTENCE.label());
            SpanScope spanScope;
            try {
                spanScope = SpanScope.parse(scopeValue);
            } catch (IllegalArgumentException e) {
                throw ConfigurationUtils.newConfigurationException(TYPE, tag, "span_scope", "must be [sentence] or [field], got [" + scopeValue + "]");
            }
            if (minScore < 0 || minScore > 1) {
                throw ConfigurationUtils.newConfigurationException(TYPE, tag, "min_score", "must be between 0 and 1");
            }
            if (maxChars < 1) {
                throw ConfigurationUtils.newConfigurationException(TYPE, tag, "max_chars", "must be positive");
            }
            if (!models.exists(modelId)) {
                throw ConfigurationUtils.newConfigurationException(TYPE, tag, "model", models.unknownModelMessage(modelId));
            }
            // This runs on the cluster-applier thread of every node: read the files only, and load in the background.
            ModelFiles model;
            try {
                model = models.files(modelId);
            } catch (ModelFilesException e) {
                throw ConfigurationUtils.newConfigurationException(TYPE, tag, "model",
                        "model [" + modelId + "] cannot be used: " + e.getMessage());
            }
            if (!model.labels()) {
                throw ConfigurationUtils.newConfigurationException(TYPE, tag, "model",
                        "model [" + modelId + "] is a translation model (polyspan.layout = translation): it labels no spans");
            }
            List<Target> targets = targets(tag, targetField, heads, targetMap);
            Set<String> knownTypes = model.entityTypes();
            for (Target t : targets) {
                for (String h : t.heads()) {
                    if (!model.heads().containsKey(h)) {
                        throw ConfigurationUtils.newConfigurationException(TYPE, tag, targetMap == null ? "heads" : "targets",
                                "model [" + modelId + "] has no head [" + h + "]; its heads are " + model.heads().keySet());
                    }
                }
            }
            Set<String> filter = labels == null ? Set.of() : new LinkedHashSet<>(labels);
            for (String l : filter) {
                if (!knownTypes.contains(l)) {
                    throw ConfigurationUtils.newConfigurationException(TYPE, tag, "labels",
                            "model [" + modelId + "] has no label [" + l + "]; its labels are " + knownTypes);
                }
            }
            models.loadInBackground(modelId);
            return new SpanLabelingProcessor(tag, description, models, executor, rejections, modelId, fields, targets, filter,
                    minScore, ignoreMissing, maxChars, spanScope);
        }

        /** Either {@code targets} (target field -> heads) or {@code target_field} with optional {@code heads}. */
        private static List<Target> targets(String tag, String targetField, List<String> heads, Map<String, Object> targetMap) {
            if (targetMap == null) {
                return List.of(new Target(targetField == null ? DEFAULT_TARGET : targetField, heads == null ? List.of() : heads));
            }
            if (targetField != null || heads != null) {
                throw ConfigurationUtils.newConfigurationException(TYPE, tag, "targets",
                        "cannot be combined with [target_field] or [heads]; name the heads of each target field inside [targets]");
            }
            if (targetMap.isEmpty()) {
                throw ConfigurationUtils.newConfigurationException(TYPE, tag, "targets", "must map at least one target field to its heads");
            }
            List<Target> out = new ArrayList<>();
            for (Map.Entry<String, Object> e : targetMap.entrySet()) {
                Object value = e.getValue();
                List<String> names = new ArrayList<>();
                if (value instanceof String one) {
                    names.add(one);
                } else if (value instanceof List<?> list && !list.isEmpty() && list.stream().allMatch(x -> x instanceof String)) {
                    list.forEach(x -> names.add((String) x));
                } else {
                    throw ConfigurationUtils.newConfigurationException(TYPE, tag, "targets",
                            "target [" + e.getKey() + "] must name a head or a non-empty list of heads");
                }
                out.add(new Target(e.getKey(), names));
            }
            return out;
        }

        private static double readMinScore(String tag, Map<String, Object> config) {
            Object value = config.remove("min_score");
            if (value == null) {
                return 0.0;
            }
            if (value instanceof Number n) {
                return n.doubleValue();
            }
            try {
                return Double.parseDouble(value.toString());
            } catch (NumberFormatException e) {
                throw ConfigurationUtils.newConfigurationException(TYPE, tag, "min_score", "must be a number, got [" + value + "]");
            }
        }
    }
}
