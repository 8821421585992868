package org.polyspan.elasticsearch;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.elasticsearch.action.ActionRequest;
import org.elasticsearch.action.ActionResponse;
import org.elasticsearch.cluster.metadata.IndexNameExpressionResolver;
import org.elasticsearch.cluster.node.DiscoveryNodes;
import org.elasticsearch.common.io.stream.NamedWriteableRegistry;
import org.elasticsearch.common.settings.ClusterSettings;
import org.elasticsearch.common.settings.IndexScopedSettings;
import org.elasticsearch.common.settings.Setting;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.settings.SettingsFilter;
import org.elasticsearch.common.unit.ByteSizeValue;
import org.elasticsearch.common.util.concurrent.EsExecutors;
import org.elasticsearch.common.util.concurrent.EsRejectedExecutionException;
import org.elasticsearch.core.TimeValue;
import org.elasticsearch.features.NodeFeature;
import org.elasticsearch.ingest.Processor;
import org.elasticsearch.plugins.ActionPlugin;
import org.elasticsearch.plugins.IngestPlugin;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.rest.RestController;
import org.elasticsearch.rest.RestHandler;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.threadpool.ExecutorBuilder;
import org.elasticsearch.threadpool.FixedExecutorBuilder;
import org.elasticsearch.threadpool.ThreadPool;
import org.polyspan.ingest.SpanLabelingOptions;
import org.polyspan.model.InferenceBudget;
import org.polyspan.runtime.MappingTemplateEndpoint;
import org.polyspan.runtime.ModelMemoryLimit;
import org.polyspan.runtime.NativeLibraries;
import org.polyspan.runtime.PluginNode;
import org.polyspan.runtime.PluginPools;
import org.polyspan.runtime.PluginSettings;
import org.polyspan.runtime.ProjectApi;
import org.polyspan.runtime.ProjectEndpoint;
import org.polyspan.runtime.StatsEndpoint;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Polyspan for Elasticsearch: the {@code span_labeling} ingest processor (and {@code polyspan_record_failure} for
 * {@code on_failure} handlers), the {@code _polyspan} REST endpoints with their transport actions (the nodes-level
 * models API, {@code _project/index} as a task), and the plugin's three bounded thread pools
 * ({@link PluginPools}): {@code polyspan_inference} for every model call, {@code polyspan_project} for
 * {@code _project/index} jobs, {@code polyspan_model_load} for model loads. Everything but the adaptation to
 * Elasticsearch's types lives in the engine-neutral core.
 */
public class PolyspanPlugin extends Plugin implements IngestPlugin, ActionPlugin {
    private static final Logger LOGGER = LogManager.getLogger(PolyspanPlugin.class);

    // built from the core's table of settings (PluginSettings): keys, defaults and checks are the same on every engine
    public static final Setting<String> MODELS_PATH = Setting.simpleString(PluginSettings.MODELS_PATH.key(), PluginSettings.MODELS_PATH.defaultValue(),
            Setting.Property.NodeScope);
    public static final Setting<String> DEVICE = new Setting<>(PluginSettings.DEVICE.key(), PluginSettings.DEVICE.defaultValue(),
            PluginSettings.DEVICE.validator(), Setting.Property.NodeScope);
    /** The former name of {@link #INTRA_OP_THREADS}. */
    public static final Setting<Integer> THREADS = Setting.intSetting(PluginSettings.INFERENCE_THREADS.key(),
            Integer.parseInt(PluginSettings.INFERENCE_THREADS.defaultValue()), 0, Setting.Property.NodeScope, Setting.Property.DeprecatedWarning);
    /** Threads of ONNX Runtime's global intra-op pool; 0: allocated processors / inference pool threads. */
    public static final Setting<Integer> INTRA_OP_THREADS = Setting.intSetting(PluginSettings.INTRA_OP_THREADS.key(), THREADS, 0,
            Setting.Property.NodeScope);
    /** Limit on the bytes of the node's loaded models: a byte size, a percentage of physical memory, or -1 for none. */
    public static final Setting<Long> MODELS_MAX_BYTES = new Setting<>(PluginSettings.MODELS_MAX_BYTES.key(),
            PluginSettings.MODELS_MAX_BYTES.defaultValue(),
            v -> ModelMemoryLimit.parse(v, s -> ByteSizeValue.parseBytesSizeValue(s, ModelMemoryLimit.KEY).getBytes()),
            Setting.Property.NodeScope);
    /** How long a call waits for a model that is loading before it fails with a retryable 429. */
    public static final Setting<TimeValue> MODELS_LOAD_WAIT = Setting.timeSetting(PluginSettings.MODELS_LOAD_WAIT.key(),
            TimeValue.parseTimeValue(PluginSettings.MODELS_LOAD_WAIT.defaultValue(), PluginSettings.MODELS_LOAD_WAIT.key()),
            TimeValue.ZERO, Setting.Property.NodeScope);
    /** Apertium's HTTP service (APY) used by {@code _project} with {@code translate}, e.g. http://127.0.0.1:2737. */
    public static final Setting<String> APERTIUM_URL = Setting.simpleString(PluginSettings.APERTIUM_URL.key(), PluginSettings.APERTIUM_URL.defaultValue(),
            Setting.Property.NodeScope);

    private final PluginNode node;
    /** Set by {@link #createComponents}, for the statistics of the plugin's pools. */
    private volatile ThreadPool threadPool;

