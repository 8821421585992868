package org.polyspan;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/** The tiny random-weight fixtures that the build writes with {@code models/build-default.sh --tiny}. */
public final class TinyModels {
    public static final String HEADS = "tiny-heads";
    public static final String HF = "tiny-hf";

    private TinyModels() {}

    /** The fixture root; fails (never skips) when the fixtures were not generated. */
    public static Path root() {
        String prop = System.getProperty("polyspan.test.models");
        if (prop == null || prop.isBlank()) {
            fail("system property polyspan.test.models is not set: run the tests through Maven (the build generates the "
                    + "fixtures in target/test-models), or run models/build-default.sh --tiny DIR and pass "
                    + "-Dpolyspan.test.models=DIR");
        }
        Path root = Path.of(prop);
        for (String id : List.of(HEADS, HF)) {
            if (!Files.isRegularFile(root.resolve(id).resolve("config.json"))) {
                fail("tiny test model [" + id + "] is missing from " + root + ": generate it with "
                        + "models/build-default.sh --tiny " + root + " (the Maven build does this in generate-test-resources)");
            }
        }
        return root;
    }

    public static Path dir(String id) {
        return root().resolve(id);
    }

    /** The directory of fixture {@code id}; fails (never skips) when it has no {@code requiredFile}. */
    public static Path fixture(String id, String requiredFile) {
        Path dir = root().resolve(id);
        if (!Files.isRegularFile(dir.resolve(requiredFile))) {
            fail("fixture [" + id + "] has no " + requiredFile + " in " + root() + ": regenerate it with models/build-default.sh --tiny "
                    + root());
        }
        return dir;
    }

    public static JsonObject json(Path file) throws IOException {
        return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    }

    public static long[] longs(JsonArray a) {
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsLong();
        }
        return out;
    }

    public static double[] doubles(JsonArray a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsDouble();
        }
        return out;
    }

    /**
     * Copies a model directory (one level of sub-directories) so a test may change it; without its self-check
     * reference, which would refuse the changed model (a test that checks the self-check writes its own).
     */
    public static Path copy(String id, Path target) throws IOException {
        Path src = dir(id);
        try (Stream<Path> files = Files.walk(src)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path to = target.resolve(src.relativize(p).toString());
                if (p.getFileName().toString().equals("self_check.json")) {
                    continue;
                }
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        return target;
    }
}
