package org.polyspan.model;

/**
 * A model loaded but computed wrong answers for its own reference sentences on this node, so it is not served here.
 * Not retryable: the same files give the same answers until they are fixed and the model is reloaded.
 */
public final class ModelCheckFailedException extends Exception {
    private final transient SelfCheckResult result;

    public ModelCheckFailedException(String modelId, String node, SelfCheckResult result) {
        super("model [" + modelId + "] failed its self-check on node [" + node + "] and is not served there: " + result.reason()
                + ". Fix or rebuild the model's files (or use its fp32 version), then reload it");
        this.result = result;
    }

    /** The same failure thrown again, with the stack of the caller that met it. */
    ModelCheckFailedException(ModelCheckFailedException recorded) {
        super(recorded.getMessage());
        this.result = recorded.result;
    }

    public SelfCheckResult result() {
        return result;
    }
}
