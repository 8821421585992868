package org.polyspan.plugin;

import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.tasks.Task;
import org.polyspan.runtime.IndexProjectionProgress;
import org.polyspan.runtime.SlicedProjectionProgress;

import java.io.IOException;
import java.util.Map;

/**
 * Progress of a {@code _project/index} task as OpenSearch's tasks API carries it: the fields the core computes (a job's
 * counters, {@link IndexProjectionProgress.Snapshot#fields()}, or a sliced job's totals and slices,
 * {@link SlicedProjectionProgress#fields()}), shown by {@code GET _tasks/<id>} while it runs and in its stored result.
 */
public record ProjectIndexStatus(Map<String, Object> fields) implements Task.Status {
    public static final String NAME = "polyspan_project_index";

    public ProjectIndexStatus(StreamInput in) throws IOException {
        this(in.readMap());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeMap(fields);
    }

    @Override
    public String getWriteableName() {
        return NAME;
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder b, Params params) throws IOException {
        return b.map(fields);
    }
}
