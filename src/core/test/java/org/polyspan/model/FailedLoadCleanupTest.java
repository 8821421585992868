package org.polyspan.model;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.polyspan.TinyModels;
import org.polyspan.onnx.OnnxSessions;
import org.polyspan.onnx.OnnxWindowEncoder;
import org.polyspan.translation.TranslationModel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A load that fails gives back every native session it opened: the repository tries a failed load again on every
 * lease, so whatever one attempt leaks, every request naming the model leaks again.
 */
class FailedLoadCleanupTest {
    @TempDir
    Path tmp;

    /** A copy of fixture {@code id} as models/{@code to}, with {@code change} applied to its config.json. */
    private Path changed(String id, String to, Consumer<JsonObject> change) throws Exception {
        Path dir = TinyModels.copy(id, tmp.resolve("models").resolve(to));
        JsonObject config = TinyModels.json(dir.resolve("config.json"));
        change.accept(config);
        Files.writeString(dir.resolve("config.json"), config.toString());
        return dir;
    }

    private static JsonObject polyspan(JsonObject config) {
        if (!config.has("polyspan")) {
            config.add("polyspan", new JsonObject());
        }
        return config.getAsJsonObject("polyspan");
    }

    @Test
    void aTranslationModelWithAnAliasOfNoCodeOpensNoSession() throws Exception {
        Path dir = changed("tiny-m2m100", "t", c -> {
            JsonObject languages = new JsonObject();
            languages.addProperty("xx", "xxx_Latn");
            polyspan(c).add("languages", languages);
        });
        int open = OnnxSessions.openSessions();
        for (int i = 0; i < 3; i++) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TranslationModel.load("t", dir, false, 1));
            assertTrue(e.getMessage().contains("language alias [xx]"), e.getMessage());
        }
        assertEquals(open, OnnxSessions.openSessions());
    }

    @Test
    void aLabelingModelWhoseMaxLengthLeavesNoRoomClosesItsEncoder() throws Exception {
        Path dir = changed(TinyModels.HF, "m", c -> polyspan(c).addProperty("max_length", 2));
        int open = OnnxSessions.openSessions();
        for (int i = 0; i < 3; i++) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> LabelingModel.load("m", dir, OnnxWindowEncoder.Device.CPU, 1));
            assertTrue(e.getMessage().contains("leaves no room for words"), e.getMessage());
        }
        assertEquals(open, OnnxSessions.openSessions());
    }

    @Test
    void aLabelingModelWithANegativeStrideOpensNoSession() throws Exception {
        Path dir = changed(TinyModels.HF, "m", c -> polyspan(c).addProperty("stride", -1));
        int open = OnnxSessions.openSessions();
        for (int i = 0; i < 3; i++) {
            assertThrows(Exception.class, () -> LabelingModel.load("m", dir, OnnxWindowEncoder.Device.CPU, 1));
        }
        assertEquals(open, OnnxSessions.openSessions());
    }

    @Test
    void aModelBuiltForTheRepositoryIsClosedWhenItsSelfCheckThrows() throws Exception {
        TinyModels.copy(TinyModels.HF, tmp.resolve("models").resolve("m"));
        try (ModelRepository repo = new ModelRepository(tmp.resolve("models"), OnnxWindowEncoder.Device.CPU, 1, Runnable::run,
                Duration.ofMinutes(1), -1, "local", model -> {
                    throw new StackOverflowError("deep");
                })) {
            int open = OnnxSessions.openSessions();
            for (int i = 0; i < 3; i++) {
                // a stack overflow leaves the JVM usable: the load fails, the caller gets an exception
                Exception e = assertThrows(Exception.class, () -> repo.lease("m"));
                assertTrue(e.getCause() instanceof StackOverflowError, String.valueOf(e));
            }
            assertEquals(open, OnnxSessions.openSessions());
            assertEquals(0, repo.loadedBytes());
            assertEquals("failed", repo.status("m").get("state"));
        }
    }

    @Test
    void aFatalErrorAfterTheModelWasBuiltStillClosesItAndReachesTheJvm() throws Exception {
        TinyModels.copy(TinyModels.HF, tmp.resolve("models").resolve("m"));
        try (ModelRepository repo = new ModelRepository(tmp.resolve("models"), OnnxWindowEncoder.Device.CPU, 1, Runnable::run,
                Duration.ofMinutes(1), -1, "local", model -> {
                    throw new OutOfMemoryError("test");
                })) {
            int open = OnnxSessions.openSessions();
            assertThrows(OutOfMemoryError.class, () -> repo.lease("m"));
            assertEquals(open, OnnxSessions.openSessions());
            assertEquals(0, repo.loadedBytes());
        }
    }
}
