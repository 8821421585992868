package org.polyspan.ingest;

import java.util.Map;

/**
 * Reads a field of an ingest document's source and metadata by its dotted path ({@code meta.entities} is the field
 * {@code entities} of the object {@code meta}), as both engines' {@code getFieldValue} and {@code hasField} do, so that
 * the shared scenarios need no engine type to read what a processor wrote.
 */
final class SourcePaths {
    private static final Object ABSENT = new Object();

    private SourcePaths() {}

    /** The value at {@code path}, which must be there (it may be null); a value of another type is a ClassCastException. */
    static <T> T get(Map<String, Object> source, String path, Class<T> type) {
        Object value = find(source, path);
        if (value == ABSENT) {
            throw new IllegalArgumentException("path [" + path + "] is not present in " + source);
        }
        return type.cast(value);
    }

    static boolean has(Map<String, Object> source, String path) {
        return find(source, path) != ABSENT;
    }

    private static Object find(Map<String, Object> source, String path) {
        Object at = source;
        for (String key : path.split("\\.")) {
            if (!(at instanceof Map<?, ?> object) || !object.containsKey(key)) {
                return ABSENT;
            }
            at = object.get(key);
        }
        return at;
    }
}
