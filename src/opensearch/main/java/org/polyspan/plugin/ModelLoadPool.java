package org.polyspan.plugin;

import org.opensearch.threadpool.ThreadPool;
import org.polyspan.runtime.Inference;
import org.polyspan.runtime.PluginPools;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The executor of model loads: the plugin's {@code polyspan_model_load} pool, one thread, so loads never run on a
 * cluster-applier, network or transport thread and two large models never load at once. The node's thread pool exists
 * only once components are created, after the processor factory, so it is bound then.
 */
final class ModelLoadPool implements Executor {
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
        pool.executor(PluginPools.MODEL_LOAD).execute(Inference.withPluginClassLoader(command));
    }
}
