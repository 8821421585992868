package org.polyspan.plugin;

import org.opensearch.common.unit.SizeValue;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.threadpool.ThreadPoolStats;
import org.polyspan.runtime.PluginStats;

import java.util.ArrayList;
import java.util.List;

/** The node's statistics of the plugin's own thread pools, for the stats endpoint and the models API. */
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
}
