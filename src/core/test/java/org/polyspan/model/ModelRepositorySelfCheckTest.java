package org.polyspan.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.polyspan.TinyModels;
import org.polyspan.onnx.OnnxWindowEncoder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a node's repository treats a model that fails its self-check: not served, said why, old copy kept on reload. */
class ModelRepositorySelfCheckTest {
    private static final String NODE = "node-7";

    @TempDir
    Path tmp;

    /** Loads run on the caller's thread and are counted. */
    private final AtomicInteger loads = new AtomicInteger();
    private final Executor counting = command -> {
        loads.incrementAndGet();
        command.run();
    };

    private ModelRepository repository(Path root) {
        return new ModelRepository(root, OnnxWindowEncoder.Device.CPU, 1, counting, Duration.ofMinutes(1), -1, NODE);
    }

    /** models/m: tiny-heads with a reference computed from itself. */
    private Path checkedModel() throws Exception {
        Path dir = TinyModels.copy(TinyModels.HEADS, tmp.resolve("models").resolve("m"));
        try (LabelingModel model = LabelingModel.load("m", dir, OnnxWindowEncoder.Device.CPU, 1)) {
            ModelSelfCheck.reference(model, "fp32", "tiny-heads", SelfCheckReference.Tolerance.FP32).write(dir);
        }
        return dir;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @Test
    void aModelFailingItsCheckIsNotServedAndEveryCallerIsToldWhyWithoutAnotherLoad() throws Exception {
        Path dir = checkedModel();
        ModelSelfCheckTest.negateHead(dir, "ner");
        try (ModelRepository repo = repository(dir.getParent())) {
            ModelCheckFailedException e = assertThrows(ModelCheckFailedException.class, () -> repo.lease("m"));
            assertTrue(e.getMessage().startsWith("model [m] failed its self-check on node [" + NODE + "] and is not served there: "
                    + "head [ner] span F1"), e.getMessage());
            assertEquals(1, loads.get());

            Map<String, Object> status = repo.status("m");
            assertEquals("failed", status.get("state"));
            assertEquals(e.getMessage(), status.get("error"));
            Map<String, Object> check = map(status.get("self_check"));
            assertEquals("failed", check.get("status"));
            assertNotNull(check.get("mean_cosine"));
            assertNotNull(map(check.get("heads")).get("ner"));
            assertEquals("failed", map(repo.selfChecks().get("m")).get("self_check"));

            // the same files fail the same way: callers get the error at once, nothing is loaded again
            ModelCheckFailedException again = assertThrows(ModelCheckFailedException.class, () -> repo.lease("m"));
            assertEquals(e.getMessage(), again.getMessage());
            assertTrue(repo.loadInBackground("m").isCompletedExceptionally());
            assertEquals(1, loads.get());

            // an unload changes nothing: the same files are still refused, and the status says so
            repo.unload("m");
            assertEquals("failed", repo.status("m").get("state"));
            assertEquals(e.getMessage(), repo.status("m").get("error"));
            assertThrows(ModelCheckFailedException.class, () -> repo.lease("m"));
            assertEquals(1, loads.get());

            // fixed files are loaded and checked again
            ModelSelfCheckTest.negateHead(dir, "ner");
            Files.setLastModifiedTime(dir.resolve("heads/ner.bin"), java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
            try (ModelLease<LabelingModel> lease = repo.lease("m")) {
                assertEquals("m", lease.model().id());
            }
            assertEquals(2, loads.get());
            assertEquals("passed", map(repo.status("m").get("self_check")).get("status"));
            assertEquals("loaded", repo.status("m").get("state"));
        }
    }

    @Test
    void aReloadWhoseNewCopyFailsItsCheckKeepsTheOldCopyServing() throws Exception {
        Path dir = checkedModel();
        try (ModelRepository repo = repository(dir.getParent())) {
            List<String> before;
            try (ModelLease<LabelingModel> lease = repo.lease("m")) {
                before = lease.model().label(List.of(org.polyspan.labeling.Document.of(ModelSelfCheck.SENTENCES.get(0))), List.of())
                        .get("ner").get(0).tagNames();
            }
            ModelSelfCheckTest.negateHead(dir, "ner");
            ModelCheckFailedException e = assertThrows(ModelCheckFailedException.class, () -> repo.reload("m"));
            assertTrue(e.getMessage().contains("node [" + NODE + "]"), e.getMessage());

            Map<String, Object> status = repo.status("m");
            assertEquals("loaded", status.get("state"));
            assertEquals("passed", map(status.get("self_check")).get("status"), "the copy in service passed its own check");
            assertEquals("failed", map(status.get("failed_self_check")).get("status"));
            try (ModelLease<LabelingModel> lease = repo.lease("m")) {
                List<String> after = lease.model().label(List.of(org.polyspan.labeling.Document.of(ModelSelfCheck.SENTENCES.get(0))), List.of())
                        .get("ner").get(0).tagNames();
                assertEquals(before, after, "the old copy still labels as before");
            }
            // unloading the old copy leaves the failed files: refused, and shown as failed, not as the old copy's pass
            repo.unload("m");
            assertEquals("failed", repo.status("m").get("state"));
            assertEquals("failed", map(repo.status("m").get("self_check")).get("status"));
            assertThrows(ModelCheckFailedException.class, () -> repo.lease("m"));
        }
    }

    @Test
    void aModelWithoutReferenceIsServedAndSaysItIsUnchecked() throws Exception {
        Path dir = TinyModels.copy(TinyModels.HEADS, tmp.resolve("models").resolve("m"));
        Files.deleteIfExists(dir.resolve(SelfCheckReference.FILE));
        try (ModelRepository repo = repository(dir.getParent()); ModelLease<LabelingModel> lease = repo.lease("m")) {
            assertEquals("absent", map(repo.status("m").get("self_check")).get("status"));
        }
    }

    @Test
    void theRuntimeNamesTheNodeItsCpuAndWhatItsInt8KernelsCompute() throws Exception {
        Path dir = checkedModel();
        try (ModelRepository repo = repository(dir.getParent())) {
            try (ModelLease<LabelingModel> lease = repo.lease("m")) {
                assertFalse(lease.model().heads().isEmpty());
            }
            Map<String, Object> runtime = repo.runtime();
            assertEquals(NODE, runtime.get("node"));
            assertEquals(System.getProperty("os.arch"), map(runtime.get("cpu")).get("arch"));
            String kernels = (String) map(runtime.get("int8")).get("int8_kernels");
            assertTrue(kernels.equals("exact") || kernels.equals("saturating"), "probed at the first load: " + runtime);
        }
    }
}
