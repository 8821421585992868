package org.polyspan.elasticsearch;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.action.support.HandledTransportAction;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.common.util.concurrent.AbstractRunnable;
import org.elasticsearch.common.util.concurrent.EsExecutors;
import org.elasticsearch.common.util.concurrent.EsRejectedExecutionException;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.threadpool.ThreadPool;
import org.elasticsearch.transport.TransportService;
import org.polyspan.model.ModelRepository;
import org.polyspan.runtime.ApertiumService;
import org.polyspan.runtime.BackoffExecution;
import org.polyspan.runtime.IndexProjectionBatch;
import org.polyspan.runtime.IndexProjectionJobRun;
import org.polyspan.runtime.IndexProjectionRun;
import org.polyspan.runtime.PluginPools;

import java.util.concurrent.Callable;

/**
 * Runs {@code _project/index} jobs as tasks of the node's task manager, visible and cancellable through
 * {@code _tasks}. A job runs on the plugin's {@code polyspan_project} pool: it waits on searches and bulk writes,
 * which belongs on no transport, network or inference thread. Its model work goes to {@code polyspan_inference}
 * batch by batch, waiting and retrying while that queue is full ({@link BackoffExecution}). With {@code slices}, this
 * task only hands out the slices ({@link SlicedProjectIndexJob}), which arrive here again, on their nodes, as child
 * requests.
 */
public final class TransportProjectIndexAction extends HandledTransportAction<ProjectIndexRequest, ProjectIndexResponse> {
    private final Client client;
    private final ClusterService clusterService;
    private final IndexProjectionJobRun jobRun;
    private final ThreadPool threadPool;
    private final SlicedProjectIndexJob sliced;

    @Inject
    public TransportProjectIndexAction(TransportService transportService, ActionFilters actionFilters, Client client,
                                       ClusterService clusterService, ModelRepository models, ApertiumService translators,
                                       ThreadPool threadPool) {
        super(ProjectIndexAction.NAME, transportService, actionFilters, ProjectIndexRequest::new, EsExecutors.DIRECT_EXECUTOR_SERVICE);
        this.client = client;
        this.clusterService = clusterService;
        this.jobRun = new IndexProjectionJobRun(models, translators, e -> e);
        this.threadPool = threadPool;
        this.sliced = new SlicedProjectIndexJob(transportService, clusterService, client);
    }

    @Override
    protected void doExecute(Task task, ProjectIndexRequest request, ActionListener<ProjectIndexResponse> listener) {
        ProjectIndexTask projectTask = (ProjectIndexTask) task;
        if (!request.job().runsDocuments()) {
            sliced.start(projectTask, request, listener); // the parent of a sliced job: its slices run as child tasks
            return;
        }
        IndexProjectionBatch.ModelWork work = new IndexProjectionBatch.ModelWork() {
            @Override
            public <T> T call(Callable<T> modelWork) throws Exception {
                return BackoffExecution.call(threadPool.executor(PluginPools.INFERENCE), projectTask::isCancelled,
                        e -> e instanceof EsRejectedExecutionException r && r.isExecutorShutdown(), modelWork);
            }
        };
        threadPool.executor(PluginPools.PROJECT).execute(new AbstractRunnable() {
            @Override
            protected void doRun() throws Exception {
                listener.onResponse(runDocuments(new ElasticsearchIndexClient(client, clusterService), request, projectTask, work));
            }

            @Override
            public void onFailure(Exception e) {
                listener.onFailure(e); // rejected (the project pool's queue is full: 429), or the job failed
            }
        });
    }

    /** Runs the job's documents ({@link IndexProjectionJobRun}); its answer is also the task's stored result. */
    private ProjectIndexResponse runDocuments(IndexProjectionRun.IndexClient index, ProjectIndexRequest request, ProjectIndexTask task,
                                              IndexProjectionBatch.ModelWork work) throws Exception {
        IndexProjectionJobRun.Outcome outcome = jobRun.run(index, request.job(), task, work);
        return new ProjectIndexResponse(task.getStatus(), outcome.tookMillis(), outcome.cancelled());
    }
}
