package org.polyspan.plugin;

import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.tasks.Task;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Progress of a {@code _project/index} task, shown by {@code GET _tasks/<id>} while it runs and in its stored result.
 * {@code processed = projected + skipped + failed}; {@code failures} lists the first {@link #MAX_LISTED} failed documents
 * (every failed document also gets a destination copy with {@code projection.error}).
 */
public record ProjectIndexStatus(long total, long processed, long projected, long skipped, long failed, long spansProjected,
                                 long spansUnprojected, long batches, List<Failure> failures) implements Task.Status {
    public static final String NAME = "polyspan_project_index";
    public static final int MAX_LISTED = 20;

    /** A document that could not be projected. */
    public record Failure(String id, String reason) {}

    public ProjectIndexStatus(StreamInput in) throws IOException {
        this(in.readVLong(), in.readVLong(), in.readVLong(), in.readVLong(), in.readVLong(), in.readVLong(), in.readVLong(),
                in.readVLong(), readFailures(in));
    }

    private static List<Failure> readFailures(StreamInput in) throws IOException {
        int n = in.readVInt();
        List<Failure> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Failure(in.readString(), in.readString()));
        }
        return List.copyOf(out);
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        for (long v : new long[] {total, processed, projected, skipped, failed, spansProjected, spansUnprojected, batches}) {
            out.writeVLong(v);
        }
        out.writeVInt(failures.size());
        for (Failure f : failures) {
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
        b.field("total", total).field("processed", processed).field("projected", projected).field("skipped", skipped)
                .field("failed", failed).field("spans_projected", spansProjected).field("spans_unprojected", spansUnprojected)
                .field("batches", batches);
        b.startArray("failures");
        for (Failure f : failures) {
            b.startObject().field("id", f.id()).field("reason", f.reason()).endObject();
        }
        b.endArray();
    }
}
