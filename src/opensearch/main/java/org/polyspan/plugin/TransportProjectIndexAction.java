package org.polyspan.plugin;

import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.HandledTransportAction;
import org.opensearch.common.inject.Inject;
import org.opensearch.common.util.concurrent.AbstractRunnable;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.concurrency.OpenSearchRejectedExecutionException;
import org.opensearch.tasks.Task;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportService;
import org.opensearch.transport.client.Client;
import org.polyspan.runtime.PluginPools;
import org.polyspan.model.ModelRepository;
import org.polyspan.runtime.Inference;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;

/**
 * Runs {@code _project/index} jobs as tasks of the node's task manager. A job runs on the plugin's project pool
 * ({@link PluginPools#PROJECT}): it waits on searches and bulk writes, which belongs on no transport, network or
 * inference thread. Its model work goes to the inference pool, batch by batch ({@link #onInferencePool}).
 */
public final class TransportProjectIndexAction extends HandledTransportAction<ProjectIndexRequest, ProjectIndexResponse> {
    private static final long MAX_BACKOFF_MILLIS = 5_000;

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
        ProjectIndexTask projectTask = (ProjectIndexTask) task;
        IndexProjectionJob.Inference inference = new IndexProjectionJob.Inference() {
            @Override
            public <T> T call(Callable<T> work) throws Exception {
                return onInferencePool(threadPool, projectTask::isCancelled, work);
            }
        };
        threadPool.executor(PluginPools.PROJECT).execute(new AbstractRunnable() {
            @Override
            protected void doRun() {
                ProjectIndexResponse response;
                try {
                    response = new IndexProjectionJob(client, models, translators, request.spec(), projectTask, inference).run();
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

    /**
     * Runs {@code work} on the inference pool and waits for it. While the pool's queue is full the call waits and tries
     * again (50 ms, doubling up to 5 s): a background job yields to ingest instead of failing its batch. It gives up when
     * {@code cancelled} or the pool shuts down.
     */
    static <T> T onInferencePool(ThreadPool threadPool, BooleanSupplier cancelled, Callable<T> work) throws Exception {
        long backoff = 50;
        while (true) {
            CompletableFuture<T> result = new CompletableFuture<>();
            try {
                threadPool.executor(PluginPools.INFERENCE).execute(() -> {
                    try {
                        result.complete(work.call());
                    } catch (Throwable t) {
                        result.completeExceptionally(t);
                        if (Inference.isFatal(t)) {
                            throw (Error) t;
                        }
                    }
                });
            } catch (OpenSearchRejectedExecutionException e) {
                if (e.isExecutorShutdown() || cancelled.getAsBoolean()) {
                    throw e;
                }
                Thread.sleep(backoff);
                backoff = Math.min(2 * backoff, MAX_BACKOFF_MILLIS);
                continue;
            }
            try {
                return result.get();
            } catch (ExecutionException e) {
                throw Inference.asException("inference failed", e.getCause());
            }
        }
    }
}
