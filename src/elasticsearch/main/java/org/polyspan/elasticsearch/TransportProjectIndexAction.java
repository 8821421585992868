package org.polyspan.elasticsearch;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.action.support.HandledTransportAction;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.common.util.concurrent.EsExecutors;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.threadpool.ThreadPool;
import org.elasticsearch.transport.TransportService;
import org.polyspan.model.ModelRepository;
import org.polyspan.runtime.ApertiumService;
import org.polyspan.runtime.IndexProjectionJobRun;
import org.polyspan.runtime.PluginPools;


/**
 * Runs {@code _project/index} jobs as tasks of the node's task manager, visible and cancellable through
 * {@code _tasks}. A job runs on the plugin's {@code polyspan_project} pool: it waits on searches and bulk writes,
 * which belongs on no transport, network or inference thread. Its model work goes to {@code polyspan_inference}
 * batch by batch, waiting and retrying while that queue is full ({@link IndexProjectionJobRun#start}). With {@code slices}, this
 * task only hands out the slices ({@link SlicedProjectIndexJob}), which arrive here again, on their nodes, as child
 * requests.
 */
public final class TransportProjectIndexAction extends HandledTransportAction<ProjectIndexRequest, ProjectIndexResponse> {
    private final Client client;
    private final ClusterService clusterService;
    private final IndexProjectionJobRun jobRun;
    private final IndexProjectionJobRun.Pools pools;
    private final SlicedProjectIndexJob sliced;

    @Inject
    public TransportProjectIndexAction(TransportService transportService, ActionFilters actionFilters, Client client,
                                       ClusterService clusterService, ModelRepository models, ApertiumService translators,
                                       ThreadPool threadPool) {
        super(ProjectIndexAction.NAME, transportService, actionFilters, ProjectIndexRequest::new, EsExecutors.DIRECT_EXECUTOR_SERVICE);
        this.client = client;
        this.clusterService = clusterService;
        this.jobRun = new IndexProjectionJobRun(models, translators, Retryable::withStatus);
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
        jobRun.start(pools, new ElasticsearchIndexClient(client, clusterService), request.job(), projectTask,
                outcome -> listener.onResponse(new ProjectIndexResponse(projectTask.getStatus(), outcome.tookMillis(), outcome.cancelled())),
                listener::onFailure);
    }

    /** The plugin's pools for a job; Elasticsearch's rejection says whether a pool shuts down. */
    static IndexProjectionJobRun.Pools pools(ThreadPool threadPool) {
        return new IndexProjectionJobRun.Pools(threadPool.executor(PluginPools.PROJECT), threadPool.executor(PluginPools.INFERENCE),
                PluginThreadPools::isShutdown);
    }
}
