package org.polyspan.plugin;

import org.polyspan.core.Document;
import org.polyspan.core.SpanScope;
import org.polyspan.core.TaggedDocument;
import org.polyspan.model.LabelingModel;
import org.polyspan.model.ModelRepository;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The boundary between OpenSearch threads and native inference code. Native libraries look up resources through the
 * context class loader, so it is set to the plugin's own; and any {@link Throwable} (an {@code Error} from native code
 * included) becomes an exception, so a bad model fails one document instead of the node.
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
        return label(model, docs, heads, SpanScope.SENTENCE);
    }

    static Map<String, List<TaggedDocument>> label(LabelingModel model, List<Document> docs, List<String> heads, SpanScope scope)
            throws Exception {
        return call(() -> model.label(docs, heads, scope));
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
            throw new IllegalStateException("inference failed: " + t, t);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
