package org.polyspan.elasticsearch;

import org.elasticsearch.action.ActionRequest;
import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.tasks.TaskId;
import org.polyspan.projection.IndexProjectionSpec;

import java.io.IOException;
import java.util.Map;

/** A {@code _project/index} job: the request body (kept as sent, so that it travels and reparses the same) and its parse. */
public final class ProjectIndexRequest extends ActionRequest {
    private final Map<String, Object> body;
    private final IndexProjectionSpec spec;
    private final boolean storeResult;

    /** @throws org.polyspan.projection.ProjectionRequest.PairException when the body is invalid */
    public ProjectIndexRequest(Map<String, Object> body, boolean storeResult) {
        this.body = body;
        this.spec = IndexProjectionSpec.parse(body);
        this.storeResult = storeResult;
    }

    public ProjectIndexRequest(StreamInput in) throws IOException {
        super(in);
        this.body = in.readGenericMap();
        this.spec = IndexProjectionSpec.parse(body);
        this.storeResult = in.readBoolean();
    }

    public IndexProjectionSpec spec() {
        return spec;
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        out.writeGenericMap(body);
        out.writeBoolean(storeResult);
    }

    @Override
    public ActionRequestValidationException validate() {
        return null; // validated when parsed
    }

    /** Without {@code wait_for_completion} the result is stored in the {@code .tasks} index, for {@code GET _tasks/<id>}. */
    @Override
    public boolean getShouldStoreResult() {
        return storeResult;
    }

    @Override
    public String getDescription() {
        return "project [" + spec.sourceIndex() + "][" + spec.textField() + "/" + spec.spansField() + "] onto ["
                + spec.targetTextField() + "] into [" + spec.destIndex() + "]";
    }

    @Override
    public Task createTask(long id, String type, String action, TaskId parentTaskId, Map<String, String> headers) {
        return new ProjectIndexTask(id, type, action, getDescription(), parentTaskId, headers);
    }
}
