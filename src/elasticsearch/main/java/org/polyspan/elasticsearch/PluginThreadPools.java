package org.polyspan.elasticsearch;

import org.elasticsearch.common.unit.SizeValue;
import org.elasticsearch.threadpool.ThreadPool;
import org.elasticsearch.threadpool.ThreadPoolStats;
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
            if (PluginStats.isPluginPool(s.name())) {
                SizeValue queueSize = threadPool.info(s.name()).getQueueSize();
                pools.add(new PluginStats.Pool(s.name(), s.threads(), s.active(), s.queue(),
                        queueSize == null ? -1 : (int) queueSize.singles(), s.rejected(), s.largest(), s.completed()));
            }
        }
        return pools;
    }
}
