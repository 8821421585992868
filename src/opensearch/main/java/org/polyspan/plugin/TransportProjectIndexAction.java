package org.polyspan.plugin;

import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.HandledTransportAction;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.action.ActionListener;
import org.opensearch.tasks.Task;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportService;
import org.opensearch.transport.client.Client;
import org.polyspan.model.ModelRepository;
import org.polyspan.runtime.ApertiumService;
import org.polyspan.runtime.IndexProjectionJobRun;
import org.polyspan.runtime.PluginPools;


/**
 * Runs {@code _project/index} jobs as tasks of the node's task manager. A job runs on the plugin's project pool
 * ({@link PluginPools#PROJECT}): it waits on searches and bulk writes, which belongs on no transport, network or
 * inference thread. Its model work goes to the inference pool, batch by batch ({@link IndexProjectionJobRun#start}). With
 * {@code slices}, this task only hands out the slices ({@link SlicedProjectIndexJob}), which arrive here again, on their
 * nodes, as child requests.
 */
public final class TransportProjectIndexAction extends HandledTransportAction<ProjectIndexRequest, ProjectIndexResponse> {
    private final Client client;
    private final IndexProjectionJobRun jobRun;
    private final IndexProjectionJobRun.Pools pools;
    private final SlicedProjectIndexJob sliced;

    @Inject
    public TransportProjectIndexAction(TransportService transportService, ActionFilters actionFilters, Client client,
                                       ModelRepository models, ApertiumService translators, ThreadPool threadPool,
                                       ClusterService clusterService) {
        super(ProjectIndexAction.NAME, transportService, actionFilters, ProjectIndexRequest::new);
        this.client = client;
        this.jobRun = new IndexProjectionJobRun(models, translators, ModelLoading::withStatus);
        this.pools = pools(threadPool);
        this.sliced = new SlicedProjectIndexJob(transportService, clusterService, client);
    }

    @Override
    protected void doExecute(Task task, ProjectIndexRequest request, ActionListener<ProjectIndexResponse> listener) {
        ProjectIndexTask projectTask = (ProjectIndexTask) task;
        if (!request.job().runsDocuments()) {
            sliced.start(projectTask, request, listener); // the parent of a sliced job: its slices run as child tasks
            return;
        }
        // the answer is also the task's stored result
        jobRun.start(pools, new OpenSearchIndexClient(client), request.job(), projectTask,
                outcome -> listener.onResponse(new ProjectIndexResponse(projectTask.getStatus(), outcome.tookMillis(), outcome.cancelled())),
                listener::onFailure);
    }

    /** The plugin's pools for a job; OpenSearch's rejection says whether a pool shuts down. */
    static IndexProjectionJobRun.Pools pools(ThreadPool threadPool) {
        return new IndexProjectionJobRun.Pools(threadPool.executor(PluginPools.PROJECT), threadPool.executor(PluginPools.INFERENCE),
                PluginThreadPools::isShutdown);
    }
}
