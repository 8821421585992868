package org.polyspan.plugin;

import org.opensearch.core.tasks.TaskId;
import org.opensearch.tasks.CancellableTask;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The running {@code _project/index} job as the node's task manager sees it: counters for {@link #getStatus()}, and
 * cancellation ({@code POST _tasks/<id>/_cancel}), which the job checks between batches.
 */
public final class ProjectIndexTask extends CancellableTask {
    private long total;
    private long projected;
    private long skipped;
    private long failed;
    private long spansProjected;
    private long spansUnprojected;
    private long batches;
    private final List<ProjectIndexStatus.Failure> failures = new ArrayList<>();

    public ProjectIndexTask(long id, String type, String action, String description, TaskId parent, Map<String, String> headers) {
        super(id, type, action, description, parent, headers);
    }

    @Override
    public boolean shouldCancelChildrenOnCancellation() {
        return true;
    }

    synchronized void total(long total) {
        this.total = total;
    }

    synchronized void batchDone(long projected, long skipped, long spansProjected, long spansUnprojected) {
        this.projected += projected;
        this.skipped += skipped;
        this.spansProjected += spansProjected;
        this.spansUnprojected += spansUnprojected;
        this.batches++;
    }

    synchronized void failed(String id, String reason) {
        failed++;
        if (failures.size() < ProjectIndexStatus.MAX_LISTED) {
            failures.add(new ProjectIndexStatus.Failure(id, reason));
        }
    }

    @Override
    public synchronized ProjectIndexStatus getStatus() {
        return new ProjectIndexStatus(total, projected + skipped + failed, projected, skipped, failed, spansProjected,
                spansUnprojected, batches, List.copyOf(failures));
    }
}