    public PolyspanPlugin(Settings settings, Path configPath) {
        String custom = MODELS_PATH.get(settings);
        Path root = custom.isEmpty() ? configPath.resolve("polyspan").resolve("models") : configPath.resolve(custom);
        NativeLibraries.configure();
        this.node = new PluginNode(new PluginNode.Config(budget(settings), root, DEVICE.get(settings),
                Duration.ofMillis(MODELS_LOAD_WAIT.get(settings).millis()), MODELS_MAX_BYTES.get(settings), APERTIUM_URL.get(settings),
                settings.get("node.name", "unnamed"), message -> new EsRejectedExecutionException(message, false)), LOGGER::warn, LOGGER::info);
    }

    /** Inference pool threads x intra-op threads, checked against the allocated processors. */
    static InferenceBudget budget(Settings settings) {
        int processors = EsExecutors.allocatedProcessors(settings);
        int poolThreads = settings.getAsInt(PluginPools.INFERENCE_SIZE_KEY, PluginPools.inferenceThreads(processors));
        return InferenceBudget.of(processors, poolThreads, INTRA_OP_THREADS.get(settings), PluginPools.INFERENCE_SIZE_KEY,
                INTRA_OP_THREADS.getKey());
    }

    /**
     * The three pools with the same settings and defaults as on OpenSearch: {@code polyspan.inference.pool.size}
     * ({@code max(1, processors / 2)}) and {@code .queue_size} (1000 tasks), {@code polyspan.project.pool.*} (2 threads,
     * 100 jobs), {@code thread_pool.polyspan_model_load.*} (1 thread, 64 loads). Elasticsearch registers the settings.
     */
    @Override
    public List<ExecutorBuilder<?>> getExecutorBuilders(Settings settings) {
        return executorBuilders(settings);
    }

    static List<ExecutorBuilder<?>> executorBuilders(Settings settings) {
        int processors = EsExecutors.allocatedProcessors(settings);
        return List.of(
                new FixedExecutorBuilder(settings, PluginPools.INFERENCE, PluginPools.inferenceThreads(processors),
                        PluginPools.INFERENCE_QUEUE, PluginPools.INFERENCE_PREFIX, EsExecutors.TaskTrackingConfig.DO_NOT_TRACK),
                new FixedExecutorBuilder(settings, PluginPools.PROJECT, PluginPools.PROJECT_THREADS, PluginPools.PROJECT_QUEUE,
                        PluginPools.PROJECT_PREFIX, EsExecutors.TaskTrackingConfig.DO_NOT_TRACK),
                new FixedExecutorBuilder(settings, PluginPools.MODEL_LOAD, PluginPools.MODEL_LOAD_THREADS,
                        PluginPools.MODEL_LOAD_QUEUE, PluginPools.MODEL_LOAD_PREFIX, EsExecutors.TaskTrackingConfig.DO_NOT_TRACK));
    }

    @Override
    public List<Setting<?>> getSettings() {
        return List.of(MODELS_PATH, DEVICE, THREADS, INTRA_OP_THREADS, MODELS_MAX_BYTES, MODELS_LOAD_WAIT, APERTIUM_URL);
    }

    @Override
    public Collection<?> createComponents(PluginServices services) {
        node.pools().bind(services.threadPool()::executor);
        this.threadPool = services.threadPool();
        return List.of(node.models(), node.translators());
    }

    @Override
    public Map<String, Processor.Factory> getProcessors(Processor.Parameters parameters) {
        return Map.of(SpanLabelingOptions.TYPE, new SpanLabelingProcessor.Factory(node.models(),
                () -> node.pools().get(PluginPools.INFERENCE), node.rejections()),
                RecordFailureProcessor.TYPE, new RecordFailureProcessor.Factory());
    }

    @Override
    public Collection<RestHandler> getRestHandlers(Settings settings, NamedWriteableRegistry namedWriteableRegistry,
                                                   RestController restController, ClusterSettings clusterSettings,
                                                   IndexScopedSettings indexScopedSettings, SettingsFilter settingsFilter,
                                                   IndexNameExpressionResolver indexNameExpressionResolver,
                                                   Supplier<DiscoveryNodes> nodesInCluster,
                                                   Predicate<NodeFeature> clusterSupportsFeature) {
        return List.of(new RestModelsAction(), new EndpointHandler(new MappingTemplateEndpoint()),
                new EndpointHandler(new StatsEndpoint(node.budget(), node.rejections(), node.models(),
                        () -> PluginThreadPools.read(threadPool))),
                new EndpointHandler(new ProjectEndpoint(new ProjectApi(node.models(), node.translators()), node.rejections())),
                new RestProjectIndexAction(node.models(), node.translators()));
    }

    @Override
    public List<ActionHandler<? extends ActionRequest, ? extends ActionResponse>> getActions() {
        return List.of(new ActionHandler<>(ModelsAction.INSTANCE, TransportModelsAction.class),
                new ActionHandler<>(ProjectIndexAction.INSTANCE, TransportProjectIndexAction.class));
    }

    /** The status of {@code _project/index} tasks, readable by {@code GET _tasks} from any node. */
    @Override
    public List<NamedWriteableRegistry.Entry> getNamedWriteables() {
        return List.of(new NamedWriteableRegistry.Entry(Task.Status.class, ProjectIndexStatus.NAME, ProjectIndexStatus::new));
    }

    @Override
    public void close() {
        node.models().close();
    }
}
