package org.polyspan.ingest;

import java.util.function.BiConsumer;
import java.util.function.Function;

/** The fields of one document being ingested, through the engine's own document type (dotted paths allowed). */
public interface FieldAccess {
    /** The value of {@code field}, or null when the field is missing or null. */
    Object get(String field);

    void set(String field, Object value);

    /** A document's fields through the engine document's own getter and setter. */
    static FieldAccess of(Function<String, Object> get, BiConsumer<String, Object> set) {
        return new FieldAccess() {
            @Override
            public Object get(String field) {
                return get.apply(field);
            }

            @Override
            public void set(String field, Object value) {
                set.accept(field, value);
            }
        };
    }
}
