package org.polyspan.ingest;

import org.polyspan.model.InferenceRejections;

import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Where {@code span_labeling} processors label, as every engine's processors see it: the node's inference pool, looked
 * up when a document arrives (the pool exists once the node has started), and the count of documents it turned away.
 */
public record InferencePool(Supplier<? extends Executor> executor, InferenceRejections rejections) {
    public Executor get() {
        return executor.get();
    }
}
