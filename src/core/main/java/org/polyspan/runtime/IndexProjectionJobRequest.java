package org.polyspan.runtime;

import org.polyspan.projection.IndexProjectionSpec;
import org.polyspan.projection.ProjectionRequest;

import java.util.Map;

/**
 * A {@code _project/index} job as asked, on any engine: the request body (kept as sent, so that it travels and
 * reparses the same) and its parse, whether the task stores its result, how many slices were asked for, and, for one
 * slice of a sliced job (a child task), which slice it is. Each engine's transport request carries one and writes its
 * body, {@code storeResult}, {@code slices} and {@code sliceId} in that order.
 *
 * @param slices {@link IndexProjectionSlices#AUTO}, 1 (not sliced), or more
 * @param sliceId this request's slice, or -1 when it is the whole job (sliced or not)
 */
public record IndexProjectionJobRequest(Map<String, Object> body, IndexProjectionSpec spec, boolean storeResult, int slices,
                                        int sliceId) {

    /**
     * A job as its transport request carries it; the body is parsed again.
     *
     * @throws ProjectionRequest.PairException when the body is invalid
     */
    public static IndexProjectionJobRequest read(Map<String, Object> body, boolean storeResult, int slices, int sliceId) {
        return new IndexProjectionJobRequest(body, IndexProjectionSpec.parse(body), storeResult, slices, sliceId);
    }

    /** Slice {@code id} of {@code max}, run as a child task; its result is its parent's to keep. */
    public IndexProjectionJobRequest slice(int id, int max) {
        return new IndexProjectionJobRequest(body, spec, false, max, id);
    }

    /** Whether this request runs the job's documents itself, rather than handing out slices. */
    public boolean runsDocuments() {
        return sliceId >= 0 || slices == 1;
    }

    /** The task's description, as {@code _tasks} shows it. */
    public String description() {
        return spec.describe() + (sliceId >= 0 ? " slice " + sliceId + " of " + slices : slices != 1 ? " in slices" : "");
    }
}
