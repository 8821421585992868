package org.polyspan.plugin;

import org.opensearch.core.concurrency.OpenSearchRejectedExecutionException;
import org.opensearch.common.unit.SizeValue;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.threadpool.ThreadPoolStats;
import org.polyspan.runtime.PluginStats;

import java.util.ArrayList;
import java.util.List;

/**
 * The plugin's own thread pools as the engine runs them: their statistics, for the stats endpoint and the models API,
 * and the engine's rejection when one turns work away.
 */
final class PluginThreadPools {
    private PluginThreadPools() {
    }

    static List<PluginStats.Pool> read(ThreadPool threadPool) {
        List<PluginStats.Pool> pools = new ArrayList<>();
        for (ThreadPoolStats.Stats s : threadPool.stats()) {
            if (PluginStats.isPluginPool(s.getName())) {
                SizeValue queueSize = threadPool.info(s.getName()).getQueueSize();
                pools.add(new PluginStats.Pool(s.getName(), s.getThreads(), s.getActive(), s.getQueue(),
                        queueSize == null ? -1 : (int) queueSize.singles(), s.getRejected(), s.getLargest(), s.getCompleted()));
            }
        }
        return pools;
    }

    /** Whether a pool's rejection says that the pool shuts down (OpenSearch's rejection type carries it). */
    static boolean isShutdown(Exception rejection) {
        return rejection instanceof OpenSearchRejectedExecutionException r && r.isExecutorShutdown();
    }

    /** OpenSearch's own rejection (429) with the plugin's {@code message}, saying whether the pool shuts down as {@code cause} did. */
    static OpenSearchRejectedExecutionException rejected(String message, Exception cause) {
        return new OpenSearchRejectedExecutionException(message, isShutdown(cause));
    }
}
