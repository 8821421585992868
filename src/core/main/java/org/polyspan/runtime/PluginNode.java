package org.polyspan.runtime;

import org.polyspan.model.InferenceBudget;
import org.polyspan.model.InferenceRejections;
import org.polyspan.model.ModelRepository;
import org.polyspan.onnx.OnnxSessions;
import org.polyspan.onnx.OnnxWindowEncoder;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What the plugin holds on one node, built alike on every engine once the engine has read the settings with its own
 * setting types: ONNX Runtime's global pool sized by the inference budget, the model repository (loads on the node's
 * load pool), Apertium's service, the node's pools and the count of work the inference pool turned away.
 */
public final class PluginNode {
    /** The settings' values; {@code loadRefusal} is the engine's rejection of a load asked for before the node started. */
    public record Config(InferenceBudget budget, Path modelsRoot, String device, Duration loadWait, long maxModelBytes,
                         String apertiumUrl, String nodeName, Function<String, ? extends RuntimeException> loadRefusal) {}

    private final InferenceBudget budget;
    private final NodePools pools = new NodePools();
    private final InferenceRejections rejections = new InferenceRejections();
    private final ModelRepository models;
    private final ApertiumService translators;

    /** {@code warn} and {@code info} write to the engine's log. */
    public PluginNode(Config config, Consumer<String> warn, Consumer<String> info) {
        this.budget = config.budget();
        if (!OnnxSessions.useGlobalThreadPool(budget.intraOpThreads())) {
            warn.accept("ONNX Runtime was started before the polyspan plugin (several nodes in one JVM?): its global pool keeps its "
                    + "first size, not [" + budget.intraOpThreads() + "] threads");
        }
        info.accept("inference budget: " + budget.processors() + " allocated processors, [" + PluginPools.INFERENCE + "] "
                + budget.poolThreads() + " threads x ONNX Runtime intra-op " + budget.intraOpThreads() + " threads");
        OnnxWindowEncoder.Device device = config.device().equals("cuda") ? OnnxWindowEncoder.Device.CUDA : OnnxWindowEncoder.Device.CPU;
        this.models = new ModelRepository(config.modelsRoot(), device, budget.intraOpThreads(), pools.modelLoads(config.loadRefusal()),
                config.loadWait(), config.maxModelBytes(), config.nodeName());
        this.translators = new ApertiumService(config.apertiumUrl());
    }

    public InferenceBudget budget() {
        return budget;
    }

    public NodePools pools() {
        return pools;
    }

    public InferenceRejections rejections() {
        return rejections;
    }

    public ModelRepository models() {
        return models;
    }

    public ApertiumService translators() {
        return translators;
    }
}
