package org.polyspan.model;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the work the inference pool turned away because its queue was full: tasks (one per bulk batch, single
 * document or {@code _project} request) and the documents they carried. One per node; read by the stats endpoint.
 */
public final class InferenceRejections {
    private final LongAdder tasks = new LongAdder();
    private final LongAdder documents = new LongAdder();

    /** Records one rejected task carrying {@code documents} documents (0 for a {@code _project} request). */
    public void rejected(int documents) {
        tasks.increment();
        this.documents.add(documents);
    }

    public long tasks() {
        return tasks.sum();
    }

    public long documents() {
        return documents.sum();
    }
}
