package org.polyspan.plugin;

import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.HandledTransportAction;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.common.util.concurrent.AbstractRunnable;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.concurrency.OpenSearchRejectedExecutionException;
import org.opensearch.tasks.Task;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportService;
import org.opensearch.transport.client.Client;
import org.polyspan.model.ModelRepository;
import org.polyspan.runtime.ApertiumService;
import org.polyspan.runtime.BackoffExecution;
import org.polyspan.runtime.IndexProjectionBatch;
import org.polyspan.runtime.IndexProjectionJobRun;
import org.polyspan.runtime.IndexProjectionRun;
import org.polyspan.runtime.Inference;
import org.polyspan.runtime.PluginPools;

import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;

/**
 * Runs {@code _project/index} jobs as tasks of the node's task manager. A job runs on the plugin's project pool
 * ({@link PluginPools#PROJECT}): it waits on searches and bulk writes, which belongs on no transport, network or
 * inference thread. Its model work goes to the inference pool, batch by batch ({@link #onInferencePool}). With
 * {@code slices}, this task only hands out the slices ({@link SlicedProjectIndexJob}), which arrive here again, on their
 * nodes, as child requests.
 */
public final class TransportProjectIndexAction extends HandledTransportAction<ProjectIndexRequest, ProjectIndexResponse> {
    private final Client client;
    private final IndexProjectionJobRun jobRun;
    private final ThreadPool threadPool;
    private final SlicedProjectIndexJob sliced;

    @Inject
    public TransportProjectIndexAction(TransportService transportService, ActionFilters actionFilters, Client client,
                                       ModelRepository models, ApertiumService translators, ThreadPool threadPool,
                                       ClusterService clusterService) {
        super(ProjectIndexAction.NAME, transportService, actionFilters, ProjectIndexRequest::new);
        this.client = client;
        this.jobRun = new IndexProjectionJobRun(models, translators, ModelLoading::withStatus);
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
                return onInferencePool(threadPool, projectTask::isCancelled, modelWork);
            }
        };
        threadPool.executor(PluginPools.PROJECT).execute(new AbstractRunnable() {
            @Override
            protected void doRun() {
                ProjectIndexResponse response;
                try {
                    response = runDocuments(new OpenSearchIndexClient(client), request, projectTask, work);
                } catch (Throwable t) {
                    listener.onFailure(Inference.asException("project/index failed", t)); // fatal JVM errors propagate
                    return;
                }
                listener.onResponse(response);
            }

            @Override
            public void onFailure(Exception e) {
                listener.onFailure(e); // rejected (the project pool's queue is full: 429), or failed before the job ran
            }
        });
    }

    /** Runs the job's documents ({@link IndexProjectionJobRun}); its answer is also the task's stored result. */
    private ProjectIndexResponse runDocuments(IndexProjectionRun.IndexClient index, ProjectIndexRequest request, ProjectIndexTask task,
                                              IndexProjectionBatch.ModelWork work) throws Exception {
        IndexProjectionJobRun.Outcome outcome = jobRun.run(index, request.job(), task, work);
        return new ProjectIndexResponse(task.getStatus(), outcome.tookMillis(), outcome.cancelled());
    }

    /**
     * Runs {@code work} on the inference pool and waits for it, retrying while the pool's queue is full
     * ({@link BackoffExecution}); OpenSearch's rejection says whether the pool shuts down.
     */
    static <T> T onInferencePool(ThreadPool threadPool, BooleanSupplier cancelled, Callable<T> work) throws Exception {
        return BackoffExecution.call(threadPool.executor(PluginPools.INFERENCE), cancelled,
                e -> e instanceof OpenSearchRejectedExecutionException r && r.isExecutorShutdown(), work);
    }
}
