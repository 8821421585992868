package org.polyspan.it;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.polyspan.it.PolyspanRest.doc;
import static org.polyspan.it.PolyspanRest.labeller;

/**
 * The self-check a node runs on a labelling model before it serves it ({@code self_check.json}), end to end on both
 * engines:
 * <ul>
 *   <li>a model whose files compute wrong answers ({@code tiny-heads-broken}: tiny-heads' reference with other encoder
 *       weights) fails every document with an error naming the model and the node, through {@code _simulate}, a plain
 *       pipeline and {@code on_failure}; it never yields a document without spans, and asking again fails at once
 *       without another load;</li>
 *   <li>the models API shows that model {@code failed} with the check's figures and reason, a good model
 *       {@code passed}, and every node's runtime (CPU, int8 kernels); the stats endpoint shows the same per model;</li>
 *   <li>a {@code _reload} whose new files fail the check answers an error and leaves the old copy serving the same
 *       answers as before.</li>
 * </ul>
 */
class SelfCheckIT {
    private static final String BROKEN = "tiny-heads-broken";
    private static final String GOOD = "tiny-heads";
    private static final String FAILED_PHRASE = "failed its self-check on node [";
    private static final Set<String> INT8_KERNELS = Set.of("exact", "saturating", "not_probed_yet");
    private static final Set<String> INT8_PROBED = Set.of("exact", "saturating");
    private static final List<String> TEXTS = List.of("Angela Merkel met Emmanuel Macron in Berlin on Tuesday.",
            "Die Konferenz fand in Paris statt.", "Pedro Sánchez viajó a Madrid con Barack Obama.");

    private static PolyspanRest rest;

    @BeforeAll
    static void connect() {
        rest = new PolyspanRest("selfcheck");
        rest.get("/_cluster/health?wait_for_status=yellow&timeout=60s").expect(200);
        for (String id : List.of(GOOD, BROKEN)) {
            assertNotNull(rest.model(id), () -> "model [" + id + "] is not installed: start the node with the fixtures of "
                    + "models/build-default.sh --tiny-checks (integ-test/run-tests.sh does)");
        }
    }

    @AfterAll
    static void cleanup() {
        if (rest != null) {
            rest.cleanup();
        }
    }

    // ------------------------------------------------------------------ 1. a broken model fails its documents

