package org.polyspan.ingest;

/** The fields of one document being ingested, through the engine's own document type (dotted paths allowed). */
public interface FieldAccess {
    /** The value of {@code field}, or null when the field is missing or null. */
    Object get(String field);

    void set(String field, Object value);
}
