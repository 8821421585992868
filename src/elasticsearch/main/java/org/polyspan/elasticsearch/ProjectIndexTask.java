package org.polyspan.elasticsearch;

import org.elasticsearch.tasks.CancellableTask;
import org.elasticsearch.tasks.TaskId;
import org.polyspan.runtime.IndexProjectionProgress;

import java.util.Map;

/**
 * The running {@code _project/index} job as the node's task manager sees it: the core's progress counters for
 * {@link #getStatus()}, and cancellation ({@code POST _tasks/<id>/_cancel}), which the job checks between batches.
 */
public final class ProjectIndexTask extends CancellableTask {
    private final IndexProjectionProgress progress = new IndexProjectionProgress();

    public ProjectIndexTask(long id, String type, String action, String description, TaskId parent, Map<String, String> headers) {
        super(id, type, action, description, parent, headers);
    }

    IndexProjectionProgress progress() {
        return progress;
    }

    @Override
    public ProjectIndexStatus getStatus() {
        return new ProjectIndexStatus(progress.snapshot());
    }
}
