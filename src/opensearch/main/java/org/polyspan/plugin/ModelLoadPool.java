package org.polyspan.plugin;

import org.opensearch.threadpool.ThreadPool;
import org.polyspan.runtime.Inference;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The executor of model loads: the plugin's {@code polyspan_model_load} pool, one thread, so loads never run on a
 * cluster-applier, network or transport thread and two large models never load at once. The node's thread pool exists
 * only once components are created, after the processor factory, so it is bound then.
 */
final class ModelLoadPool implements Executor {
    static final String NAME = "polyspan_model_load";
    static final int SIZE = 1;
    static final int QUEUE = 64;

    private volatile ThreadPool threadPool;

    void bind(ThreadPool threadPool) {
        this.threadPool = threadPool;
    }

    @Override
    public void execute(Runnable command) {
        ThreadPool pool = threadPool;
        if (pool == null) {
            throw new RejectedExecutionException("the node is still starting");
        }
        pool.executor(NAME).execute(Inference.withPluginClassLoader(command));
    }
}
