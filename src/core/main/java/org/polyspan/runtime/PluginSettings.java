package org.polyspan.runtime;

import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * The plugin's node settings, the same on every engine: key, default value as the string a node's configuration would
 * hold, what the setting does, and a check of a raw value. Each engine shell builds its own {@code Setting} objects
 * from these entries (typed with its own parsers for integers, byte sizes and durations) and registers them.
 */
public final class PluginSettings {
    /**
     * One setting. {@code validator} takes a raw value and returns the value to use (possibly normalised), or throws an
     * {@link IllegalArgumentException} whose message the node shows.
     */
    public record Entry(String key, String defaultValue, String description, UnaryOperator<String> validator) {
        Entry(String key, String defaultValue, String description) {
            this(key, defaultValue, description, UnaryOperator.identity());
        }
    }

    /** The models directory, relative to the node's config directory; empty: {@code config/polyspan/models}. */
    public static final Entry MODELS_PATH = new Entry("polyspan.models_path", "",
            "the models directory, resolved against the node's config directory (default config/polyspan/models)");

    /** Where models run: {@code cpu} or {@code cuda}, in any case. */
    public static final Entry DEVICE = new Entry("polyspan.device", "cpu",
            "where models run: cpu or cuda", PluginSettings::device);

    /** The former, deprecated name of {@link #INTRA_OP_THREADS}, which falls back to it. */
    public static final Entry INFERENCE_THREADS = new Entry("polyspan.inference_threads", "0",
            "deprecated: the former name of polyspan.inference.intra_op_threads (at least 0)");

    /** Threads of ONNX Runtime's global intra-op pool; 0: allocated processors / inference pool threads. */
    public static final Entry INTRA_OP_THREADS = new Entry("polyspan.inference.intra_op_threads", INFERENCE_THREADS.defaultValue(),
            "threads of ONNX Runtime's global intra-op pool (at least 0); 0: allocated processors / inference pool threads; "
                    + "falls back to polyspan.inference_threads");

    /** Limit on the bytes of a node's loaded models ({@link ModelMemoryLimit}); the engine's parser reads byte sizes. */
    public static final Entry MODELS_MAX_BYTES = new Entry(ModelMemoryLimit.KEY, ModelMemoryLimit.DEFAULT,
            "limit on the bytes of the node's loaded models: a byte size, a percentage of physical memory, or -1 for none");

    /** How long a call waits for a model that is loading before it fails with a retryable 429. */
    public static final Entry MODELS_LOAD_WAIT = new Entry("polyspan.models.load_wait", "30s",
            "how long a call waits for a loading model before it fails with a retryable 429 (at least 0)");

    /** Apertium's HTTP service (APY) used by {@code _project} with {@code translate}, e.g. http://127.0.0.1:2737. */
    public static final Entry APERTIUM_URL = new Entry("polyspan.translate.apertium_url", "",
            "Apertium's HTTP service (APY) used by _project with translate, e.g. http://127.0.0.1:2737");

    /** Every setting of the table. */
    public static final List<Entry> ALL = List.of(MODELS_PATH, DEVICE, INFERENCE_THREADS, INTRA_OP_THREADS, MODELS_MAX_BYTES,
            MODELS_LOAD_WAIT, APERTIUM_URL);

    private PluginSettings() {}

    /** {@code polyspan.device} in lower case; anything but {@code cpu} or {@code cuda} is refused. */
    public static String device(String value) {
        String d = value.toLowerCase(Locale.ROOT);
        if (!d.equals("cpu") && !d.equals("cuda")) {
            throw new IllegalArgumentException(DEVICE.key() + " must be [cpu] or [cuda], got [" + value + "]");
        }
        return d;
    }
}