    @Test
    void aModelThatFailsItsSelfCheckFailsEveryDocumentAndNeverGivesEmptySpans() {
        // _simulate: the document has the error, not a document without spans
        JsonObject simulated = simulateOne(BROKEN, TEXTS.get(0));
        assertSelfCheckError(simulated, BROKEN);

        // bulk through a pipeline with on_failure: every document is kept, with the failure, and without spans
        String pipeline = rest.name("broken-on-failure");
        String index = rest.name("broken-docs");
        rest.putPipeline(pipeline, Map.of("processors", List.of(Map.of("span_labeling", Map.of("model", BROKEN, "field", "body"))),
                "on_failure", List.of(PolyspanRest.recordFailure("ingest_error")))).expect(200);
        rest.createSpanIndex(index).expect(200);
        List<Object> sources = new ArrayList<>();
        for (String t : TEXTS) {
            sources.add(doc("body", t));
        }
        JsonObject bulk = rest.bulk(index, pipeline, sources).expect(200).json();
        assertFalse(bulk.get("errors").getAsBoolean(), () -> "on_failure should keep every document: "
                + PolyspanRest.abbreviate(bulk.toString()));
        assertEquals(TEXTS.size(), bulk.getAsJsonArray("items").size(), bulk::toString);
        for (JsonElement item : bulk.getAsJsonArray("items")) {
            JsonObject indexed = item.getAsJsonObject().getAsJsonObject("index");
            assertEquals(201, indexed.get("status").getAsInt(), indexed::toString);
        }
        for (int i = 0; i < TEXTS.size(); i++) {
            JsonObject source = rest.source(index, "bulk-" + i);
            String context = "bulk item " + i + ": " + source;
            assertTrue(source.has("ingest_error"), () -> context + ": on_failure recorded no error");
            String error = source.get("ingest_error").getAsString();
            assertTrue(error.contains("self-check") && error.contains(BROKEN) && error.contains(FAILED_PHRASE),
                    () -> context + ": the failure should be the model's self-check");
            assertFalse(source.has("spans") || source.has("spans_by_label"), () -> context + ": spans from a broken model");
            assertEquals(TEXTS.get(i), source.get("body").getAsString(), context);
        }
        JsonObject count = rest.get("/" + index + "/_count").expect(200).json();
        assertEquals(TEXTS.size(), count.get("count").getAsInt(), count::toString);

        // without on_failure the document is refused, not indexed without spans
        String plain = rest.name("broken-plain");
        rest.putPipeline(plain, labeller(Map.of("model", BROKEN, "field", "body"))).expect(200);
        PolyspanRest.Response refused = rest.index(index, "plain", plain, doc("body", TEXTS.get(1)));
        // not the client's fault (400) nor worth a retry (429): the model computes wrong answers on this node
        assertEquals(500, refused.status(), refused::body);
        assertTrue(refused.body().contains(FAILED_PHRASE) && refused.body().contains(BROKEN), refused::body);
        assertEquals(404, rest.get("/" + index + "/_doc/plain").status(), "the refused document is not indexed");

        // asked again, the same files fail the same way at once: no load runs for it
        long loadsBefore = settledLoadTasks();
        long t0 = System.nanoTime();
        JsonObject again = simulateOne(BROKEN, TEXTS.get(2));
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        assertSelfCheckError(again, BROKEN);
        assertEquals(reasons(simulated.getAsJsonObject("error")).get(0), reasons(again.getAsJsonObject("error")).get(0),
                "the second request fails with the same message");
        long loadsAfter = settledLoadTasks();
        assertEquals(loadsBefore, loadsAfter, () -> "the second request loaded the model again (polyspan_model_load tasks "
                + loadsBefore + " -> " + loadsAfter + ", " + tookMs + " ms)");
        System.out.println("self-check failure answered again in " + tookMs + " ms without a load");
    }

    // ------------------------------------------------------------------ 2. the models API and the stats

