package org.polyspan.plugin;

import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.HandledTransportAction;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.action.ActionListener;
import org.opensearch.tasks.Task;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportService;
import org.opensearch.transport.client.Client;
import org.polyspan.model.ModelRepository;

/**
 * Runs {@code _project/index} jobs as tasks of the node's task manager. The job runs on the generic pool: it does
 * inference, translation and waits on searches and bulk writes, none of which belongs on a transport thread.
 */
public final class TransportProjectIndexAction extends HandledTransportAction<ProjectIndexRequest, ProjectIndexResponse> {
    private final Client client;
    private final ModelRepository models;
    private final NodeTranslators translators;
    private final ThreadPool threadPool;

    @Inject
    public TransportProjectIndexAction(TransportService transportService, ActionFilters actionFilters, Client client,
                                       ModelRepository models, NodeTranslators translators, ThreadPool threadPool) {
        super(ProjectIndexAction.NAME, transportService, actionFilters, ProjectIndexRequest::new);
        this.client = client;
        this.models = models;
        this.translators = translators;
        this.threadPool = threadPool;
    }

    @Override
    protected void doExecute(Task task, ProjectIndexRequest request, ActionListener<ProjectIndexResponse> listener) {
        threadPool.executor(ThreadPool.Names.GENERIC).execute(() -> {
            ProjectIndexResponse response;
            try {
                response = new IndexProjectionJob(client, models, translators, request.spec(), (ProjectIndexTask) task).run();
            } catch (Exception e) {
                listener.onFailure(e);
                return;
            }
            listener.onResponse(response);
        });
    }
}
