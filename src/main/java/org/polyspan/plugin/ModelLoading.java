package org.polyspan.plugin;

import org.polyspan.core.Document;
import org.polyspan.core.TaggedDocument;
import org.polyspan.model.LabelingModel;
import org.polyspan.model.ModelRepository;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The boundary between OpenSearch threads and native inference code. Native libraries look up resources through the
 * context class loader, so it is set to the plugin's own; and any {@link Throwable} but the JVM's own fatal errors (see
 * {@link #isFatal}) becomes an exception, so a bad model fails one document instead of the node.
 */
final class ModelLoading {
    private ModelLoading() {}

    static LabelingModel get(ModelRepository models, String id) throws Exception {
        return call(() -> models.get(id));
    }

    static LabelingModel reload(ModelRepository models, String id) throws Exception {
        return call(() -> models.reload(id));
    }

    static Map<String, List<TaggedDocument>> label(LabelingModel model, List<Document> docs, List<String> heads) throws Exception {
        return call(() -> model.label(docs, heads));
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
