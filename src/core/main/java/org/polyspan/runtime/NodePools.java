package org.polyspan.runtime;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;

/**
 * The node's thread pools by name. The engine creates its thread pool after the plugin and its processor factories,
 * so the plugin {@link #bind binds} it when the node creates components; until then a lookup fails.
 */
public final class NodePools {
    private volatile Function<String, ? extends ExecutorService> pools;

    public void bind(Function<String, ? extends ExecutorService> pools) {
        this.pools = pools;
    }

    /** The named pool. */
    public ExecutorService get(String name) {
        Function<String, ? extends ExecutorService> p = pools;
        if (p == null) {
            throw new IllegalStateException("the node has not started its thread pools yet");
        }
        return p.apply(name);
    }

    /**
     * The executor of model loads: {@link PluginPools#MODEL_LOAD} (one thread), so loads never run on a
     * cluster-applier, network or transport thread and two large models never load at once. A load asked for before
     * the node has started is refused with {@code refusal}'s exception, the engine's own rejection.
     */
    public Executor modelLoads(Function<String, ? extends RuntimeException> refusal) {
        return command -> {
            Function<String, ? extends ExecutorService> p = pools;
            if (p == null) {
                throw refusal.apply("the node is still starting");
            }
            p.apply(PluginPools.MODEL_LOAD).execute(Inference.withPluginClassLoader(command));
        };
    }
}
