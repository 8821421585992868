package org.polyspan.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.polyspan.TinyModels;
import org.polyspan.labeling.Document;
import org.polyspan.labeling.LinearHead;
import org.polyspan.labeling.Span;
import org.polyspan.onnx.OnnxWindowEncoder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelRepositoryTest {

    @TempDir
    Path tmp;

    @Test
    void translationModelsLoadApartAndOtherKindsAreNotMarkedFailed() throws Exception {
        try (ModelRepository repo = new ModelRepository(TinyModels.root(), OnnxWindowEncoder.Device.CPU, 1)) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> repo.leaseTranslation(TinyModels.HEADS));
            assertTrue(e.getMessage().contains("not a translation model"), e.getMessage());
            IllegalArgumentException reverse = assertThrows(IllegalArgumentException.class, () -> repo.lease("tiny-m2m100"));
            assertTrue(reverse.getMessage().contains("is a translation model"), reverse.getMessage());
            try (var a = repo.leaseTranslation("tiny-m2m100"); var b = repo.leaseTranslation("tiny-m2m100")) {
                assertSame(a.model(), b.model());
            }
            for (var m : repo.describe()) {
                if (m.get("id").equals(TinyModels.HEADS)) {
                    assertEquals("not_loaded", m.get("state"));
                }
                if (m.get("id").equals("tiny-m2m100")) {
                    assertEquals("translation", m.get("task"));
                }
            }
        }
    }

    @Test
    void reloadingATranslationModelLoadsItsFilesAgain() throws Exception {
        try (ModelRepository repo = new ModelRepository(TinyModels.root(), OnnxWindowEncoder.Device.CPU, 1)) {
            assertTrue(repo.isTranslation("tiny-m2m100"));
            assertFalse(repo.isTranslation(TinyModels.HEADS));
            try (var before = repo.leaseTranslation("tiny-m2m100")) {
                assertEquals("loaded", repo.reload("tiny-m2m100").get("state"));
                try (var after = repo.leaseTranslation("tiny-m2m100")) {
                    assertNotSame(before.model(), after.model());
                    assertEquals(before.model().languages().codes(), after.model().languages().codes());
                }
            }
        }
    }

    @Test
    void listsTheModels() throws Exception {
        try (ModelRepository repo = new ModelRepository(TinyModels.root(), OnnxWindowEncoder.Device.CPU, 1)) {
            // the recipe also writes an int8 copy of four of them, and tiny-heads with an encoder of other weights
            assertEquals(List.of(TinyModels.HEADS, "tiny-heads-broken", "tiny-heads-int8", TinyModels.HF, "tiny-hf-int8", "tiny-m2m100", "tiny-m2m100-int8",
                    "tiny-t5", "tiny-t5-int8", "tiny-t5-merged", "tiny-t5-spm"), repo.ids());
            assertTrue(repo.exists(TinyModels.HEADS));
            assertTrue(repo.exists(TinyModels.HF));
        }
        try (ModelRepository none = new ModelRepository(tmp.resolve("missing"), OnnxWindowEncoder.Device.CPU, 1)) {
            assertEquals(List.of(), none.ids());
            assertEquals(List.of(), none.describe());
        }
    }

    @Test
    void idsThatLeaveTheDirectoryAreRejected() throws Exception {
        Path root = tmp.resolve("root");
        TinyModels.copy(TinyModels.HF, root.resolve("good"));
        TinyModels.copy(TinyModels.HF, tmp.resolve("x")); // a valid model just outside the root
        try (ModelRepository repo = new ModelRepository(root, OnnxWindowEncoder.Device.CPU, 1)) {
            assertTrue(repo.exists("good"));
            for (String id : List.of("../x", "..", ".", "", "good/../good", "/x", "./good", "good/", "..\\x", ".hidden")) {
                assertFalse(repo.exists(id), id);
                assertThrows(IllegalArgumentException.class, () -> repo.lease(id), id);
            }
            assertEquals(List.of("good"), repo.ids());
        }
    }

    @Test
    void unknownModelMessageNamesTheDirectory() throws Exception {
        Path root = TinyModels.root();
        try (ModelRepository repo = new ModelRepository(root, OnnxWindowEncoder.Device.CPU, 1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> repo.lease("nope"));
            assertTrue(e.getMessage().contains("nope"), e.getMessage());
            assertTrue(e.getMessage().contains(root.resolve("nope").toString()), e.getMessage());
            assertTrue(e.getMessage().contains(root.toString()), e.getMessage());
        }
    }

    @Test
    void describeReportsStatesAndStats() throws Exception {
        Path root = tmp.resolve("root");
        TinyModels.copy(TinyModels.HEADS, root.resolve(TinyModels.HEADS));
        TinyModels.copy(TinyModels.HF, root.resolve(TinyModels.HF));
        Files.createDirectories(root.resolve("broken"));
        Files.writeString(root.resolve("broken/config.json"), "{\"id2label\": {\"0\": \"O\"}}");
        try (ModelRepository repo = new ModelRepository(root, OnnxWindowEncoder.Device.CPU, 1)) {
            assertEquals(List.of("broken", TinyModels.HEADS, TinyModels.HF), repo.ids());
            List<Map<String, Object>> before = repo.describe();
            // broken files show before any load; heads and labels come from the files
            assertEquals("failed", before.get(0).get("state"), before.toString());
            assertTrue(String.valueOf(before.get(0).get("error")).contains("model [broken] has no"), before.toString());
            assertEquals("not_loaded", before.get(1).get("state"), before.toString());
            assertEquals(Map.of("ner", List.of("PER", "ORG", "LOC", "MISC")), before.get(1).get("heads"));
            assertEquals("not_loaded", before.get(2).get("state"), before.toString());
            try (ModelLease<LabelingModel> lease = repo.lease(TinyModels.HEADS); ModelLease<LabelingModel> again = repo.lease(TinyModels.HEADS)) {
                assertSame(lease.model(), again.model());
                lease.model().label(List.of(Document.of("Angela Merkel"), Document.of("in Berlin")), List.of());
            }
            assertThrows(Exception.class, () -> repo.lease("broken"));

            List<Map<String, Object>> d = repo.describe();
            assertEquals(3, d.size());
            Map<String, Object> broken = d.get(0);
            assertEquals("broken", broken.get("id"));
            assertEquals("failed", broken.get("state"));
            assertTrue(String.valueOf(broken.get("error")).length() > 0, broken.toString());

            Map<String, Object> loaded = d.get(1);
            assertEquals(TinyModels.HEADS, loaded.get("id"));
            assertEquals("loaded", loaded.get("state"));
            assertEquals(32, loaded.get("max_length"));
            assertEquals(Map.of("ner", List.of("PER", "ORG", "LOC", "MISC")), loaded.get("heads"));
            assertEquals(2L, loaded.get("inference_count"));
            assertTrue((Double) loaded.get("mean_latency_ms") > 0, loaded.toString());
            assertTrue((Long) loaded.get("memory_bytes") > 0, loaded.toString());
            assertEquals(loaded.get("file_bytes"), loaded.get("memory_bytes"));
            assertEquals(0, loaded.get("leases"));
            assertEquals(repo.loadedBytes(), loaded.get("memory_bytes"));

            assertEquals("not_loaded", d.get(2).get("state"));

            // fixing the files needs no restart
            Files.delete(root.resolve("broken/config.json"));
            TinyModels.copy(TinyModels.HF, root.resolve("broken"));
            repo.lease("broken").close();
            assertEquals("loaded", repo.describe().get(0).get("state"));
        }
    }

    @Test
    void reloadPicksUpANewHead() throws Exception {
        Path root = tmp.resolve("root");
        Path model = TinyModels.copy(TinyModels.HEADS, root.resolve("m"));
        List<String> labels = List.of("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC");
        String text = "Angela Merkel met Barack Obama in Berlin.";
        try (ModelRepository repo = new ModelRepository(root, OnnxWindowEncoder.Device.CPU, 1)) {
            ModelLease<LabelingModel> lease = repo.lease("m");
            LabelingModel before = lease.model();
            List<String> tagsBefore = before.label(List.of(Document.of(text)), List.of("ner")).get("ner").get(0).tagNames();

            // a head that ignores the features and says LOC everywhere: B-LOC on the first word, I-LOC after
            float[] bias = new float[labels.size()];
            java.util.Arrays.fill(bias, -20);
            bias[labels.indexOf("B-LOC")] = 10;
            bias[labels.indexOf("I-LOC")] = 11;
            HeadFiles.write(model.resolve("heads"), "ner", labels, new float[labels.size()][64], bias,
                    LinearHead.Centering.WINDOW_MEAN, null);
            HeadFiles.write(model.resolve("heads"), "extra", List.of("O", "B-X", "I-X"), new float[3][64],
                    new float[] {1, 0, 0}, LinearHead.Centering.NONE, null);

            // still the loaded copy until reload
            try (ModelLease<LabelingModel> same = repo.lease("m")) {
                assertSame(before, same.model());
            }
            assertEquals(List.of("ner"), List.copyOf(before.heads().keySet()));

            assertEquals(List.of("extra", "ner"), List.copyOf(((Map<?, ?>) repo.reload("m").get("heads")).keySet()));
            ModelLease<LabelingModel> leaseAfter = repo.lease("m");
            LabelingModel after = leaseAfter.model();
            assertNotSame(before, after);
            // the lease taken before the reload still runs the old copy
            assertEquals(tagsBefore, before.label(List.of(Document.of(text)), List.of("ner")).get("ner").get(0).tagNames());
            lease.close();
            assertEquals(List.of("extra", "ner"), List.copyOf(after.heads().keySet()));
            Map<String, List<org.polyspan.labeling.TaggedDocument>> out = after.label(List.of(Document.of(text)), List.of());
            List<String> tags = out.get("ner").get(0).tagNames();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < tags.size(); i++) {
                expected.add(i == 0 ? "B-LOC" : "I-LOC");
            }
            assertEquals(expected, tags);
            List<Span> spans = out.get("ner").get(0).spans();
            assertEquals(1, spans.size());
            assertEquals(text, spans.get(0).text());
            assertEquals("LOC", spans.get(0).label());
            assertTrue(out.get("extra").get(0).spans().isEmpty());
            assertEquals(tagsBefore.size(), tags.size());
            assertEquals(Map.of("extra", List.of("X"), "ner", List.of("PER", "ORG", "LOC", "MISC")),
                    repo.describe().get(0).get("heads"));
            leaseAfter.close();
        }
    }
}
