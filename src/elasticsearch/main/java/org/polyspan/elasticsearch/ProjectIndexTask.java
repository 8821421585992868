package org.polyspan.elasticsearch;

import org.elasticsearch.tasks.TaskId;
import org.elasticsearch.tasks.CancellableTask;
import org.polyspan.runtime.IndexProjectionJobRun;
import org.polyspan.runtime.IndexProjectionProgress;
import org.polyspan.runtime.SlicedProjectionProgress;

import java.util.Map;

/**
 * The running {@code _project/index} job as the node's task manager sees it: the core's progress counters for
 * {@link #getStatus()} (a sliced job's parent shows its slices instead), and cancellation
 * ({@code POST _tasks/<id>/_cancel}), which the job checks between batches and which reaches a sliced job's children.
 */
public final class ProjectIndexTask extends CancellableTask implements IndexProjectionJobRun.Task {
    private final IndexProjectionProgress progress = new IndexProjectionProgress();
    private volatile SlicedProjectionProgress slices;

    public ProjectIndexTask(long id, String type, String action, String description, TaskId parent, Map<String, String> headers) {
        super(id, type, action, description, parent, headers);
    }

    @Override
    public boolean shouldCancelChildrenOnCancellation() {
        return true;
    }

    @Override
    public IndexProjectionProgress progress() {
        return progress;
    }

    /** Makes this task the parent of a sliced job. */
    void sliced(SlicedProjectionProgress slices) {
        this.slices = slices;
    }

    @Override
    public ProjectIndexStatus getStatus() {
        SlicedProjectionProgress s = slices;
        return new ProjectIndexStatus(s != null ? s.fields() : progress.snapshot().fields());
    }
}
