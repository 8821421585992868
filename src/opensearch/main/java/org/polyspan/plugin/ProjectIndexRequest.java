package org.polyspan.plugin;

import org.opensearch.action.ActionRequest;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.tasks.TaskId;
import org.opensearch.tasks.Task;
import org.polyspan.runtime.IndexProjectionJobRequest;

import java.io.IOException;
import java.util.Map;

/** A {@code _project/index} job ({@link IndexProjectionJobRequest}) as a transport request and the task it runs as. */
public final class ProjectIndexRequest extends ActionRequest {
    private final IndexProjectionJobRequest job;

    public ProjectIndexRequest(IndexProjectionJobRequest job) {
        this.job = job;
    }

    public ProjectIndexRequest(StreamInput in) throws IOException {
        super(in);
        Map<String, Object> body = in.readMap();
        boolean storeResult = in.readBoolean();
        int slices = in.readVInt();
        this.job = IndexProjectionJobRequest.read(body, storeResult, slices, in.readInt());
    }

    public IndexProjectionJobRequest job() {
        return job;
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        out.writeMap(job.body());
        out.writeBoolean(job.storeResult());
        out.writeVInt(job.slices());
        out.writeInt(job.sliceId());
    }

    @Override
    public ActionRequestValidationException validate() {
        return null; // validated when parsed
    }

    @Override
    public boolean getShouldStoreResult() {
        return job.storeResult();
    }

    @Override
    public String getDescription() {
        return job.description();
    }

    @Override
    public Task createTask(long id, String type, String action, TaskId parentTaskId, Map<String, String> headers) {
        return new ProjectIndexTask(id, type, action, getDescription(), parentTaskId, headers);
    }
}
