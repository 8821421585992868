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
import org.opensearch.ingest.Processor;
import org.opensearch.threadpool.ExecutorBuilder;
import org.opensearch.threadpool.FixedExecutorBuilder;
import org.opensearch.plugins.ActionPlugin;
import org.opensearch.plugins.IngestPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.rest.RestController;
import org.opensearch.rest.RestHandler;
import org.polyspan.model.ModelRepository;
import org.polyspan.model.OnnxWindowEncoder;
import org.polyspan.translation.ApertiumApyTranslator;
import org.polyspan.translation.TranslationException;
import org.polyspan.translation.Translator;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/** Registers the {@code span_labeling} ingest processor and the {@code _plugins/polyspan} REST endpoints. */
public class PolyspanPlugin extends Plugin implements IngestPlugin, ActionPlugin {

    public static final Setting<String> MODELS_PATH = Setting.simpleString("polyspan.models_path", Setting.Property.NodeScope);
    public static final Setting<String> DEVICE = new Setting<>("polyspan.device", "cpu", v -> {
        String d = v.toLowerCase(Locale.ROOT);
        if (!d.equals("cpu") && !d.equals("cuda")) {
            throw new IllegalArgumentException("polyspan.device must be [cpu] or [cuda], got [" + v + "]");
        }
        return d;
    }, Setting.Property.NodeScope);
    public static final Setting<Integer> THREADS = Setting.intSetting("polyspan.inference_threads", 0, 0, Setting.Property.NodeScope);
    /**
     * Limit on the bytes of a node's loaded models (their files' size): a byte size, a percentage of the machine's
     * physical memory, or {@code -1} for none. By default half of physical memory: the other half is for the JVM heap,
     * which OpenSearch sizes at most half of memory, and the file-system cache.
     */
    public static final Setting<Long> MODELS_MAX_BYTES = new Setting<>("polyspan.models.max_bytes", "50%",
            PolyspanPlugin::parseMaxBytes, Setting.Property.NodeScope);
    /** How long a call waits for a model that is loading before it fails with a retryable 429. */
    public static final Setting<TimeValue> MODELS_LOAD_WAIT = Setting.timeSetting("polyspan.models.load_wait",
            TimeValue.timeValueSeconds(30), TimeValue.ZERO, Setting.Property.NodeScope);
    /** Apertium's HTTP service (APY) used by {@code _project} with {@code translate}, e.g. http://127.0.0.1:2737. */
    public static final Setting<String> APERTIUM_URL = Setting.simpleString("polyspan.translate.apertium_url", Setting.Property.NodeScope);

    private final ModelRepository models;
    private final ModelLoadPool loadPool = new ModelLoadPool();
    private final NodeTranslators translators;

    public PolyspanPlugin(Settings settings, Path configPath) {
        String custom = MODELS_PATH.get(settings);
        Path root = custom.isEmpty() ? configPath.resolve("polyspan").resolve("models") : configPath.resolve(custom);
        OnnxWindowEncoder.Device device = DEVICE.get(settings).equals("cuda") ? OnnxWindowEncoder.Device.CUDA : OnnxWindowEncoder.Device.CPU;
        this.models = new ModelRepository(root, device, THREADS.get(settings), loadPool,
                Duration.ofMillis(MODELS_LOAD_WAIT.get(settings).millis()), MODELS_MAX_BYTES.get(settings));
        this.translators = new NodeTranslators(() -> translator(APERTIUM_URL.get(settings)));
        NativeLibraries.configure();
    }

    @Override
    public List<Setting<?>> getSettings() {
        return List.of(MODELS_PATH, DEVICE, THREADS, APERTIUM_URL, MODELS_MAX_BYTES, MODELS_LOAD_WAIT);
    }

    /** The pool that loads models, so no load runs on a cluster-applier, network or transport thread. */
    @Override
    public List<ExecutorBuilder<?>> getExecutorBuilders(Settings settings) {
        return List.of(new FixedExecutorBuilder(settings, ModelLoadPool.NAME, ModelLoadPool.SIZE, ModelLoadPool.QUEUE,
                "thread_pool." + ModelLoadPool.NAME));
    }

    /** {@code -1}, a byte size ({@code 4gb}) or a percentage of physical memory ({@code 50%}). */
    static long parseMaxBytes(String value) {
        String v = value.trim();
        if (v.equals("-1")) {
            return -1;
        }
        if (v.endsWith("%")) {
            double percent;
            try {
                percent = Double.parseDouble(v.substring(0, v.length() - 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("polyspan.models.max_bytes must be -1, a byte size or a percentage, got [" + value + "]");
            }
            if (percent < 0 || percent > 100) {
                throw new IllegalArgumentException("polyspan.models.max_bytes percentage must be between 0 and 100, got [" + value + "]");
            }
            long ram = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
            return (long) (ram * percent / 100);
        }
        return ByteSizeValue.parseBytesSizeValue(v, "polyspan.models.max_bytes").getBytes();
    }

    @Override
    public Map<String, Processor.Factory> getProcessors(Processor.Parameters parameters) {
        return Map.of(SpanLabelingProcessor.TYPE, new SpanLabelingProcessor.Factory(models));
    }

    @Override
    public List<RestHandler> getRestHandlers(Settings settings, RestController restController, ClusterSettings clusterSettings,
                                             IndexScopedSettings indexScopedSettings, SettingsFilter settingsFilter,
                                             IndexNameExpressionResolver resolver, Supplier<DiscoveryNodes> nodes) {
        return List.of(new RestModelsAction(), new RestMappingTemplateAction(), new RestProjectAction(models, translators),
                new RestProjectIndexAction(models, translators));
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
        loadPool.bind(threadPool);
        return List.of(models, translators);
    }

    /**
     * The node's translator: Apertium's HTTP service when configured. Without it there is none, since the node's
     * system call filter forbids starting the {@code apertium} command.
     */
    private static Translator translator(String apertiumUrl) throws TranslationException {
        if (apertiumUrl.isEmpty()) {
            throw new TranslationException("polyspan.translate.apertium_url is not set");
        }
        return ApertiumApyTranslator.connect(apertiumUrl, Duration.ofSeconds(120));
    }

    @Override
    public void close() throws IOException {
        models.close();
    }
}
