package org.polyspan.plugin;

import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.tasks.Task;
import org.polyspan.runtime.IndexProjectionProgress;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Progress of a {@code _project/index} task (the core's {@link IndexProjectionProgress.Snapshot}) as OpenSearch's
 * tasks API carries it: shown by {@code GET _tasks/<id>} while it runs and in its stored result.
 */
public record ProjectIndexStatus(IndexProjectionProgress.Snapshot snapshot) implements Task.Status {
    public static final String NAME = "polyspan_project_index";

    public ProjectIndexStatus(StreamInput in) throws IOException {
        this(new IndexProjectionProgress.Snapshot(in.readVLong(), in.readVLong(), in.readVLong(), in.readVLong(), in.readVLong(),
                in.readVLong(), in.readVLong(), in.readVLong(), readFailures(in)));
    }

    private static List<IndexProjectionProgress.Failure> readFailures(StreamInput in) throws IOException {
        int n = in.readVInt();
        List<IndexProjectionProgress.Failure> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new IndexProjectionProgress.Failure(in.readString(), in.readString()));
        }
        return List.copyOf(out);
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        IndexProjectionProgress.Snapshot s = snapshot;
        for (long v : new long[] {s.total(), s.processed(), s.projected(), s.skipped(), s.failed(), s.spansProjected(),
                s.spansUnprojected(), s.batches()}) {
            out.writeVLong(v);
        }
        out.writeVInt(s.failures().size());
        for (IndexProjectionProgress.Failure f : s.failures()) {
            out.writeString(f.id());
            out.writeString(f.reason());
        }
    }

    @Override
    public String getWriteableName() {
        return NAME;
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder b, Params params) throws IOException {
        b.startObject();
        fields(b);
        return b.endObject();
    }

    /** The fields without the enclosing object, for the response that embeds them. */
    void fields(XContentBuilder b) throws IOException {
        for (Map.Entry<String, Object> e : snapshot.fields().entrySet()) {
            b.field(e.getKey(), e.getValue());
        }
    }
}
