package org.polyspan;

import org.polyspan.labeling.Document;
import org.polyspan.labeling.LinearHead;
import org.polyspan.labeling.WordSplitter;
import org.polyspan.model.HeadFiles;
import org.polyspan.model.ModelRepository;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Model directories for the processor tests of both engine shells, built from the tiny fixtures that {@code models/build-default.sh --tiny}
 * generates. The {@code all-per} model has a real encoder and a head whose bias makes every word its own PER span, so
 * expected output can be written down exactly.
 */
public final class ProcessorTestModels {
    public static final List<String> TAGS = List.of("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC");

    private ProcessorTestModels() {}

    public static Path fixtures() {
        String dir = System.getProperty("polyspan.test.models");
        if (dir == null || !Files.isDirectory(Path.of(dir, "tiny-heads"))) {
            throw new IllegalStateException("tiny model fixtures missing in [" + dir
                    + "]: run models/build-default.sh --tiny target/test-models (mvn test does it)");
        }
        return Path.of(dir);
    }

    /** A models directory with {@code tiny-heads}, {@code tiny-hf}, {@code all-per} and {@code one-span}. */
    public static Path modelsDir(Path tmp) {
        try {
            Path root = tmp.resolve("models");
            copy(fixtures().resolve("tiny-heads"), root.resolve("tiny-heads"));
            copy(fixtures().resolve("tiny-hf"), root.resolve("tiny-hf"));
            Path allPer = root.resolve("all-per");
            copy(fixtures().resolve("tiny-heads"), allPer);
            try (Stream<Path> heads = Files.list(allPer.resolve("heads"))) {
                for (Path p : heads.toList()) {
                    Files.delete(p);
                }
            }
            int dim = 64;
            float[][] w = new float[TAGS.size()][dim];
            float[] b = new float[TAGS.size()];
            b[TAGS.indexOf("B-PER")] = 8f;
            HeadFiles.write(allPer.resolve("heads"), "ner", TAGS, w, b, LinearHead.Centering.NONE, null);
            float[] bLoc = new float[TAGS.size()];
            bLoc[TAGS.indexOf("B-LOC")] = 8f;
            HeadFiles.write(allPer.resolve("heads"), "places", TAGS, w, bLoc, LinearHead.Centering.NONE, null);
            // one-span: I-PER scores above B-PER on every word, so unconstrained by sentences Viterbi makes the whole
            // value one span
            Path oneSpan = root.resolve("one-span");
            copy(fixtures().resolve("tiny-heads"), oneSpan);
            try (Stream<Path> heads = Files.list(oneSpan.resolve("heads"))) {
                for (Path p : heads.toList()) {
                    Files.delete(p);
                }
            }
            float[] bJoin = new float[TAGS.size()];
            bJoin[TAGS.indexOf("B-PER")] = 7f;
            bJoin[TAGS.indexOf("I-PER")] = 8f;
            HeadFiles.write(oneSpan.resolve("heads"), "ner", TAGS, w, bJoin, LinearHead.Centering.NONE, null);
            // tiny-heads' self-check expects tiny-heads' head: with other heads these models would rightly be refused
            Files.deleteIfExists(allPer.resolve("self_check.json"));
            Files.deleteIfExists(oneSpan.resolve("self_check.json"));
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies the fixture {@code name} (e.g. {@code tiny-m2m100}) into a models directory made by {@link #modelsDir}. */
    public static void addFixture(Path root, String name) {
        try {
            copy(fixtures().resolve(name), root.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** A mutable processor configuration (or document source) from alternating keys and values (values may be null). */
    public static Map<String, Object> config(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /**
     * The words of {@code text} a model that tags every word a name must make spans of: those with at least one
     * sub-token. A word the tokenizer deletes entirely (only format characters, e.g. a lone zero-width space) has no
     * evidence and stays outside any span.
     */
    public static int taggableWords(ModelRepository models, String modelId, String text) throws Exception {
        Document doc = Document.of(text);
        List<String> texts = doc.words().stream().map(w -> WordSplitter.tokenizerText(text, w)).toList();
        int n = 0;
        try (var lease = models.lease(modelId)) {
            for (int[] ids : lease.model().tokenizer().tokenize(texts)) {
                n += ids.length > 0 ? 1 : 0;
            }
        }
        return n;
    }
}
