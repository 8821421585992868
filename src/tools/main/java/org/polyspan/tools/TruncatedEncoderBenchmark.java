package org.polyspan.tools;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.polyspan.labeling.Document;
import org.polyspan.labeling.Word;
import org.polyspan.labeling.WordSplitter;
import org.polyspan.onnx.HuggingFaceSubwordTokenizer;
import org.polyspan.onnx.OnnxSessions;
import org.polyspan.onnx.OnnxWindowEncoder;

import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One process that loads a model's encoders as a node does for {@code _project} and encodes the pairs' sentences, so
 * that whole processes can be compared (wall time, CPU time, peak memory, e.g. under {@code /usr/bin/time -v}):
 * <ul>
 *   <li>{@code --mode file}: the full encoder and {@code encoder_truncated.onnx}, the file the recipe writes;</li>
 *   <li>{@code --mode cut}: the full encoder, and the same cut made in the JVM at load ({@link GraphCut}: the file is
 *       memory-mapped, the cut model written into a direct buffer and handed to ONNX Runtime);</li>
 *   <li>{@code --mode full}: the full encoder alone, which also encodes the sentences (as before the cut).</li>
 * </ul>
 * Prints the seconds of each load and of the encoding, and the sentences/s.
 *
 * <pre>models/tool.sh TruncatedEncoderBenchmark --model models/build/mbert-ner --mode file|cut|full [--pairs 150] [--rounds 2]</pre>
 */
public final class TruncatedEncoderBenchmark {
    private static final int BATCH_TOKENS = 512;

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv, List.of("model", "mode", "data", "pairs", "rounds", "threads"));
        Path dir = Path.of(args.require("model"));
        String mode = args.require("mode");
        int threads = Integer.parseInt(args.get("threads", "0"));
        Path data = Path.of(args.get("data", "../shared/data"));
        int rounds = Integer.parseInt(args.get("rounds", "2"));
        JsonObject config = JsonParser.parseString(Files.readString(dir.resolve("config.json"))).getAsJsonObject();
        long pad = config.has("pad_token_id") ? config.get("pad_token_id").getAsLong() : 0;

        long t0 = System.nanoTime();
        OnnxWindowEncoder full = new OnnxWindowEncoder(dir.resolve("encoder.onnx"), "features", pad, OnnxWindowEncoder.Device.CPU, threads);
        double fullLoad = (System.nanoTime() - t0) / 1e9;
        OrtEnvironment env = OnnxSessions.environment();
        OrtSession truncated = null;
        String output = "features";
        double cutSeconds = 0;
        double truncatedLoad = 0;
        long t1 = System.nanoTime();
        switch (mode) {
            case "file" -> {
                try (OrtSession.SessionOptions o = OnnxSessions.options(false, threads)) {
                    truncated = OnnxSessions.open(dir.resolve("encoder_truncated.onnx"), o);
                }
            }
            case "cut" -> {
                GraphCut.Result cut = GraphCut.cut(dir.resolve("encoder.onnx"), "features", 0);
                cutSeconds = (System.nanoTime() - t1) / 1e9;
                output = cut.output();
                try (OrtSession.SessionOptions o = OnnxSessions.options(false, threads)) {
                    truncated = env.createSession(cut.model(), o);
                }
                System.out.printf(Locale.ROOT, "cut in the JVM: %d of %d nodes, %.0f MB, %.2f s%n", cut.keptNodes(), cut.nodes(),
                        cut.model().capacity() / 1e6, cutSeconds);
            }
            case "full" -> { }
            default -> throw new IllegalArgumentException("--mode file|cut|full, not " + mode);
        }
        truncatedLoad = (System.nanoTime() - t1) / 1e9;

        HuggingFaceSubwordTokenizer tokenizer = new HuggingFaceSubwordTokenizer(dir.resolve("tokenizer.json"), pad);
        List<long[]> seqs = new ArrayList<>();
        for (String text : SpeedTable.pairSentences(SpeedTable.projectionPairs(data, Integer.parseInt(args.get("pairs", "150"))))) {
            Document doc = Document.of(text);
            List<String> words = new ArrayList<>();
            for (Word w : doc.words()) {
                words.add(WordSplitter.tokenizerText(doc.text(), w));
            }
            List<Long> ids = new ArrayList<>();
            for (long id : tokenizer.prefixIds()) {
                ids.add(id);
            }
            for (int[] word : tokenizer.tokenize(words)) {
                for (int id : word) {
                    ids.add((long) id);
                }
            }
            for (long id : tokenizer.suffixIds()) {
                ids.add(id);
            }
            seqs.add(ids.stream().mapToLong(Long::longValue).toArray());
        }
        seqs.sort(Comparator.comparingInt(s -> s.length));
        long t2 = System.nanoTime();
        float checksum = 0;
        for (int r = 0; r < rounds; r++) {
            for (int from = 0; from < seqs.size(); ) {
                int to = from + 1;
                while (to < seqs.size() && (long) seqs.get(to).length * (to - from + 1) <= BATCH_TOKENS) {
                    to++;
                }
                long[][] batch = seqs.subList(from, to).toArray(new long[0][]);
                checksum += truncated == null ? full.encode(batch)[0][0][0] : first(env, truncated, output, batch, pad);
                from = to;
            }
        }
        double encode = (System.nanoTime() - t2) / 1e9;
        System.out.printf(Locale.ROOT, "%s %s: full encoder loaded in %.2f s, truncated in %.2f s (of which cutting %.2f s); "
                        + "%d sentences x %d encoded in %.2f s, %.1f sentences/s (checksum %.4f)%n", dir.getFileName(), mode, fullLoad,
                truncatedLoad, cutSeconds, seqs.size(), rounds, encode, rounds * seqs.size() / encode, checksum);
        if (truncated != null) {
            truncated.close();
        }
        full.close();
        tokenizer.close();
    }

    /** Runs one batch and returns the first value of the output, as the node's encoder would feed it. */
    private static float first(OrtEnvironment env, OrtSession session, String output, long[][] seqs, long pad) throws Exception {
        int len = Arrays.stream(seqs).mapToInt(s -> s.length).max().orElse(0);
        long[] ids = new long[seqs.length * len];
        long[] mask = new long[seqs.length * len];
        for (int b = 0; b < seqs.length; b++) {
            for (int t = 0; t < len; t++) {
                boolean real = t < seqs[b].length;
                ids[b * len + t] = real ? seqs[b][t] : pad;
                mask[b * len + t] = real ? 1 : 0;
            }
        }
        long[] shape = {seqs.length, len};
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try {
            feeds.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
            feeds.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
            if (session.getInputNames().contains("token_type_ids")) {
                feeds.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[ids.length]), shape));
            }
            try (OrtSession.Result r = session.run(feeds, Set.of(output))) {
                return ((OnnxTensor) r.get(output).orElseThrow()).getFloatBuffer().get(0);
            }
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }
}
