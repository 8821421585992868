package org.polyspan.elasticsearch;

import org.elasticsearch.cluster.metadata.IndexNameExpressionResolver;
import org.elasticsearch.cluster.node.DiscoveryNodes;
import org.elasticsearch.common.io.stream.NamedWriteableRegistry;
import org.elasticsearch.common.settings.ClusterSettings;
import org.elasticsearch.common.settings.IndexScopedSettings;
import org.elasticsearch.common.settings.Setting;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.settings.SettingsFilter;
import org.elasticsearch.features.NodeFeature;
import org.elasticsearch.ingest.Processor;
import org.elasticsearch.plugins.ActionPlugin;
import org.elasticsearch.plugins.IngestPlugin;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.rest.RestController;
import org.elasticsearch.rest.RestHandler;
import org.polyspan.ingest.SpanLabelingOptions;
import org.polyspan.model.ModelRepository;
import org.polyspan.model.OnnxWindowEncoder;
import org.polyspan.runtime.ApertiumService;
import org.polyspan.runtime.ModelsApi;
import org.polyspan.runtime.NativeLibraries;
import org.polyspan.runtime.ProjectApi;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Polyspan for Elasticsearch: the {@code span_labeling} ingest processor (and {@code polyspan_record_failure} for
 * {@code on_failure} handlers) and the {@code _polyspan} REST endpoints.
 * Everything but the adaptation to Elasticsearch's types lives in the engine-neutral core.
 */
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
    /** Apertium's HTTP service (APY) used by {@code _project} with {@code translate}, e.g. http://127.0.0.1:2737. */
    public static final Setting<String> APERTIUM_URL = Setting.simpleString("polyspan.translate.apertium_url", Setting.Property.NodeScope);

    private final ModelRepository models;
    private final ApertiumService translators;

    public PolyspanPlugin(Settings settings, Path configPath) {
        String custom = MODELS_PATH.get(settings);
        Path root = custom.isEmpty() ? configPath.resolve("polyspan").resolve("models") : configPath.resolve(custom);
        OnnxWindowEncoder.Device device = DEVICE.get(settings).equals("cuda") ? OnnxWindowEncoder.Device.CUDA : OnnxWindowEncoder.Device.CPU;
        this.models = new ModelRepository(root, device, THREADS.get(settings));
        this.translators = new ApertiumService(APERTIUM_URL.get(settings));
        NativeLibraries.configure();
    }

    @Override
    public List<Setting<?>> getSettings() {
        return List.of(MODELS_PATH, DEVICE, THREADS, APERTIUM_URL);
    }

    @Override
    public Map<String, Processor.Factory> getProcessors(Processor.Parameters parameters) {
        return Map.of(SpanLabelingOptions.TYPE, new SpanLabelingProcessor.Factory(models, parameters.genericExecutor),
                RecordFailureProcessor.TYPE, new RecordFailureProcessor.Factory());
    }

    @Override
    public Collection<RestHandler> getRestHandlers(Settings settings, NamedWriteableRegistry namedWriteableRegistry,
                                                   RestController restController, ClusterSettings clusterSettings,
                                                   IndexScopedSettings indexScopedSettings, SettingsFilter settingsFilter,
                                                   IndexNameExpressionResolver indexNameExpressionResolver,
                                                   Supplier<DiscoveryNodes> nodesInCluster,
                                                   Predicate<NodeFeature> clusterSupportsFeature) {
        return List.of(new RestModelsAction(new ModelsApi(models)), new RestMappingTemplateAction(),
                new RestProjectAction(new ProjectApi(models, translators)));
    }

    @Override
    public void close() {
        models.close();
    }
}
