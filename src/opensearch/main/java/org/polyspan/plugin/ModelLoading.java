package org.polyspan.plugin;

import org.opensearch.OpenSearchStatusException;
import org.opensearch.core.rest.RestStatus;
import org.polyspan.core.Document;
import org.polyspan.core.SpanScope;
import org.polyspan.core.TaggedDocument;
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
 * The boundary between OpenSearch threads and native inference code. Native libraries look up resources through the
 * context class loader, so it is set to the plugin's own; and any {@link Throwable} but the JVM's own fatal errors (see
 * {@link #isFatal}) becomes an exception, so a bad model fails one document instead of the node. A model that is still loading,
 * or that would not fit under {@code polyspan.models.max_bytes}, is answered 429 (retryable), as OpenSearch answers a
 * tripped circuit breaker.
 */
final class ModelLoading {
    private ModelLoading() {}

    static ModelLease<LabelingModel> lease(ModelRepository models, String id) throws Exception {
        return call(() -> retryable(() -> models.lease(id)));
    }

    static ModelLease<TranslationModel> leaseTranslation(ModelRepository models, String id) throws Exception {
        return call(() -> retryable(() -> models.leaseTranslation(id)));
    }

    static Map<String, List<TaggedDocument>> label(LabelingModel model, List<Document> docs, List<String> heads, SpanScope scope)
            throws Exception {
        return call(() -> model.label(docs, heads, scope));
    }

    /** {@code command} with the plugin's class loader as context class loader: how model loads run on the load pool. */
    static Runnable withPluginClassLoader(Runnable command) {
        return () -> {
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(ModelLoading.class.getClassLoader());
            try {
                command.run();
            } finally {
                thread.setContextClassLoader(previous);
            }
        };
    }

    /** The HTTP status for a model that cannot be used now: 429 when retrying later can succeed, else null. */
    static RestStatus retryableStatus(Throwable e) {
        return e instanceof ModelNotReadyException || e instanceof ModelMemoryLimitException ? RestStatus.TOO_MANY_REQUESTS : null;
    }

    private static <T> T retryable(Callable<T> action) throws Exception {
        try {
            return action.call();
        } catch (ModelNotReadyException | ModelMemoryLimitException e) {
            throw new OpenSearchStatusException(e.getMessage(), RestStatus.TOO_MANY_REQUESTS, e);
        }
    }

    static <T> T call(Callable<T> action) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(ModelLoading.class.getClassLoader());
        try {
            return action.call();
        } catch (Exception e) {
            throw e;
        } catch (Throwable t) {
            throw asException("inference failed", t);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /**
     * Whether {@code t} belongs to the JVM rather than to the plugin: every {@link VirtualMachineError}
     * ({@link OutOfMemoryError}, {@link InternalError}, {@link UnknownError}) except {@link StackOverflowError}. After
     * one of these the process's state is unknown, so the plugin lets it propagate and OpenSearch stops the node, as it
     * does for such errors in its own code. Everything else (exceptions, {@link LinkageError}s such as a native library
     * that cannot load, {@link StackOverflowError} from deep recursion in a model or the decoder, {@link AssertionError})
     * is the plugin's: it fails the document or request at hand and the node carries on.
     */
    static boolean isFatal(Throwable t) {
        return t instanceof VirtualMachineError && !(t instanceof StackOverflowError);
    }

    /** {@code t} as an exception that fails one document or request; a fatal error ({@link #isFatal}) is rethrown. */
    static Exception asException(String what, Throwable t) {
        if (t instanceof Exception e) {
            return e;
        }
        if (isFatal(t)) {
            throw (Error) t;
        }
        return new IllegalStateException(what + ": " + t, t);
    }
}
