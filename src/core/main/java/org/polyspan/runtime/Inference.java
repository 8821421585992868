package org.polyspan.runtime;

import org.polyspan.core.Document;
import org.polyspan.core.TaggedDocument;
import org.polyspan.model.LabelingModel;
import org.polyspan.model.ModelLease;
import org.polyspan.model.ModelRepository;
import org.polyspan.translation.TranslationModel;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The boundary between an engine's threads and native inference code, for every engine shell. Native libraries look
 * up resources through the context class loader, so it is set to the plugin's own (the loader of this class); and any
 * {@link Throwable} (an {@code Error} from native code included) becomes an exception, so a bad model fails one
 * document or request instead of the node.
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

    public static Map<String, List<TaggedDocument>> label(LabelingModel model, List<Document> docs, List<String> heads)
            throws Exception {
        return call(() -> model.label(docs, heads));
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
            throw new IllegalStateException("inference failed: " + t, t);
        } finally {
            if (swap) {
                thread.setContextClassLoader(previous);
            }
        }
    }
}
