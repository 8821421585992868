package org.polyspan.plugin;

import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;
import org.polyspan.runtime.ProjectIndexApi;

import java.io.IOException;
import java.util.Map;

/** The outcome of a finished (or cancelled) {@code _project/index} job; stored as the task's result. */
public final class ProjectIndexResponse extends ActionResponse implements ToXContentObject {
    private final ProjectIndexStatus status;
    private final long tookMillis;
    private final String cancelled;

    public ProjectIndexResponse(ProjectIndexStatus status, long tookMillis, String cancelled) {
        this.status = status;
        this.tookMillis = tookMillis;
        this.cancelled = cancelled;
    }

    public ProjectIndexResponse(StreamInput in) throws IOException {
        super(in);
        this.status = new ProjectIndexStatus(in);
        this.tookMillis = in.readVLong();
        this.cancelled = in.readOptionalString();
    }

    public ProjectIndexStatus status() {
        return status;
    }

    /** Why the job stopped early, or null when it ran to the end. */
    public String cancelled() {
        return cancelled;
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        status.writeTo(out);
        out.writeVLong(tookMillis);
        out.writeOptionalString(cancelled);
    }

    /** The job's answer, the same on every engine ({@link ProjectIndexApi#finished}). */
    public Map<String, Object> answer() {
        return ProjectIndexApi.finished(status.fields(), tookMillis, cancelled);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder b, Params params) throws IOException {
        return b.map(answer());
    }
}
