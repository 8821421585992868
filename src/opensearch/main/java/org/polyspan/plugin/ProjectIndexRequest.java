package org.polyspan.plugin;

import org.opensearch.action.ActionRequest;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.tasks.TaskId;
import org.opensearch.tasks.Task;
import org.polyspan.projection.IndexProjectionSpec;
import org.polyspan.runtime.IndexProjectionSlices;

import java.io.IOException;
import java.util.Map;

/**
 * A {@code _project/index} job: the request body (kept as sent, so that it travels and reparses the same) and its
 * parse, how many slices were asked for, and, for one slice of a sliced job (a child task), which slice it is.
 */
public final class ProjectIndexRequest extends ActionRequest {
    private final Map<String, Object> body;
    private final IndexProjectionSpec spec;
    private final boolean storeResult;
    private final int slices;
    private final int sliceId;

    /**
     * @param slices {@link IndexProjectionSlices#AUTO} or a number of slices (1: not sliced)
     * @throws org.polyspan.projection.ProjectionRequest.PairException when the body is invalid
     */
    public ProjectIndexRequest(Map<String, Object> body, boolean storeResult, int slices) {
        this(body, IndexProjectionSpec.parse(body), storeResult, slices, -1);
    }

    private ProjectIndexRequest(Map<String, Object> body, IndexProjectionSpec spec, boolean storeResult, int slices, int sliceId) {
        this.body = body;
        this.spec = spec;
        this.storeResult = storeResult;
        this.slices = slices;
        this.sliceId = sliceId;
    }

    public ProjectIndexRequest(StreamInput in) throws IOException {
        super(in);
        this.body = in.readMap();
        this.spec = IndexProjectionSpec.parse(body);
        this.storeResult = in.readBoolean();
        this.slices = in.readVInt();
        this.sliceId = in.readInt();
    }

    /** Slice {@code id} of {@code max}, run as a child task; its result is its parent's to keep. */
    ProjectIndexRequest slice(int id, int max) {
        return new ProjectIndexRequest(body, spec, false, max, id);
    }

    public IndexProjectionSpec spec() {
        return spec;
    }

    /** The slices asked for: {@link IndexProjectionSlices#AUTO}, 1 (not sliced), or more. */
    int slices() {
        return slices;
    }

    /** This request's slice, or -1 when it is the whole job (sliced or not). */
    int sliceId() {
        return sliceId;
    }

    /** Whether this request runs the job's documents itself, rather than handing out slices. */
    boolean runsDocuments() {
        return sliceId >= 0 || slices == 1;
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        out.writeMap(body);
        out.writeBoolean(storeResult);
        out.writeVInt(slices);
        out.writeInt(sliceId);
    }

    @Override
    public ActionRequestValidationException validate() {
        return null; // validated when parsed
    }

    @Override
    public boolean getShouldStoreResult() {
        return storeResult;
    }

    @Override
    public String getDescription() {
        return spec.describe() + (sliceId >= 0 ? " slice " + sliceId + " of " + slices : slices != 1 ? " in slices" : "");
    }

    @Override
    public Task createTask(long id, String type, String action, TaskId parentTaskId, Map<String, String> headers) {
        return new ProjectIndexTask(id, type, action, getDescription(), parentTaskId, headers);
    }
}
