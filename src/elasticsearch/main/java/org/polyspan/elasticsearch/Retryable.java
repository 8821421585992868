package org.polyspan.elasticsearch;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.rest.RestStatus;
import org.polyspan.runtime.Inference;

/**
 * A model that cannot be used now but may be later (still loading, or not fitting under
 * {@code polyspan.models.max_bytes}) is answered 429, retryable, as Elasticsearch answers a tripped circuit breaker
 * or a full queue.
 */
final class Retryable {
    private Retryable() {}

    /** {@code e} with the status Elasticsearch should answer: a 429 status exception for a retryable model error. */
    static Exception withStatus(Exception e) {
        return Inference.isRetryable(e) ? new ElasticsearchStatusException(e.getMessage(), RestStatus.TOO_MANY_REQUESTS, e) : e;
    }
}