    @Test
    void theModelsApiAndTheStatsShowTheSelfCheckAndTheNodesRuntime() {
        simulateOne(BROKEN, TEXTS.get(0)); // loaded (and refused) on this node, or refused at once as before
        JsonObject good = simulateOne(GOOD, TEXTS.get(0));
        assertTrue(good.has("doc"), good::toString);
        assertFalse(PolyspanRest.checkSpans(source(good), "spans", GOOD).isEmpty(), good::toString);
        rest.awaitModel(BROKEN);
        rest.awaitModel(GOOD);

        JsonObject all = rest.get(PolyspanRest.API + "/models").expect(200).json();
        int nodeCount = all.getAsJsonObject("nodes").size();
        assertTrue(nodeCount > 0, all::toString);
        JsonObject broken = entry(all, BROKEN);
        assertEquals("failed", broken.get("state").getAsString(), broken::toString);
        // every node reports the model, so the checks in the loops below run once per node
        assertEquals(nodeCount, broken.getAsJsonObject("nodes").size(), broken::toString);
        String error = broken.get("error").getAsString();
        assertTrue(error.startsWith("model [" + BROKEN + "] " + FAILED_PHRASE), () -> "error: " + error);
        assertTrue(error.contains("Fix or rebuild the model's files"), () -> "error: " + error);
        for (Map.Entry<String, JsonElement> node : broken.getAsJsonObject("nodes").entrySet()) {
            JsonObject n = node.getValue().getAsJsonObject();
            String context = BROKEN + " on node " + node.getKey() + ": " + n;
            assertEquals("failed", n.get("state").getAsString(), context);
            JsonObject check = n.getAsJsonObject("self_check");
            assertNotNull(check, context);
            assertEquals("failed", check.get("status").getAsString(), context);
            String reason = check.get("reason").getAsString();
            assertTrue(reason.contains("mean feature cosine"), context);
            assertTrue(n.get("error").getAsString().contains(reason), () -> context + ": the error should give the reason");
            assertTrue(n.get("error").getAsString().contains("on node [" + n.get("name").getAsString() + "]"),
                    () -> context + ": the error should name the node");
            double mean = number(check, "mean_cosine", context);
            assertTrue(mean < 0.5, () -> context + ": mean_cosine " + mean + " of other weights");
            assertTrue(number(check, "min_cosine", context) <= mean, context);
            assertTrue(number(check, "min_mean_cosine", context) > mean, context);
            assertTrue(check.get("sentences").getAsInt() > 0 && check.get("positions").getAsInt() > 0, context);
            JsonObject ner = check.getAsJsonObject("heads").getAsJsonObject("ner");
            assertNotNull(ner, () -> context + ": no figures for head [ner]");
            assertTrue(number(ner, "span_f1", context) < number(check, "min_span_f1", context), context);
            assertTrue(ner.get("expected_spans").getAsInt() > 0 && ner.get("words").getAsInt() > 0, context);
            assertFalse(n.has("memory_bytes"), () -> context + ": a refused model holds no memory");
        }

        JsonObject tiny = entry(all, GOOD);
        assertEquals("loaded", tiny.get("state").getAsString(), tiny::toString);
        assertEquals(nodeCount, tiny.getAsJsonObject("nodes").size(), tiny::toString);
        assertFalse(tiny.has("error"), tiny::toString);
        Set<String> probedNodes = new LinkedHashSet<>();
        for (Map.Entry<String, JsonElement> node : tiny.getAsJsonObject("nodes").entrySet()) {
            JsonObject n = node.getValue().getAsJsonObject();
            String context = GOOD + " on node " + node.getKey() + ": " + n;
            assertEquals("loaded", n.get("state").getAsString(), context);
            JsonObject check = n.getAsJsonObject("self_check");
            assertNotNull(check, context);
            assertEquals("passed", check.get("status").getAsString(), context);
            assertTrue(number(check, "mean_cosine", context) >= number(check, "min_mean_cosine", context), context);
            JsonObject ner = check.getAsJsonObject("heads").getAsJsonObject("ner");
            assertTrue(number(ner, "span_f1", context) >= number(check, "min_span_f1", context), context);
            probedNodes.add(node.getKey());
        }

        for (Map.Entry<String, JsonElement> node : all.getAsJsonObject("nodes").entrySet()) {
            JsonObject runtime = node.getValue().getAsJsonObject().getAsJsonObject("runtime");
            String kernels = assertRuntime(runtime, "node " + node.getKey());
            // a load probes the int8 kernels before the model is checked
            if (probedNodes.contains(node.getKey())) {
                assertTrue(INT8_PROBED.contains(kernels), () -> "node " + node.getKey() + " loaded a model: " + runtime);
            }
        }

        // the stats of the receiving node, which ran both simulations
        JsonObject stats = rest.get(PolyspanRest.API + "/stats").expect(200).json();
        String kernels = assertRuntime(stats.getAsJsonObject("runtime"), "stats");
        assertTrue(INT8_PROBED.contains(kernels), stats::toString);
        JsonObject models = stats.getAsJsonObject("models");
        assertNotNull(models, stats::toString);
        JsonObject brokenStats = models.getAsJsonObject(BROKEN);
        assertNotNull(brokenStats, models::toString);
        assertEquals("failed", brokenStats.get("state").getAsString(), brokenStats::toString);
        assertEquals("failed", brokenStats.get("self_check").getAsString(), brokenStats::toString);
        assertTrue(brokenStats.get("reason").getAsString().contains("mean feature cosine"), brokenStats::toString);
        JsonObject goodStats = models.getAsJsonObject(GOOD);
        assertNotNull(goodStats, models::toString);
        assertEquals("loaded", goodStats.get("state").getAsString(), goodStats::toString);
        assertEquals("passed", goodStats.get("self_check").getAsString(), goodStats::toString);
    }

    // ------------------------------------------------------------------ 3. a failed reload keeps the old copy

