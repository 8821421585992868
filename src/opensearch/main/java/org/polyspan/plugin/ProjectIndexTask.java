package org.polyspan.plugin;

import org.opensearch.core.tasks.TaskId;
import org.opensearch.tasks.CancellableTask;
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

    @Override
    public boolean shouldCancelChildrenOnCancellation() {
        return true;
    }

    IndexProjectionProgress progress() {
        return progress;
    }

    @Override
    public ProjectIndexStatus getStatus() {
        return new ProjectIndexStatus(progress.snapshot());
    }
}
