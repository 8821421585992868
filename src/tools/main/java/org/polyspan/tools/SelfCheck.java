package org.polyspan.tools;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.polyspan.model.LabelingModel;
import org.polyspan.model.ModelSelfCheck;
import org.polyspan.model.SelfCheckReference;
import org.polyspan.model.SelfCheckResult;
import org.polyspan.onnx.CpuFeatures;
import org.polyspan.onnx.Int8Precision;
import org.polyspan.onnx.OnnxWindowEncoder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes, refreshes or runs a model directory's self-check ({@code self_check.json}), which every node runs when it
 * loads the model and before it serves it (see README, "Self-check").
 *
 * <pre>models/tool.sh SelfCheck --write DIR [--reference REF_DIR] [--precision fp32|int8]
 *                                [--min-mean-cosine X] [--min-span-f1 Y]
 * models/tool.sh SelfCheck --update-heads DIR
 * models/tool.sh SelfCheck --verify DIR</pre>
 *
 * <ul>
 *   <li>{@code --write}: the expected features and tags are computed by running {@code REF_DIR} (default {@code DIR}
 *       itself), which must be a model known to be right: for an int8 model, its fp32 original. The tolerance follows
 *       {@code DIR}'s precision: int8 when its {@code config.json} records a quantisation, else fp32.</li>
 *   <li>{@code --update-heads}: after a head was retrained or added, the heads' expected tags are computed again with
 *       {@code DIR}'s model; the expected features stay. ({@code TrainHead} does this itself.)</li>
 *   <li>{@code --verify}: loads {@code DIR} as a node does and runs its check; exit status 0 when it passes, 1 when it
 *       fails, 2 when the model cannot be loaded or has no reference.</li>
 * </ul>
 */
public final class SelfCheck {
    private SelfCheck() {}

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv, List.of("write", "reference", "precision", "min-mean-cosine", "min-span-f1", "update-heads",
                "verify", "threads"));
        int threads = Integer.parseInt(args.get("threads", "0"));
        if (!args.get("write", "").isEmpty()) {
            write(Path.of(args.get("write", "")), args, threads);
        } else if (!args.get("update-heads", "").isEmpty()) {
            Path dir = Path.of(args.get("update-heads", ""));
            updateHeads(dir, threads);
            System.out.println("updated the expected head tags of " + dir.resolve(SelfCheckReference.FILE));
        } else if (!args.get("verify", "").isEmpty()) {
            System.exit(verify(Path.of(args.get("verify", "")), threads));
        } else {
            throw new IllegalArgumentException("give --write DIR, --update-heads DIR or --verify DIR");
        }
    }

    private static void write(Path dir, Args args, int threads) throws Exception {
        Path referenceDir = Path.of(args.get("reference", dir.toString()));
        String precision = args.get("precision", precision(dir));
        SelfCheckReference.Tolerance base = SelfCheckReference.Tolerance.forPrecision(precision);
        SelfCheckReference.Tolerance tolerance = new SelfCheckReference.Tolerance(
                Double.parseDouble(args.get("min-mean-cosine", String.valueOf(base.minMeanCosine()))),
                Double.parseDouble(args.get("min-span-f1", String.valueOf(base.minSpanF1()))));
        try (LabelingModel reference = load(referenceDir, threads)) {
            SelfCheckReference r = ModelSelfCheck.reference(reference, precision, referenceDir.getFileName().toString(), tolerance);
            r.write(dir);
            System.out.printf("wrote %s: %d sentences, heads %s, computed with %s, %s tolerance (mean cosine >= %s, span F1 >= %s)%n",
                    dir.resolve(SelfCheckReference.FILE), r.sentences().size(), r.sentences().get(0).tags().keySet(), referenceDir,
                    precision, tolerance.minMeanCosine(), tolerance.minSpanF1());
        }
    }

    /** Recomputes the expected tags of every head of {@code dir}'s model, keeping the expected features. */
    public static void updateHeads(Path dir, int threads) throws Exception {
        SelfCheckReference r = SelfCheckReference.read(dir);
        if (r == null) {
            throw new IllegalArgumentException(dir + " has no " + SelfCheckReference.FILE + ": write one with --write");
        }
        try (LabelingModel model = load(dir, threads)) {
            for (String head : model.heads().keySet()) {
                r = r.withHeadTags(head, ModelSelfCheck.headTags(model, r, head));
            }
        }
        r.write(dir);
    }

    private static int verify(Path dir, int threads) throws Exception {
        Map<String, Object> cpu = CpuFeatures.describe();
        System.out.println("cpu: " + cpu.get("arch") + " " + cpu.getOrDefault("model", "") + ", features " + cpu.get("features"));
        System.out.println("int8: " + Int8Precision.get().describe());
        SelfCheckResult result;
        try (LabelingModel model = load(dir, threads)) {
            result = ModelSelfCheck.run(model);
        } catch (Exception e) {
            System.out.println("FAILED: " + dir + " cannot be loaded: " + e.getMessage());
            return 2;
        }
        System.out.println(dir + ": self-check " + result.status() + " " + result.toMap());
        if ("absent".equals(result.status())) {
            return 2;
        }
        return result.failed() ? 1 : 0;
    }

    /** {@code int8} when the model's config records a quantisation ({@code models/recipe/quantize.py} writes it). */
    static String precision(Path dir) throws Exception {
        JsonObject config = JsonParser.parseString(Files.readString(dir.resolve("config.json"))).getAsJsonObject();
        return config.has("polyspan") && config.getAsJsonObject("polyspan").has("quantization") ? "int8" : "fp32";
    }

    private static LabelingModel load(Path dir, int threads) throws Exception {
        return LabelingModel.load(dir.getFileName().toString(), dir, OnnxWindowEncoder.Device.CPU, threads);
    }
}
