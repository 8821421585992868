package org.polyspan.plugin;

import org.opensearch.cluster.metadata.IndexNameExpressionResolver;
import org.opensearch.cluster.node.DiscoveryNodes;
import org.opensearch.common.settings.ClusterSettings;
import org.opensearch.common.settings.IndexScopedSettings;
import org.opensearch.common.settings.Setting;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.settings.SettingsFilter;
import org.opensearch.ingest.Processor;
import org.opensearch.plugins.ActionPlugin;
import org.opensearch.plugins.IngestPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.rest.RestController;
import org.opensearch.rest.RestHandler;
import org.polyspan.model.ModelRepository;
import org.polyspan.model.OnnxWindowEncoder;
import org.polyspan.translation.ApertiumTranslator;

import java.io.IOException;
import java.nio.file.Path;
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
    /** The Apertium command used by {@code _project} with {@code translate}: a name looked up on PATH, or a path. */
    public static final Setting<String> APERTIUM = Setting.simpleString("polyspan.apertium.command", "apertium", Setting.Property.NodeScope);

    private final ModelRepository models;

    public PolyspanPlugin(Settings settings, Path configPath) {
        String custom = MODELS_PATH.get(settings);
        Path root = custom.isEmpty() ? configPath.resolve("polyspan").resolve("models") : configPath.resolve(custom);
        OnnxWindowEncoder.Device device = DEVICE.get(settings).equals("cuda") ? OnnxWindowEncoder.Device.CUDA : OnnxWindowEncoder.Device.CPU;
        this.models = new ModelRepository(root, device, THREADS.get(settings));
        NativeLibraries.configure();
    }

    @Override
    public List<Setting<?>> getSettings() {
        return List.of(MODELS_PATH, DEVICE, THREADS, APERTIUM);
    }

    @Override
    public Map<String, Processor.Factory> getProcessors(Processor.Parameters parameters) {
        return Map.of(SpanLabelingProcessor.TYPE, new SpanLabelingProcessor.Factory(models));
    }

    @Override
    public List<RestHandler> getRestHandlers(Settings settings, RestController restController, ClusterSettings clusterSettings,
                                             IndexScopedSettings indexScopedSettings, SettingsFilter settingsFilter,
                                             IndexNameExpressionResolver resolver, Supplier<DiscoveryNodes> nodes) {
        return List.of(new RestModelsAction(models), new RestMappingTemplateAction(), new RestProjectAction(models,
                () -> ApertiumTranslator.detect(APERTIUM.get(settings), System.getenv("PATH"), 120)));
    }

    @Override
    public void close() throws IOException {
        models.close();
    }
}
