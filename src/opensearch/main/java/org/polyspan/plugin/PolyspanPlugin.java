package org.polyspan.plugin;

import org.opensearch.action.ActionRequest;
import org.opensearch.cluster.metadata.IndexNameExpressionResolver;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.io.stream.NamedWriteableRegistry;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.env.Environment;
import org.opensearch.env.NodeEnvironment;
import org.opensearch.repositories.RepositoriesService;
import org.opensearch.script.ScriptService;
import org.opensearch.tasks.Task;
import org.opensearch.threadpool.ExecutorBuilder;
import org.opensearch.threadpool.FixedExecutorBuilder;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.client.Client;
import org.opensearch.watcher.ResourceWatcherService;
import org.opensearch.cluster.node.DiscoveryNodes;
import org.opensearch.common.settings.ClusterSettings;
import org.opensearch.common.settings.IndexScopedSettings;
import org.opensearch.common.settings.Setting;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.settings.SettingsFilter;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.core.common.unit.ByteSizeValue;
import org.opensearch.common.util.concurrent.OpenSearchExecutors;
import org.opensearch.ingest.Processor;
import org.opensearch.plugins.ActionPlugin;
import org.opensearch.plugins.IngestPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.rest.RestController;
import org.opensearch.rest.RestHandler;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.secure_sm.AccessController;
import org.polyspan.model.InferenceBudget;
import org.polyspan.onnx.CpuFeatures;
import org.polyspan.runtime.MappingTemplateEndpoint;
import org.polyspan.runtime.ModelMemoryLimit;
import org.polyspan.runtime.PluginNode;
import org.polyspan.runtime.PluginPools;
import org.polyspan.runtime.PluginSettings;
import org.polyspan.runtime.ProjectApi;
import org.polyspan.runtime.ProjectEndpoint;
import org.polyspan.runtime.StatsEndpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * Registers the {@code span_labeling} ingest processor, the {@code _plugins/polyspan} REST endpoints and the plugin's
 * three thread pools ({@link PluginPools}): {@code polyspan_inference}, where every model call runs (ingest,
 * {@code _project}, the batches of {@code _project/index}), {@code polyspan_project}, which drives
 * {@code _project/index} jobs (their searches and bulk writes wait there, never on a network, transport or inference
 * thread), and {@code polyspan_model_load} for model loads.
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
            Integer.parseInt(PluginSettings.INFERENCE_THREADS.defaultValue()), 0, Setting.Property.NodeScope, Setting.Property.Deprecated);
    /** Threads of ONNX Runtime's global intra-op pool; 0: allocated processors / inference pool threads. */
    public static final Setting<Integer> INTRA_OP_THREADS = Setting.intSetting(PluginSettings.INTRA_OP_THREADS.key(), THREADS, 0,
            Setting.Property.NodeScope);
    /**
     * Limit on the bytes of a node's loaded models (their files' size): a byte size, a percentage of the machine's
     * physical memory, or {@code -1} for none ({@link ModelMemoryLimit}); OpenSearch's parser reads the byte sizes.
     */
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
        Path root = modelsRoot(MODELS_PATH.get(settings), configPath);
        NativeLibraries.configure();
        // read once here, where the plugin's own permission applies: later reads run under server frames on the stack
        AccessController.doPrivileged(CpuFeatures::describe);
        this.node = new PluginNode(new PluginNode.Config(budget(settings), root, DEVICE.get(settings),
                Duration.ofMillis(MODELS_LOAD_WAIT.get(settings).millis()), MODELS_MAX_BYTES.get(settings), APERTIUM_URL.get(settings),
                settings.get("node.name", "unnamed"), RejectedExecutionException::new), LOGGER::warn, LOGGER::info);
    }

    /**
     * The models directory: {@code polyspan.models_path} resolved against the config directory, which it must stay
     * in: the plugin's security policy grants reads there only. A symbolic link inside the config directory may point
     * elsewhere.
     */
    static Path modelsRoot(String custom, Path configPath) {
        if (custom.isEmpty()) {
            return configPath.resolve("polyspan").resolve("models");
        }
        Path config = configPath.toAbsolutePath().normalize();
        Path root = config.resolve(custom).normalize();
        if (!root.startsWith(config)) {
            throw new IllegalArgumentException("[" + MODELS_PATH.getKey() + "] must be a directory inside the config directory " + config
                    + ", got [" + custom + "]; link a directory from there to use another place");
        }
        return root;
    }

    /** Inference pool threads x intra-op threads, checked against the allocated processors. */
    static InferenceBudget budget(Settings settings) {
        int processors = OpenSearchExecutors.allocatedProcessors(settings);
        int poolThreads = settings.getAsInt(PluginPools.INFERENCE_SIZE_KEY, PluginPools.inferenceThreads(processors));
        return InferenceBudget.of(processors, poolThreads, INTRA_OP_THREADS.get(settings), PluginPools.INFERENCE_SIZE_KEY,
                INTRA_OP_THREADS.getKey());
    }

    /**
     * The three pools of {@link PluginPools} with their defaults: {@code polyspan.inference.pool.size}
     * ({@code max(1, processors / 2)}) and {@code .queue_size} (1000 tasks), {@code polyspan.project.pool.*} (2 threads,
     * 100 jobs), {@code thread_pool.polyspan_model_load.*} (1 thread, 64 loads). OpenSearch registers the settings.
     */
    @Override
    public List<ExecutorBuilder<?>> getExecutorBuilders(Settings settings) {
        return executorBuilders(settings);
    }

    static List<ExecutorBuilder<?>> executorBuilders(Settings settings) {
        int processors = OpenSearchExecutors.allocatedProcessors(settings);
        return List.of(
                new FixedExecutorBuilder(settings, PluginPools.INFERENCE, PluginPools.inferenceThreads(processors),
                        PluginPools.INFERENCE_QUEUE, PluginPools.INFERENCE_PREFIX),
                new FixedExecutorBuilder(settings, PluginPools.PROJECT, PluginPools.PROJECT_THREADS, PluginPools.PROJECT_QUEUE,
                        PluginPools.PROJECT_PREFIX),
                new FixedExecutorBuilder(settings, PluginPools.MODEL_LOAD, PluginPools.MODEL_LOAD_THREADS,
                        PluginPools.MODEL_LOAD_QUEUE, PluginPools.MODEL_LOAD_PREFIX));
    }

    @Override
    public List<Setting<?>> getSettings() {
        return List.of(MODELS_PATH, DEVICE, THREADS, INTRA_OP_THREADS, APERTIUM_URL, MODELS_MAX_BYTES, MODELS_LOAD_WAIT);
    }

    @Override
    public Map<String, Processor.Factory> getProcessors(Processor.Parameters parameters) {
        return Map.of(SpanLabelingProcessor.TYPE, new SpanLabelingProcessor.Factory(node.models(),
                () -> node.pools().get(PluginPools.INFERENCE), node.rejections()));
    }

    @Override
    public List<RestHandler> getRestHandlers(Settings settings, RestController restController, ClusterSettings clusterSettings,
                                             IndexScopedSettings indexScopedSettings, SettingsFilter settingsFilter,
                                             IndexNameExpressionResolver resolver, Supplier<DiscoveryNodes> nodes) {
        return List.of(new RestModelsAction(), new EndpointHandler(new MappingTemplateEndpoint()),
                new EndpointHandler(new ProjectEndpoint(new ProjectApi(node.models(), node.translators()), node.rejections())),
                new RestProjectIndexAction(node.models(), node.translators()),
                new EndpointHandler(new StatsEndpoint(node.budget(), node.rejections(), node.models(),
                        () -> PluginThreadPools.read(threadPool))));
    }

    @Override
    public List<ActionHandler<? extends ActionRequest, ? extends ActionResponse>> getActions() {
        return List.of(new ActionHandler<>(ProjectIndexAction.INSTANCE, TransportProjectIndexAction.class),
                new ActionHandler<>(ModelsAction.INSTANCE, TransportModelsAction.class));
    }

    /** The status of {@code _project/index} tasks, readable by {@code GET _tasks} from any node. */
    @Override
    public List<NamedWriteableRegistry.Entry> getNamedWriteables() {
        return List.of(new NamedWriteableRegistry.Entry(Task.Status.class, ProjectIndexStatus.NAME, ProjectIndexStatus::new));
    }

    /** The model repository and the translator lookup, for injection into {@link TransportProjectIndexAction}. */
    @Override
    public Collection<Object> createComponents(Client client, ClusterService clusterService, ThreadPool threadPool,
                                               ResourceWatcherService resourceWatcherService, ScriptService scriptService,
                                               NamedXContentRegistry xContentRegistry, Environment environment,
                                               NodeEnvironment nodeEnvironment, NamedWriteableRegistry namedWriteableRegistry,
                                               IndexNameExpressionResolver indexNameExpressionResolver,
                                               Supplier<RepositoriesService> repositoriesServiceSupplier) {
        node.pools().bind(threadPool::executor);
        this.threadPool = threadPool;
        return List.of(node.models(), node.translators());
    }

    @Override
    public void close() throws IOException {
        node.models().close();
    }
}
