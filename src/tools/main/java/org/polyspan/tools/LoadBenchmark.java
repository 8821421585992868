package org.polyspan.tools;

import ai.onnxruntime.OrtSession;
import org.polyspan.onnx.OnnxSessions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether saving ONNX Runtime's optimised graph shortens model loading: for each ONNX file, the session is created
 * from the file with full optimisation (what a node does at every load), once more while writing the optimised graph
 * to a temporary file ({@code SessionOptions.setOptimizedModelFilePath}), and then from that file with optimisation
 * off. The first and the last alternate for {@code --rounds} rounds; medians are printed. The files stay in the page
 * cache throughout, so the figures compare the work ONNX Runtime does, not disk reads.
 *
 * <pre>models/tool.sh LoadBenchmark --onnx models/build/mbert-ner/encoder.onnx,models/build/mbert-ner-int8/encoder.onnx [--rounds 3]</pre>
 */
public final class LoadBenchmark {

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv, List.of("onnx", "rounds"));
        int rounds = Integer.parseInt(args.get("rounds", "3"));
        for (String file : args.require("onnx").split(",")) {
            measure(Path.of(file), rounds);
        }
    }

    static void measure(Path onnx, int rounds) throws Exception {
        Path saved = Files.createTempFile("polyspan-optimised-", ".onnx");
        try {
            Files.readAllBytes(onnx); // into the page cache before the first timing
            long t0 = System.nanoTime();
            try (OrtSession.SessionOptions o = OnnxSessions.options(false, 1)) {
                o.setOptimizedModelFilePath(saved.toString());
                OnnxSessions.open(onnx, o).close();
            }
            double writing = (System.nanoTime() - t0) / 1e9;
            List<Double> original = new ArrayList<>();
            List<Double> optimised = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                original.add(time(onnx, OrtSession.SessionOptions.OptLevel.ALL_OPT));
                optimised.add(time(saved, OrtSession.SessionOptions.OptLevel.NO_OPT));
            }
            System.out.printf(Locale.ROOT, "%s (%.0f MB): load with full optimisation %.2f s (median of %d), writing the optimised "
                            + "graph %.2f s (%.0f MB), load of the optimised graph without optimisation %.2f s (%.2fx)%n",
                    onnx, Files.size(onnx) / 1e6, median(original), rounds, writing, Files.size(saved) / 1e6,
                    median(optimised), median(original) / median(optimised));
        } finally {
            Files.deleteIfExists(saved);
        }
    }

    private static double time(Path file, OrtSession.SessionOptions.OptLevel level) throws Exception {
        long t0 = System.nanoTime();
        try (OrtSession.SessionOptions o = OnnxSessions.options(false, 1)) {
            o.setOptimizationLevel(level);
            OnnxSessions.open(file, o).close();
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
