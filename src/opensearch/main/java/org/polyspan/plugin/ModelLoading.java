package org.polyspan.plugin;

import org.opensearch.OpenSearchStatusException;
import org.opensearch.core.rest.RestStatus;
import org.polyspan.runtime.Inference;

import java.util.concurrent.Callable;

/**
 * Model errors in OpenSearch's terms: a model that is still loading, or that would not fit under
 * {@code polyspan.models.max_bytes}, is answered 429 (retryable), as OpenSearch answers a tripped circuit breaker.
 * The thread and {@code Throwable} policy itself is the core's {@link Inference}.
 */
final class ModelLoading {
    private ModelLoading() {}

    /** {@code e}, or a 429 in its place when it says that a model cannot be used yet. */
    static Exception withStatus(Exception e) {
        return Inference.isRetryable(e) ? new OpenSearchStatusException(e.getMessage(), RestStatus.TOO_MANY_REQUESTS, e) : e;
    }

    /** {@code action}, with a model that cannot be used yet answered 429. */
    static <T> T retryable(Callable<T> action) throws Exception {
        try {
            return action.call();
        } catch (Exception e) {
            throw withStatus(e);
        }
    }
}
