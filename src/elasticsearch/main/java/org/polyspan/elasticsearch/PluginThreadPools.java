package org.polyspan.elasticsearch;

import org.elasticsearch.common.util.concurrent.EsRejectedExecutionException;
import org.elasticsearch.common.unit.SizeValue;
import org.elasticsearch.threadpool.ThreadPool;
import org.elasticsearch.threadpool.ThreadPoolStats;
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
            if (PluginStats.isPluginPool(s.name())) {
                SizeValue queueSize = threadPool.info(s.name()).getQueueSize();
                pools.add(new PluginStats.Pool(s.name(), s.threads(), s.active(), s.queue(),
                        queueSize == null ? -1 : (int) queueSize.singles(), s.rejected(), s.largest(), s.completed()));
            }
        }
        return pools;
    }

    /** Whether a pool's rejection says that the pool shuts down (Elasticsearch's rejection type carries it). */
    static boolean isShutdown(Exception rejection) {
        return rejection instanceof EsRejectedExecutionException r && r.isExecutorShutdown();
    }

    /** Elasticsearch's own rejection (429) with the plugin's {@code message}, saying whether the pool shuts down as {@code cause} did. */
    static EsRejectedExecutionException rejected(String message, Exception cause) {
        return new EsRejectedExecutionException(message, isShutdown(cause));
    }
}
