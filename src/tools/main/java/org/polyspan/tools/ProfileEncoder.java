package org.polyspan.tools;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.polyspan.onnx.OnnxSessions;

import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Where an encoder's time goes, and how graphs of the same encoder compare: for each ONNX file (inputs
 * {@code input_ids}, {@code attention_mask}, {@code token_type_ids}), one call on a fixed batch of random token ids is
 * timed {@code --rounds} times, the files taking turns so that a shared machine's load drifts alike for all; medians
 * and minima are printed. With {@code --ops yes}, each file is then run again under ONNX Runtime's session profiler and
 * the kernel time per operator type is printed (milliseconds per call, share, nodes per call).
 *
 * <pre>models/tool.sh ProfileEncoder --onnx A.onnx,B.onnx [--batch 12] [--length 42] [--rounds 20] [--threads 2] [--ops yes] [--max-id 30000]</pre>
 */
public final class ProfileEncoder {

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv, List.of("onnx", "batch", "length", "rounds", "threads", "ops", "max-id"));
        int batch = Integer.parseInt(args.get("batch", "12"));
        int length = Integer.parseInt(args.get("length", "42"));
        int rounds = Integer.parseInt(args.get("rounds", "20"));
        int threads = Integer.parseInt(args.get("threads", "2"));
        int maxId = Integer.parseInt(args.get("max-id", "30000"));
        boolean ops = "yes".equals(args.get("ops", "no"));
        List<Path> files = new ArrayList<>();
        for (String f : args.require("onnx").split(",")) {
            files.add(Path.of(f));
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, OnnxTensor> inputs = inputs(env, batch, length, maxId);
        try {
            System.out.printf(Locale.ROOT, "batch %d x %d tokens, %d intra-op threads, %d interleaved calls per file%n",
                    batch, length, threads, rounds);
            List<OrtSession> sessions = new ArrayList<>();
            try {
                for (Path f : files) {
                    try (OrtSession.SessionOptions options = options(threads)) {
                        sessions.add(OnnxSessions.open(f, options));
                    }
                }
                List<List<Double>> times = timeInTurns(sessions, inputs, rounds);
                for (int i = 0; i < files.size(); i++) {
                    List<Double> t = new ArrayList<>(times.get(i));
                    t.sort(null);
                    System.out.printf(Locale.ROOT, "%-70s median %7.1f ms  min %7.1f ms%n", files.get(i), t.get(t.size() / 2), t.get(0));
                }
            } finally {
                for (OrtSession s : sessions) {
                    s.close();
                }
            }
            if (ops) {
                for (Path f : files) {
                    printOperators(f, profile(f, threads, inputs, Math.max(3, rounds / 2)));
                }
            }
        } finally {
            for (OnnxTensor t : inputs.values()) {
                t.close();
            }
        }
    }

    /** Per-session threads that block when idle: a spinning pool of the file that just ran would slow the next one. */
    private static OrtSession.SessionOptions options(int threads) throws Exception {
        OrtSession.SessionOptions options = OnnxSessions.options(false, threads);
        options.addConfigEntry("session.intra_op.allow_spinning", "0");
        return options;
    }

    private static Map<String, OnnxTensor> inputs(OrtEnvironment env, int batch, int length, int maxId) throws Exception {
        long[] ids = new long[batch * length];
        long[] mask = new long[ids.length];
        Random random = new Random(1);
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 1000 + random.nextInt(Math.max(1, maxId - 1000));
            mask[i] = 1;
        }
        long[] shape = {batch, length};
        Map<String, OnnxTensor> in = new HashMap<>();
        in.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
        in.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
        in.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[ids.length]), shape));
        return in;
    }

    private static List<List<Double>> timeInTurns(List<OrtSession> sessions, Map<String, OnnxTensor> in, int rounds) throws Exception {
        List<List<Double>> times = new ArrayList<>();
        for (OrtSession s : sessions) {
            times.add(new ArrayList<>());
            s.run(in).close(); // warm-up
        }
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < sessions.size(); i++) {
                long t0 = System.nanoTime();
                sessions.get(i).run(in).close();
                times.get(i).add((System.nanoTime() - t0) / 1e6);
            }
        }
        return times;
    }

    /** ONNX Runtime's profile (a Chrome trace) of calls to one file. */
    private static Path profile(Path file, int threads, Map<String, OnnxTensor> in, int calls) throws Exception {
        Path prefix = Files.createTempFile("polyspan-profile-", "");
        Files.delete(prefix);
        try (OrtSession.SessionOptions options = options(threads)) {
            options.enableProfiling(prefix.toString());
            try (OrtSession session = OnnxSessions.open(file, options)) {
                for (int i = 0; i < calls; i++) {
                    session.run(in).close();
                }
                return Path.of(session.endProfiling());
            }
        }
    }

    private static void printOperators(Path file, Path trace) throws Exception {
        try {
            JsonArray events = JsonParser.parseString(Files.readString(trace)).getAsJsonArray();
            Map<String, double[]> byType = new LinkedHashMap<>(); // op type -> {microseconds, nodes}
            int runs = 0;
            for (JsonElement e : events) {
                JsonObject o = e.getAsJsonObject();
                String name = o.has("name") ? o.get("name").getAsString() : "";
                if ("model_run".equals(name)) {
                    runs++;
                } else if (o.has("cat") && "Node".equals(o.get("cat").getAsString()) && name.endsWith("_kernel_time")) {
                    String op = o.getAsJsonObject("args").get("op_name").getAsString();
                    double[] acc = byType.computeIfAbsent(op, k -> new double[2]);
                    acc[0] += o.get("dur").getAsDouble();
                    acc[1]++;
                }
            }
            double total = byType.values().stream().mapToDouble(a -> a[0]).sum();
            System.out.printf(Locale.ROOT, "%s, kernel time per operator type over %d profiled calls:%n", file, runs);
            int perRun = Math.max(1, runs);
            byType.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue()[0], a.getValue()[0])).limit(12)
                    .forEach(en -> System.out.printf(Locale.ROOT, "  %-28s %8.1f ms/call %5.1f %%  %4.0f nodes/call%n", en.getKey(),
                            en.getValue()[0] / perRun / 1000, 100 * en.getValue()[0] / total, en.getValue()[1] / perRun));
        } finally {
            Files.deleteIfExists(trace);
        }
    }
}
