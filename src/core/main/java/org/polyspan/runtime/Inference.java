package org.polyspan.runtime;

import org.polyspan.labeling.Document;
import org.polyspan.labeling.SpanScope;
import org.polyspan.labeling.TaggedDocument;
import org.polyspan.model.LabelingModel;
import org.polyspan.model.ModelLease;
import org.polyspan.model.ModelMemoryLimitException;
import org.polyspan.model.ModelNotReadyException;
import org.polyspan.model.ModelRepository;
import org.polyspan.translation.TranslationModel;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The boundary between an engine's threads and native inference code, for every engine shell. Native libraries look
 * up resources through the context class loader, so it is set to the plugin's own (the loader of this class); and any
 * {@link Throwable} but the JVM's own fatal errors (see {@link #isFatal}) becomes an exception, so a bad model fails
 * one document or request instead of the node.
 */
public final class Inference {
    private Inference() {}

    /** A lease on labelling model {@code id}, loading it if needed; release it when the call is done. */
    public static ModelLease<LabelingModel> lease(ModelRepository models, String id) throws Exception {
        return call(() -> models.lease(id));
    }

    /** A lease on translation model {@code id}, loading it if needed; release it when the call is done. */
    public static ModelLease<TranslationModel> leaseTranslation(ModelRepository models, String id) throws Exception {
        return call(() -> models.leaseTranslation(id));
    }

    public static Map<String, List<TaggedDocument>> label(LabelingModel model, List<Document> docs, List<String> heads,
                                                          SpanScope scope) throws Exception {
        return call(() -> model.label(docs, heads, scope));
    }

    public static <T> T call(Callable<T> action) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        ClassLoader own = Inference.class.getClassLoader();
        boolean swap = previous != own;
        if (swap) {
            thread.setContextClassLoader(own);
        }
        try {
            return action.call();
        } catch (Exception e) {
            throw e;
        } catch (Throwable t) {
            throw asException("inference failed", t);
        } finally {
            if (swap) {
                thread.setContextClassLoader(previous);
            }
        }
    }

    /** {@code command} with the plugin's class loader as context class loader: how model loads run on a load pool. */
    public static Runnable withPluginClassLoader(Runnable command) {
        return () -> {
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(Inference.class.getClassLoader());
            try {
                command.run();
            } finally {
                thread.setContextClassLoader(previous);
            }
        };
    }

    /**
     * Whether a model cannot be used now but can be later: it is still loading, or it would not fit under
     * {@code polyspan.models.max_bytes}. Engines answer these 429, as they answer a tripped circuit breaker.
     */
    public static boolean isRetryable(Throwable t) {
        return t instanceof ModelNotReadyException || t instanceof ModelMemoryLimitException;
    }

    /**
     * Whether {@code t} belongs to the JVM rather than to the plugin: every {@link VirtualMachineError}
     * ({@link OutOfMemoryError}, {@link InternalError}, {@link UnknownError}) except {@link StackOverflowError}. After
     * one of these the process's state is unknown, so the plugin lets it propagate and the engine stops the node, as it
     * does for such errors in its own code. Everything else (exceptions, {@link LinkageError}s such as a native library
     * that cannot load, {@link StackOverflowError} from deep recursion in a model or the decoder, {@link AssertionError})
     * is the plugin's: it fails the document or request at hand and the node carries on.
     */
    public static boolean isFatal(Throwable t) {
        return t instanceof VirtualMachineError && !(t instanceof StackOverflowError);
    }

    /** {@code t} as an exception that fails one document or request; a fatal error ({@link #isFatal}) is rethrown. */
    public static Exception asException(String what, Throwable t) {
        if (t instanceof Exception e) {
            return e;
        }
        if (isFatal(t)) {
            throw (Error) t;
        }
        return new IllegalStateException(what + ": " + t, t);
    }
}
