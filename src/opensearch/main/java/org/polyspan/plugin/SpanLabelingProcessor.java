package org.polyspan.plugin;

import org.opensearch.ingest.AbstractProcessor;
import org.opensearch.ingest.ConfigurationUtils;
import org.opensearch.ingest.IngestDocument;
import org.opensearch.ingest.IngestDocumentWrapper;
import org.opensearch.ingest.Processor;
import org.polyspan.core.Document;
import org.polyspan.core.Span;
import org.polyspan.core.SpanScope;
import org.polyspan.core.TaggedDocument;
import org.polyspan.model.LabelingModel;
import org.polyspan.model.ModelFiles;
import org.polyspan.model.ModelFilesException;
import org.polyspan.model.ModelLease;
import org.polyspan.model.ModelRepository;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Labels entity or argument spans in one or more text fields and stores them twice: as an array of span objects
 * (map it as {@code nested}) and as a flat {@code label -> [texts]} object that Dashboards can aggregate.
 */
public final class SpanLabelingProcessor extends AbstractProcessor {
    public static final String TYPE = "span_labeling";
    static final String DEFAULT_TARGET = "spans";
    static final int DEFAULT_MAX_CHARS = 1_000_000;

    private final ModelRepository models;
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

    SpanLabelingProcessor(String tag, String description, ModelRepository models, String modelId, List<String> fields,
                          List<Target> targets, Set<String> labelFilter, double minScore, boolean ignoreMissing, int maxChars) {
        this(tag, description, models, modelId, fields, targets, labelFilter, minScore, ignoreMissing, maxChars, SpanScope.SENTENCE);
    }

    SpanLabelingProcessor(String tag, String description, ModelRepository models, String modelId, List<String> fields,
                          List<Target> targets, Set<String> labelFilter, double minScore, boolean ignoreMissing, int maxChars,
                          SpanScope spanScope) {
        super(tag, description);
        this.models = models;
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

    @Override
    public IngestDocument execute(IngestDocument document) throws Exception {
        List<Source> sources = sources(document);
        if (sources == null) {
            return document;
        }
        Map<String, List<TaggedDocument>> tagged = label(sources);
        write(document, sources, tagged, 0);
        return document;
    }

    /**
     * Labels the texts of all documents of a bulk request in one go, so windows from many short documents share
     * encoder batches. A document whose fields are invalid fails alone; a failure of the model fails them all.
     */
    @Override
    public void batchExecute(List<IngestDocumentWrapper> wrappers, Consumer<List<IngestDocumentWrapper>> handler) {
        List<IngestDocumentWrapper> pending = new ArrayList<>();
        List<List<Source>> perDoc = new ArrayList<>();
        List<Source> all = new ArrayList<>();
        for (IngestDocumentWrapper w : wrappers) {
            if (w.getException() != null || w.getIngestDocument() == null) {
                continue;
            }
            try {
                List<Source> sources = sources(w.getIngestDocument());
                if (sources != null) {
                    pending.add(w);
                    perDoc.add(sources);
                    all.addAll(sources);
                }
            } catch (Exception e) {
                w.update(w.getIngestDocument(), e);
            }
        }
        if (!pending.isEmpty()) {
            try {
                Map<String, List<TaggedDocument>> tagged = label(all);
                int offset = 0;
                for (int i = 0; i < pending.size(); i++) {
                    write(pending.get(i).getIngestDocument(), perDoc.get(i), tagged, offset);
                    offset += perDoc.get(i).size();
                }
            } catch (Exception e) {
                pending.forEach(w -> w.update(w.getIngestDocument(), e));
            }
        }
        handler.accept(wrappers);
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

    private Map<String, List<TaggedDocument>> label(List<Source> sources) throws Exception {
        if (sources.isEmpty()) {
            return Map.of();
        }
        List<Document> docs = new ArrayList<>(sources.size());
        for (Source s : sources) {
            docs.add(Document.of(s.text()));
        }
        // the lease keeps this copy open until labelling is done, even if _reload or _unload takes it out of service
        try (ModelLease<LabelingModel> lease = ModelLoading.lease(models, modelId)) {
            return ModelLoading.label(lease.model(), docs, heads, spanScope);
        }
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

        public Factory(ModelRepository models) {
            this.models = models;
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
            return new SpanLabelingProcessor(tag, description, models, modelId, fields, targets, filter, minScore,
                    ignoreMissing, maxChars, spanScope);
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
