package org.polyspan.plugin;

import org.opensearch.common.settings.Setting;
import org.opensearch.common.settings.Settings;
import org.opensearch.threadpool.ExecutorBuilder;
import org.opensearch.test.OpenSearchTestCase;
import org.polyspan.model.InferenceBudget;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Node settings of the plugin: its thread pools, the inference budget and where models may live. */
public class PolyspanPluginTests extends OpenSearchTestCase {

    public void testPoolsAndTheirSettings() {
        assumeTrue("node.processors above the cores is deprecated", Runtime.getRuntime().availableProcessors() >= 2);
        List<ExecutorBuilder<?>> builders = PolyspanPlugin.executorBuilders(Settings.builder().put("node.processors", 2).build());
        Set<String> keys = builders.stream().flatMap(b -> b.getRegisteredSettings().stream()).map(Setting::getKey)
                .collect(Collectors.toSet());
        assertEquals(Set.of("polyspan.inference.pool.size", "polyspan.inference.pool.queue_size", "polyspan.project.pool.size",
                "polyspan.project.pool.queue_size", "thread_pool.polyspan_model_load.size",
                "thread_pool.polyspan_model_load.queue_size"), keys);
        Setting<?> size = builders.get(0).getRegisteredSettings().stream()
                .filter(s -> s.getKey().equals("polyspan.inference.pool.size")).findFirst().orElseThrow();
        assertEquals(1, size.get(Settings.builder().put("node.processors", 2).build()));
        assertEquals(3, size.get(Settings.builder().put("polyspan.inference.pool.size", 3).build()));
    }

    public void testBudgetFollowsProcessorsAndSettings() {
        assumeTrue("node.processors above the cores is deprecated", Runtime.getRuntime().availableProcessors() >= 2);
        InferenceBudget two = PolyspanPlugin.budget(Settings.builder().put("node.processors", 2).build());
        assertEquals(1, two.poolThreads());
        assertEquals(2, two.intraOpThreads());
        InferenceBudget one = PolyspanPlugin.budget(Settings.builder().put("node.processors", 1).build());
        assertEquals(1, one.poolThreads());
        assertEquals(1, one.intraOpThreads());
        InferenceBudget set = PolyspanPlugin.budget(Settings.builder().put("node.processors", 2)
                .put("polyspan.inference.pool.size", 2).build());
        assertEquals(2, set.poolThreads());
        assertEquals(1, set.intraOpThreads());
        InferenceBudget deprecated = PolyspanPlugin.budget(Settings.builder().put("node.processors", 2)
                .put("polyspan.inference.pool.size", 1).put("polyspan.inference_threads", 1).build());
        assertEquals(1, deprecated.intraOpThreads());
        assertWarnings("[polyspan.inference_threads] setting was deprecated in OpenSearch and will be removed in a future release! "
                + "See the breaking changes documentation for the next major version.");
        IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> PolyspanPlugin.budget(Settings.builder()
                .put("node.processors", 2).put("polyspan.inference.pool.size", 2).put("polyspan.inference.intra_op_threads", 2).build()));
        assertTrue(e.getMessage(), e.getMessage().contains("exceeds the node's 2 allocated processors"));
    }

    public void testModelsMustStayInsideTheConfigDirectory() {
        Path config = createTempDir().resolve("config");
        assertEquals(config.resolve("polyspan").resolve("models"), PolyspanPlugin.modelsRoot("", config));
        assertEquals(config.resolve("mine").resolve("models").toAbsolutePath(), PolyspanPlugin.modelsRoot("mine/models", config));
        for (String outside : List.of("../models", "/opt/models", "a/../../b")) {
            IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> PolyspanPlugin.modelsRoot(outside, config));
            assertTrue(e.getMessage(), e.getMessage().contains("must be a directory inside the config directory"));
        }
    }
}
