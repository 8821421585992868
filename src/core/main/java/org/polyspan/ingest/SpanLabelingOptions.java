package org.polyspan.ingest;

import org.polyspan.labeling.SpanScope;
import org.polyspan.model.ModelFiles;
import org.polyspan.model.ModelFilesException;
import org.polyspan.model.ModelRepository;
import org.polyspan.runtime.MappingTemplate;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The options of a {@code span_labeling} processor, read from its configuration map (each option read is removed from
 * it, so the engine can reject unknown ones) and checked against the model's files, so that errors show when the
 * pipeline is created; the model itself then loads in the background. Every problem is a {@link ConfigException}
 * naming the option, which each engine's factory turns into its own configuration error.
 */
public record SpanLabelingOptions(String modelId, List<String> fields, List<Target> targets, Set<String> labelFilter,
                                  double minScore, boolean ignoreMissing, int maxChars, SpanScope spanScope) {
    public static final String TYPE = "span_labeling";
    // the processor's option names, as pipelines spell them
    public static final String MODEL = "model";
    public static final String FIELD = "field";
    public static final String FIELDS = "fields";
    public static final String TARGET_FIELD = "target_field";
    public static final String TARGETS = "targets";
    public static final String HEADS = "heads";
    public static final String LABELS = "labels";
    public static final String MIN_SCORE = "min_score";
    public static final String IGNORE_MISSING = "ignore_missing";
    public static final String MAX_CHARS = "max_chars";
    public static final String SPAN_SCOPE = "span_scope";
    public static final String DEFAULT_TARGET = "spans";
    public static final int DEFAULT_MAX_CHARS = 1_000_000;

    /**
     * Where spans go: {@code field} receives the span objects of {@code heads} (all of the model's heads when empty),
     * and {@code field + "_by_label"} their flat copy.
     */
    public record Target(String field, List<String> heads) {
        public String flatField() {
            return field + "_by_label";
        }
    }

    /** The heads every target needs, run in one encoder pass; empty means all heads of the model. */
    public List<String> heads() {
        Set<String> union = new LinkedHashSet<>();
        for (Target t : targets) {
            if (t.heads().isEmpty()) {
                return List.of();
            }
            union.addAll(t.heads());
        }
        return List.copyOf(union);
    }

    /**
     * Reads and checks the options of {@code config}. Pipeline creation runs this on the cluster-applier thread of every
     * node, so it reads the model's files only and starts the load in the background.
     */
    public static SpanLabelingOptions parse(Map<String, Object> config, ModelRepository models) {
        String modelId = string(config, MODEL);
        if (modelId == null) {
            throw new ConfigException(MODEL, "required property is missing");
        }
        String field = string(config, FIELD);
        List<String> fieldList = stringList(config, FIELDS);
        if ((field == null) == (fieldList == null)) {
            throw new ConfigException(FIELD, "exactly one of [field] or [fields] is required");
        }
        List<String> fields = field != null ? List.of(field) : fieldList;
        if (fields.isEmpty() || fields.stream().anyMatch(f -> f == null || f.isBlank())) {
            throw new ConfigException(field != null ? FIELD : FIELDS, "must list one or more field names");
        }
        String targetField = string(config, TARGET_FIELD);
        Map<String, Object> targetMap = map(config, TARGETS);
        List<String> labels = stringList(config, LABELS);
        List<String> heads = stringList(config, HEADS);
        double minScore = minScore(config);
        boolean ignoreMissing = bool(config, IGNORE_MISSING, false);
        int maxChars = integer(config, MAX_CHARS, DEFAULT_MAX_CHARS);
        SpanScope spanScope = spanScope(config);
        if (!(minScore >= 0 && minScore <= 1)) { // NaN too: it would drop every span
            throw new ConfigException(MIN_SCORE, "must be between 0 and 1");
        }
        if (maxChars < 1) {
            throw new ConfigException(MAX_CHARS, "must be positive");
        }
        if (!models.exists(modelId)) {
            throw new ConfigException(MODEL, models.unknownModelMessage(modelId));
        }
        ModelFiles model;
        try {
            model = models.files(modelId);
        } catch (ModelFilesException e) {
            throw new ConfigException(MODEL, "model [" + modelId + "] cannot be used: " + e.getMessage());
        }
        if (!model.labels()) {
            throw new ConfigException(MODEL, "model [" + modelId + "] is a translation model (polyspan.layout = translation): "
                    + "it labels no spans");
        }
        List<Target> targets = targets(targetField, heads, targetMap);
        for (Target t : targets) {
            for (String h : t.heads()) {
                if (!model.heads().containsKey(h)) {
                    throw new ConfigException(targetMap == null ? HEADS : TARGETS,
                            "model [" + modelId + "] has no head [" + h + "]; its heads are " + model.heads().keySet());
                }
            }
        }
        checkNoClash(fields, targets, targetMap == null ? TARGET_FIELD : TARGETS);
        Set<String> knownTypes = new HashSet<>();
        knownTypes.addAll(model.entityTypes());
        Set<String> filter = labels == null ? Set.of() : new LinkedHashSet<>(labels);
        for (String l : filter) {
            if (!knownTypes.contains(l)) {
                throw new ConfigException(LABELS, "model [" + modelId + "] has no label [" + l + "]; its labels are " + knownTypes);
            }
        }
        models.loadInBackground(modelId);
        return new SpanLabelingOptions(modelId, fields, targets, filter, minScore, ignoreMissing, maxChars, spanScope);
    }

    /**
     * Refuses target fields that would overwrite each other, each other's {@code _by_label} copy, or a source field,
     * also through a dotted path (writing {@code a.b} into {@code a}), as Elasticsearch's inference processor refuses
     * such pipelines when they are created rather than letting documents overwrite their own text.
     */
    private static void checkNoClash(List<String> sources, List<Target> targets, String property) {
        List<String> written = new ArrayList<>();
        for (Target t : targets) {
            checkTargetPath(t.field(), property);
            written.add(t.field());
            written.add(t.flatField());
        }
        for (int i = 0; i < written.size(); i++) {
            for (int j = i + 1; j < written.size(); j++) {
                if (overlaps(written.get(i), written.get(j))) {
                    throw new ConfigException(property, "target field [" + written.get(i) + "] clashes with target field ["
                            + written.get(j) + "] (each target writes its field and its _by_label copy)");
                }
            }
            for (String source : sources) {
                if (overlaps(written.get(i), source)) {
                    throw new ConfigException(property, "target field [" + written.get(i) + "] clashes with source field ["
                            + source + "]: the spans would overwrite the text they were read from");
                }
            }
        }
    }

    /** Refuses a target path that is not a field path or that names the metadata ({@link MappingTemplate#invalidTarget}). */
    private static void checkTargetPath(String path, String property) {
        String invalid = MappingTemplate.invalidTarget(path);
        if (invalid != null) {
            throw new ConfigException(property, invalid);
        }
    }

    /** Whether writing one field changes the other: the same path, or one inside the other. */
    private static boolean overlaps(String a, String b) {
        return a.equals(b) || a.startsWith(b + ".") || b.startsWith(a + ".");
    }

    /** Either {@code targets} (target field -> heads) or {@code target_field} with optional {@code heads}. */
    private static List<Target> targets(String targetField, List<String> heads, Map<String, Object> targetMap) {
        if (targetMap == null) {
            return List.of(new Target(targetField == null ? DEFAULT_TARGET : targetField, heads == null ? List.of() : heads));
        }
        if (targetField != null || heads != null) {
            throw new ConfigException(TARGETS,
                    "cannot be combined with [target_field] or [heads]; name the heads of each target field inside [targets]");
        }
        if (targetMap.isEmpty()) {
            throw new ConfigException(TARGETS, "must map at least one target field to its heads");
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
                throw new ConfigException(TARGETS, "target [" + e.getKey() + "] must name a head or a non-empty list of heads");
            }
            out.add(new Target(e.getKey(), names));
        }
        return out;
    }

    // The readers below follow the engines' own ConfigurationUtils: same checks, same messages.

    private static String string(Map<String, Object> config, String name) {
        Object value = config.remove(name);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw new ConfigException(name, "property isn't a string, but of type [" + value.getClass().getName() + "]");
    }

    private static List<String> stringList(Map<String, Object> config, String name) {
        Object value = config.remove(name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof List<?> list)) {
            throw new ConfigException(name, "property isn't a list, but of type [" + value.getClass().getName() + "]");
        }
        List<String> out = new ArrayList<>(list.size());
        for (Object o : list) {
            if (o != null && !(o instanceof String)) {
                throw new ConfigException(name, "must list strings, got [" + o + "] of type [" + o.getClass().getName() + "]");
            }
            out.add((String) o);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> config, String name) {
        Object value = config.remove(name);
        if (value == null) {
            return null;
        }
        if (value instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new ConfigException(name, "property isn't a map, but of type [" + value.getClass().getName() + "]");
    }

    private static boolean bool(Map<String, Object> config, String name, boolean defaultValue) {
        Object value = config.remove(name);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        throw new ConfigException(name, "property isn't a boolean, but of type [" + value.getClass().getName() + "]");
    }

    private static int integer(Map<String, Object> config, String name, int defaultValue) {
        Object value = config.remove(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.toString());
        } catch (NumberFormatException e) {
            throw new ConfigException(name, "property cannot be converted to an int [" + value + "]");
        }
    }

    private static SpanScope spanScope(Map<String, Object> config) {
        String value = string(config, SPAN_SCOPE);
        if (value == null) {
            return SpanScope.SENTENCE;
        }
        try {
            return SpanScope.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(SPAN_SCOPE, "must be [sentence] or [field], got [" + value + "]");
        }
    }

    private static double minScore(Map<String, Object> config) {
        Object value = config.remove(MIN_SCORE);
        if (value == null) {
            return 0.0;
        }
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(value.toString());
        } catch (NumberFormatException e) {
            throw new ConfigException(MIN_SCORE, "must be a number, got [" + value + "]");
        }
    }
}