    @Test
    void aReloadWhoseNewFilesFailTheCheckKeepsTheOldCopyServing() throws IOException {
        Path fixtures = fixtures();
        Path goodFiles = fixtures.resolve(GOOD);
        Path brokenEncoder = fixtures.resolve(BROKEN).resolve("encoder.onnx");
        assertTrue(Files.isRegularFile(goodFiles.resolve("self_check.json")) && Files.isRegularFile(brokenEncoder),
                () -> "fixtures " + GOOD + " (with self_check.json) and " + BROKEN + " not found under " + fixtures
                        + ": models/build-default.sh --tiny-checks " + fixtures);

        JsonObject answer = rest.get(PolyspanRest.API + "/models").expect(200).json();
        Set<Path> modelDirs = new LinkedHashSet<>();
        for (Map.Entry<String, JsonElement> node : answer.getAsJsonObject("nodes").entrySet()) {
            modelDirs.add(Path.of(node.getValue().getAsJsonObject().get("models_path").getAsString()));
        }
        modelDirs.add(Path.of(answer.get("models_path").getAsString()));
        for (Path dir : modelDirs) {
            // the node's models directory, as this machine sees it: it holds the fixture the node lists
            assumeTrue(Files.isDirectory(dir) && Files.isWritable(dir) && Files.isRegularFile(dir.resolve(GOOD).resolve("config.json")),
                    () -> "models_path [" + dir + "] is not a writable local directory holding the node's models (a remote node?): "
                            + "this test installs a model there");
        }

        String id = "selfcheck-reload-" + UUID.randomUUID().toString().substring(0, 8);
        List<Path> installed = new ArrayList<>();
        try {
            for (Path dir : modelDirs) {
                Path target = dir.resolve(id);
                installed.add(target);
                ModelDirs.copy(goodFiles, target, false);
            }
            List<JsonObject> before = simulate(id);
            for (JsonObject source : before) {
                assertFalse(PolyspanRest.checkSpans(source, "spans", id + " before the reload").isEmpty(), source::toString);
            }
            JsonObject loaded = rest.awaitModel(id);
            assertEquals("loaded", loaded.get("state").getAsString(), loaded::toString);
            Map<String, String> loadedAt = new java.util.TreeMap<>();
            for (Map.Entry<String, JsonElement> node : loaded.getAsJsonObject("nodes").entrySet()) {
                JsonObject n = node.getValue().getAsJsonObject();
                if ("loaded".equals(n.get("state").getAsString())) {
                    assertEquals("passed", n.getAsJsonObject("self_check").get("status").getAsString(), n::toString);
                    loadedAt.put(node.getKey(), n.get("loaded_at").getAsString());
                }
            }
            assertFalse(loadedAt.isEmpty(), () -> "no node serves " + id + ": " + loaded);

            // new files that compute other answers, swapped in as whole files: the encoder, and the truncated encoder cut
            // from it (an old truncated encoder beside a new encoder fails the load on its own check, before the self-check)
            for (Path target : installed) {
                for (String file : List.of("encoder.onnx", "encoder_truncated.onnx")) {
                    Path from = brokenEncoder.resolveSibling(file);
                    if (!Files.isRegularFile(from)) {
                        continue;
                    }
                    Path tmp = target.resolve("." + file + ".tmp");
                    Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
                    Files.move(tmp, target.resolve(file), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
            }
            PolyspanRest.Response reload = rest.request("POST", PolyspanRest.API + "/models/" + id + "/_reload", null, null);
            assertNotEquals(200, reload.status(), () -> "a reload whose copy fails its self-check answered 200: " + reload.body());
            assertTrue(reload.status() >= 500, () -> "HTTP " + reload.status() + ": " + reload.body());
            assertTrue(reload.body().contains("self-check") && reload.body().contains(id), reload::body);
            assertEquals(answer.getAsJsonObject("nodes").size(), reload.json().getAsJsonObject("nodes").size(),
                    () -> "every node answers the reload: " + reload.body());
            for (Map.Entry<String, JsonElement> node : reload.json().getAsJsonObject("nodes").entrySet()) {
                JsonObject n = node.getValue().getAsJsonObject();
                String context = "reload on node " + node.getKey() + ": " + n;
                assertEquals("failed", n.get("state").getAsString(), context);
                // a node that served the model keeps its old copy in service; any other has none
                String inService = loadedAt.containsKey(node.getKey()) ? "loaded" : "failed";
                assertEquals(inService, n.get("in_service").getAsString(), () -> context + ": in service afterwards");
                assertTrue(n.get("error").getAsString().contains(FAILED_PHRASE), context);
            }

            // the old copy serves on, with the same answers
            List<JsonObject> after = simulate(id);
            assertEquals(before, after, "the documents labelled after the failed reload differ from before it");
            JsonObject model = rest.model(id);
            assertEquals("loaded", model.get("state").getAsString(), model::toString);
            for (Map.Entry<String, String> node : loadedAt.entrySet()) {
                JsonObject n = model.getAsJsonObject("nodes").getAsJsonObject(node.getKey());
                String context = id + " on node " + node.getKey() + " after the failed reload: " + n;
                assertEquals("loaded", n.get("state").getAsString(), context);
                assertEquals(node.getValue(), n.get("loaded_at").getAsString(), () -> context + ": another copy is in service");
                assertEquals("passed", n.getAsJsonObject("self_check").get("status").getAsString(), context);
                JsonObject failedCheck = n.getAsJsonObject("failed_self_check");
                assertNotNull(failedCheck, () -> context + ": no failed_self_check");
                assertEquals("failed", failedCheck.get("status").getAsString(), context);
                assertTrue(number(failedCheck, "mean_cosine", context) < 0.5, context);
            }
            JsonObject stats = rest.get(PolyspanRest.API + "/stats").expect(200).json().getAsJsonObject("models").getAsJsonObject(id);
            assertNotNull(stats, "the stats should list " + id);
            assertEquals("loaded", stats.get("state").getAsString(), stats::toString);
            assertEquals("passed", stats.get("self_check").getAsString(), stats::toString);

            // out of service, the broken files that failed the reload's check are refused at once
            rest.onEveryNode(id, "_unload");
            long loadsBefore = settledLoadTasks();
            assertSelfCheckError(simulateOne(id, TEXTS.get(0)), id);
            assertEquals(loadsBefore, settledLoadTasks(), "the unchanged broken files were loaded again");
        } finally {
            PolyspanRest.Response unload = rest.request("POST", PolyspanRest.API + "/models/" + id + "/_unload", null, null);
            if (unload.status() != 200) {
                System.err.println("cleanup: unload of " + id + ": HTTP " + unload.status() + " " + PolyspanRest.abbreviate(unload.body()));
            }
            for (Path target : installed) {
                ModelDirs.delete(target);
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    /** One document labelled by {@code model} through {@code _simulate}: its {@code doc} or its {@code error}. */
    private static JsonObject simulateOne(String model, String text) {
        return rest.simulate(labeller(Map.of("model", model, "field", "body")), List.of(doc("body", text))).get(0);
    }

    /** {@link #TEXTS} labelled by {@code model} through {@code _simulate}: their {@code _source}s. */
    private static List<JsonObject> simulate(String model) {
        List<Object> sources = new ArrayList<>();
        for (String t : TEXTS) {
            sources.add(doc("body", t));
        }
        List<JsonObject> out = new ArrayList<>();
        for (JsonObject r : rest.simulate(labeller(Map.of("model", model, "field", "body")), sources)) {
            assertTrue(r.has("doc"), () -> model + ": " + PolyspanRest.abbreviate(r.toString()));
            out.add(source(r));
        }
        assertEquals(TEXTS.size(), out.size(), () -> model + ": one simulated document per text");
        return out;
    }

    private static JsonObject source(JsonObject simulated) {
        return simulated.getAsJsonObject("doc").getAsJsonObject("_source");
    }

    /** A simulated document that failed with the self-check error of {@code model}, and has no spans. */
    private static void assertSelfCheckError(JsonObject simulated, String model) {
        String context = PolyspanRest.abbreviate(simulated.toString());
        assertTrue(simulated.has("error"), () -> "expected the self-check error of [" + model + "]: " + context);
        if (simulated.has("doc")) {
            assertFalse(source(simulated).has("spans"), () -> "spans beside the error: " + context);
        }
        List<String> reasons = reasons(simulated.getAsJsonObject("error"));
        assertTrue(reasons.stream().anyMatch(r -> r.contains(FAILED_PHRASE) && r.contains("model [" + model + "]")
                && r.contains("is not served there")), () -> "no reason names the self-check of [" + model + "]: " + context);
    }

    /** The reasons of an error and of its causes and root causes, the self-check's first. */
    private static List<String> reasons(JsonObject error) {
        List<String> out = new ArrayList<>();
        collectReasons(error, out);
        out.sort((a, b) -> Boolean.compare(!a.contains(FAILED_PHRASE), !b.contains(FAILED_PHRASE)));
        return out;
    }

    private static void collectReasons(JsonElement e, List<String> out) {
        if (e == null || e.isJsonNull()) {
            return;
        }
        if (e.isJsonArray()) {
            e.getAsJsonArray().forEach(x -> collectReasons(x, out));
        } else if (e.isJsonObject()) {
            JsonObject o = e.getAsJsonObject();
            if (o.has("reason") && o.get("reason").isJsonPrimitive()) {
                out.add(o.get("reason").getAsString());
            }
            collectReasons(o.get("caused_by"), out);
            collectReasons(o.get("root_cause"), out);
        }
    }

    /** Checks a {@code runtime} object (models API node entry or stats) and returns its int8 kernels. */
    private static String assertRuntime(JsonObject runtime, String context) {
        assertNotNull(runtime, () -> context + ": no runtime");
        String c = context + ": runtime " + runtime;
        assertFalse(runtime.get("node").getAsString().isEmpty(), c);
        JsonObject cpu = runtime.getAsJsonObject("cpu");
        assertFalse(cpu.get("arch").getAsString().isEmpty(), c);
        assertTrue(cpu.get("available_processors").getAsInt() >= 1, c);
        assertTrue(cpu.has("features") ? cpu.get("features").isJsonArray() : cpu.has("features_error"), c);
        assertFalse(runtime.get("device").getAsString().isEmpty(), c);
        String kernels = runtime.getAsJsonObject("int8").get("int8_kernels").getAsString();
        assertTrue(INT8_KERNELS.contains(kernels), () -> c + ": int8_kernels [" + kernels + "]");
        return kernels;
    }

    private static JsonObject entry(JsonObject modelsAnswer, String id) {
        for (JsonElement m : modelsAnswer.getAsJsonArray("models")) {
            if (m.getAsJsonObject().get("id").getAsString().equals(id)) {
                return m.getAsJsonObject();
            }
        }
        return fail("model [" + id + "] not listed: " + PolyspanRest.abbreviate(modelsAnswer.toString()));
    }

    private static double number(JsonObject o, String key, String context) {
        JsonElement v = o.get(key);
        assertTrue(v != null && v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber(), () -> context + ": [" + key + "] is not a number");
        return v.getAsDouble();
    }

    /**
     * Tasks the {@code polyspan_model_load} pools of all nodes completed, once the count holds still (a pool counts a
     * task just after it answered its caller).
     */
    private static long settledLoadTasks() {
        long deadline = System.nanoTime() + 10_000_000_000L;
        long last = loadTasks();
        while (true) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            long now = loadTasks();
            if (now == last || System.nanoTime() > deadline) {
                return now;
            }
            last = now;
        }
    }

    private static long loadTasks() {
        long completed = 0;
        JsonObject nodes = rest.get(PolyspanRest.API + "/models").expect(200).json().getAsJsonObject("nodes");
        for (Map.Entry<String, JsonElement> node : nodes.entrySet()) {
            JsonObject pool = node.getValue().getAsJsonObject().getAsJsonObject("thread_pools").getAsJsonObject("polyspan_model_load");
            completed += pool.get("completed").getAsLong();
        }
        return completed;
    }

    /** The fixtures directory: {@code polyspan.test.models}, else the repository's {@code target/test-models}. */
    private static Path fixtures() {
        String property = System.getProperty("polyspan.test.models", "").trim();
        if (!property.isEmpty()) {
            return Path.of(property);
        }
        // failsafe runs in the integ-test module; the repository root is its parent
        Path fromModule = Path.of("..", "target", "test-models");
        return Files.isDirectory(fromModule) ? fromModule : Path.of("target", "test-models");
    }
}
