package org.polyspan.runtime;

import org.polyspan.model.InferenceBudget;

/**
 * The plugin's three bounded thread pools, the same on every engine: their names, the prefixes of their
 * {@code .size} and {@code .queue_size} node settings, and their defaults. Each engine shell registers them with its
 * own executor builders.
 * <ul>
 *   <li>{@value #INFERENCE}: every model call (ingest, {@code _project}, the batches of {@code _project/index});</li>
 *   <li>{@value #PROJECT}: drives {@code _project/index} jobs, which wait there for their searches and bulk writes;</li>
 *   <li>{@value #MODEL_LOAD}: model loads, one at a time, so two large models never load at once.</li>
 * </ul>
 */
public final class PluginPools {
    public static final String INFERENCE = "polyspan_inference";
    public static final String INFERENCE_PREFIX = "polyspan.inference.pool";
    public static final String INFERENCE_SIZE_KEY = INFERENCE_PREFIX + ".size";
    public static final String INFERENCE_QUEUE_SIZE_KEY = INFERENCE_PREFIX + ".queue_size";
    /** Tasks: one bulk request's documents, one document, or one {@code _project} request. */
    public static final int INFERENCE_QUEUE = 1000;

    public static final String PROJECT = "polyspan_project";
    public static final String PROJECT_PREFIX = "polyspan.project.pool";
    public static final int PROJECT_THREADS = 2;
    public static final int PROJECT_QUEUE = 100;

    public static final String MODEL_LOAD = "polyspan_model_load";
    public static final String MODEL_LOAD_PREFIX = "thread_pool." + MODEL_LOAD;
    public static final int MODEL_LOAD_THREADS = 1;
    public static final int MODEL_LOAD_QUEUE = 64;

    /** The prefix shared by the three pools' names, to pick them out of an engine's pool statistics. */
    public static final String NAME_PREFIX = "polyspan_";

    private PluginPools() {}

    /** The default size of {@value #INFERENCE} for {@code processors} allocated processors. */
    public static int inferenceThreads(int processors) {
        return InferenceBudget.defaultPoolThreads(processors);
    }

    /** The message of a task the inference pool turned away, the same on every engine. */
    public static String inferenceRejected(int documents, String cause) {
        return "rejected span_labeling inference of " + documents + " document(s): " + inferenceQueueFull() + ". " + cause;
    }

    /** Why the inference pool turned work away, the same on every engine. */
    public static String inferenceQueueFull() {
        return "the [" + INFERENCE + "] queue is full (" + INFERENCE_QUEUE_SIZE_KEY + "); retry later";
    }
}
