package org.polyspan.it;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.polyspan.labeling.ConllReader;
import org.polyspan.labeling.ConllSentence;
import org.polyspan.labeling.Document;
import org.polyspan.labeling.Word;
import org.polyspan.projection.SpanConversions;
import org.polyspan.projection.WordSpan;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The plugin on a cluster of several nodes started by {@code POLYSPAN_NODES=3 integ-test/node.sh start}, with the
 * default model on every node: one pipeline labels documents sent through every node, {@code _project/index} over
 * 3-shard, 1-replica indices, a node stopped in the middle of {@code _project/index} and a re-run without duplicates,
 * and {@code _reload} on every node. Runs only when {@code -Dpolyspan.it.cluster=URL,URL,URL} names the nodes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@EnabledIfSystemProperty(named = "polyspan.it.cluster", matches = ".*\\S.*", disabledReason = "no cluster given: start one with "
        + "POLYSPAN_NODES=3 integ-test/node.sh start and pass -Dpolyspan.it.cluster=http://127.0.0.1:9200,http://127.0.0.1:9201,"
        + "http://127.0.0.1:9202 (integ-test/run-tests.sh does)")
class ClusterIT {
    private static final String MODEL = "mbert-ner";
    private static final String PROJECT_INDEX = PolyspanRest.API + "/_project/index";
    /** Source documents for _project/index: enough that a run in batches of 2 takes tens of seconds on 2 cores. */
    private static final int DOCS = 300;
    private static final String SENTENCE = "Angela Merkel met Emmanuel Macron in Paris on Tuesday.";

    private static List<String> urls;
    /** One client per node; the first one creates (and deletes) every resource. */
    private static List<PolyspanRest> nodes;
    private static PolyspanRest rest;
    private static String source;
    private static Set<String> sourceIds;

    @BeforeAll
    static void setUp() throws Exception {
        String list = System.getProperty("polyspan.it.cluster").trim();
        urls = Arrays.stream(list.split(",")).map(String::trim).toList();
        assertTrue(urls.size() >= 2, "a cluster needs at least two node URLs: " + urls);
        nodes = new ArrayList<>();
        for (String url : urls) {
            nodes.add(new PolyspanRest("cluster", url));
        }
        rest = nodes.get(0);
        JsonObject health = rest.get("/_cluster/health?wait_for_nodes=" + urls.size() + "&wait_for_status=yellow&timeout=60s")
                .expect(200).json();
        assertEquals(urls.size(), health.get("number_of_nodes").getAsInt(), () -> "not every node has joined: " + health);
        for (PolyspanRest node : nodes) {
            assertTrue(modelIds(node).contains(MODEL), () -> MODEL + " is not installed on " + node.baseUrl()
                    + " (models/build-default.sh, then integ-test/node.sh start)");
        }
        source = rest.name("source");
        createThreeShardIndex(source);
        sourceIds = indexEuroparl(source);
    }

    @AfterAll
    static void cleanup() {
        if (rest != null) {
            rest.cleanup();
        }
    }

    /**
     * Creating a pipeline for a model no node has loaded yet must not stall cluster-state application: on a loaded 2-core
     * machine the 700 MB model took minutes to load on each node's cluster-applier thread, the cluster manager dropped
     * the nodes that did not answer its follower checks, and the pipeline request failed with 503
     * ({@code no longer cluster-manager}).
     */
    @Test
    @Order(0)
    void creatingAPipelineForAnUnloadedModelKeepsEveryNodeInTheCluster() {
        for (PolyspanRest node : nodes) {
            assumeTrue(modelState(node).equals("not_loaded"), () -> MODEL + " is already loaded on " + node.baseUrl()
                    + ": this test needs a fresh cluster");
        }
        String manager = rest.get("/_cat/cluster_manager?h=id").expect(200).body().trim();
        rest.putPipeline(rest.name("pipeline-unloaded"), PolyspanRest.labeller(Map.of("model", MODEL, "field", "body"))).expect(200);
        JsonObject health = rest.get("/_cluster/health").expect(200).json();
        assertEquals(nodes.size(), health.get("number_of_nodes").getAsInt(), () -> "a node left the cluster: " + health);
        assertEquals(manager, rest.get("/_cat/cluster_manager?h=id").expect(200).body().trim(), "the cluster manager changed");
    }

    @Test
    @Order(1)
    void onePipelineLabelsDocumentsSentThroughEveryNode() {
        // one nodes-level call loads the model on every node, so that documents do not wait for background loads
        rest.post(PolyspanRest.API + "/models/" + MODEL + "/_reload", "").expect(200);
        String pipeline = rest.name("pipeline");
        rest.putPipeline(pipeline, PolyspanRest.labeller(Map.of("model", MODEL, "field", "body"))).expectOk();
        String index = rest.name("labelled");
        createThreeShardIndex(index, "index.default_pipeline", pipeline);
        for (int i = 0; i < nodes.size(); i++) {
            PolyspanRest node = nodes.get(i);
            long before = inferenceCount(node);
            node.put("/" + index + "/_doc/via-" + i + "?refresh=true", Map.of("body", SENTENCE)).expect(201);
            long after = inferenceCount(node);
            int n = i;
            // ingest runs on the node that receives the document: its own copy of the model labelled it
            assertTrue(after > before, () -> "node " + n + " (" + node.baseUrl() + ") did not run the model: inference count "
                    + before + " -> " + after);
        }
        for (int i = 0; i < nodes.size(); i++) {
            // read through another node than the one that indexed it
            PolyspanRest reader = nodes.get((i + 1) % nodes.size());
            JsonObject doc = reader.source(index, "via-" + i);
            List<JsonObject> spans = PolyspanRest.checkSpans(doc, "spans", "document via node " + i);
            Set<String> found = new HashSet<>();
            for (JsonObject s : spans) {
                found.add(s.get("label").getAsString() + ":" + s.get("text").getAsString());
            }
            assertTrue(found.containsAll(Set.of("PER:Angela Merkel", "LOC:Paris")),
                    () -> "document via node " + doc + " lacks its entities: " + PolyspanRest.describe(spans));
        }
    }

    @Test
    @Order(2)
    void projectIndexOverThreeShardsWithOneReplica() {
        String dest = rest.name("dest-all");
        createThreeShardIndex(dest);
        // started on the second node: any node runs the task, reading and writing shards all over the cluster
        JsonObject counts = finalCounts(nodes.get(1).post(PROJECT_INDEX + "?wait_for_completion=true", projectBody(dest, 32))
                .expect(200).json());
        assertEquals(DOCS, counts.get("total").getAsInt(), counts::toString);
        assertEquals(DOCS, counts.get("processed").getAsInt(), counts::toString);
        assertEquals(DOCS, counts.get("projected").getAsInt(), counts::toString);
        assertEquals(0, counts.get("failed").getAsInt(), counts::toString);
        assertEquals(sourceIds, ids(dest));
        JsonObject settings = rest.get("/" + dest + "/_settings").expect(200).json().getAsJsonObject(dest)
                .getAsJsonObject("settings").getAsJsonObject("index");
        assertEquals("3", settings.get("number_of_shards").getAsString());
        assertEquals("1", settings.get("number_of_replicas").getAsString());
    }

    /**
     * Written against the nodes-level {@code _reload} action (one result per node, {@code _nodes} counts). The current
     * {@code _reload} reloads the model on the node that receives the request only and answers {@code {"id", "state",
     * "heads"}}.
     */
    @Test
    @Order(3)
    void reloadReloadsTheModelOnEveryNode() {
        JsonObject r = rest.post(PolyspanRest.API + "/models/" + MODEL + "/_reload", "").expect(200).json();
        JsonObject counts = r.getAsJsonObject("_nodes");
        assertEquals(nodes.size(), counts.get("total").getAsInt(), r::toString);
        assertEquals(nodes.size(), counts.get("successful").getAsInt(), r::toString);
        assertEquals(0, counts.get("failed").getAsInt(), r::toString);
        JsonObject perNode = r.getAsJsonObject("nodes");
        assertEquals(nodes.size(), perNode.size(), r::toString);
        Set<String> names = new TreeSet<>();
        for (Map.Entry<String, JsonElement> e : perNode.entrySet()) {
            JsonObject node = e.getValue().getAsJsonObject();
            assertEquals("loaded", node.get("state").getAsString(), () -> e.getKey() + ": " + node);
            names.add(node.get("name").getAsString());
        }
        assertEquals(nodeNames(), names);
        // every node labels with the reloaded model
        String pipeline = rest.name("pipeline-reloaded");
        rest.putPipeline(pipeline, PolyspanRest.labeller(Map.of("model", MODEL, "field", "body"))).expectOk();
        String index = rest.name("reloaded");
        createThreeShardIndex(index, "index.default_pipeline", pipeline);
        for (int i = 0; i < nodes.size(); i++) {
            nodes.get(i).put("/" + index + "/_doc/via-" + i + "?refresh=true", Map.of("body", SENTENCE)).expect(201);
            List<JsonObject> spans = PolyspanRest.checkSpans(rest.source(index, "via-" + i), "spans", "after reload via node " + i);
            assertFalse(spans.isEmpty(), "no spans after reload via node " + i);
        }
    }

    @Test
    @Order(4)
    void nodeStoppedDuringProjectIndexThenReRunCompletesWithoutDuplicates() throws Exception {
        NodeScript script = new NodeScript(urls);
        int victim = nodeToStop();
        PolyspanRest victimNode = nodes.get(victim);
        PolyspanRest survivor = nodes.get(victim == 0 ? 1 : 0);
        String dest = rest.name("dest-stopped");
        createThreeShardIndex(dest);
        // small batches make the run long enough to stop it in the middle, whatever the machine's load
        String task = victimNode.post(PROJECT_INDEX, projectBody(dest, 2)).expect(200).json().get("task").getAsString();
        int processedAtStop = awaitProgress(victimNode, task, 20);
        boolean stopped = false;
        try {
            script.stop(victim);
            stopped = true;
            survivor.get("/_cluster/health?wait_for_nodes=" + (nodes.size() - 1) + "&wait_for_status=yellow&timeout=120s").expect(200);
            survivor.post("/" + dest + "/_refresh", "").expectOk();
            int written = count(survivor, dest);
            assertTrue(written >= 1 && written < DOCS, () -> "the stopped run should have written part of the " + DOCS
                    + " documents, wrote " + written + " (processed " + processedAtStop + " when the node was stopped)");

            JsonObject counts = finalCounts(survivor.post(PROJECT_INDEX + "?wait_for_completion=true", projectBody(dest, 32))
                    .expect(200).json());
            assertEquals(DOCS, counts.get("processed").getAsInt(), counts::toString);
            assertEquals(0, counts.get("failed").getAsInt(), counts::toString);
            assertEquals(DOCS, counts.get("projected").getAsInt() + counts.get("skipped").getAsInt(), counts::toString);
            int skipped = counts.get("skipped").getAsInt();
            assertTrue(skipped >= 1 && skipped <= written, () -> "the re-run should skip what the stopped run wrote (" + written
                    + "): " + counts);
            survivor.post("/" + dest + "/_refresh", "").expectOk();
            assertEquals(DOCS, count(survivor, dest), "one destination document per source document");
            assertEquals(sourceIds, ids(dest));
        } finally {
            if (stopped) {
                script.start(victim);
            }
        }
        rest.get("/_cluster/health?wait_for_nodes=" + nodes.size() + "&wait_for_status=yellow&timeout=120s").expect(200);
    }

    /**
     * {@code slices=3} projects the same spans as one task (the job of {@link #projectIndexOverThreeShardsWithOneReplica}),
     * with its child tasks on more than one node.
     */
    @Test
    @Order(5)
    void slicedProjectIndexGivesTheSameSpansAsOneTask() {
        String single = rest.name("dest-all");
        String sliced = rest.name("dest-sliced");
        createThreeShardIndex(sliced);
        JsonObject answer = rest.post(PROJECT_INDEX + "?slices=3&wait_for_completion=true", projectBody(sliced, 32)).expect(200).json();
        assertEquals(DOCS, answer.get("processed").getAsInt(), answer::toString);
        assertEquals(DOCS, answer.get("projected").getAsInt(), answer::toString);
        JsonArray slices = answer.getAsJsonArray("slices");
        assertEquals(3, slices.size(), answer::toString);
        Set<String> sliceNodes = new TreeSet<>();
        int total = 0;
        for (JsonElement e : slices) {
            JsonObject slice = e.getAsJsonObject();
            assertEquals("completed", slice.get("state").getAsString(), slice::toString);
            assertTrue(slice.get("processed").getAsInt() > 0, () -> "an empty slice: " + answer);
            total += slice.get("processed").getAsInt();
            sliceNodes.add(slice.get("node").getAsString());
        }
        assertEquals(DOCS, total, answer::toString);
        assertTrue(sliceNodes.size() >= 2, () -> "the slices ran on one node only: " + answer);
        assertEquals(sourceIds, ids(sliced));
        Map<String, String> one = spansById(single);
        Map<String, String> three = spansById(sliced);
        assertEquals(DOCS, one.size());
        int withSpans = 0;
        for (String id : sourceIds) {
            assertEquals(one.get(id), three.get(id), "document " + id + ": slices=3 projects other spans than one task");
            withSpans += one.get(id).isEmpty() ? 0 : 1;
        }
        assertTrue(withSpans > DOCS / 2, "most documents should have projected spans, " + withSpans + " of " + DOCS + " have");
    }

    /** Cancelling a sliced job's parent cancels its slices; a re-run completes them without writing anything twice. */
    @Test
    @Order(6)
    void cancellingASlicedJobCancelsItsSlicesAndAReRunCompletesThem() throws Exception {
        String dest = rest.name("dest-sliced-cancel");
        createThreeShardIndex(dest);
        String task = rest.post(PROJECT_INDEX + "?slices=3", projectBody(dest, 2)).expect(200).json().get("task").getAsString();
        Set<String> childNodes = awaitChildProgress(rest, task, 3, 6);
        assertTrue(childNodes.size() >= 2, () -> "the slices' child tasks run on one node only: " + childNodes);
        rest.post("/_tasks/" + task + "/_cancel", "").expect(200);
        JsonObject done = rest.get("/_tasks/" + task + "?wait_for_completion=true&timeout=120s").expect(200).json();
        JsonObject response = finalCounts(done);
        assertTrue(response.has("cancelled"), done::toString);
        for (JsonElement e : response.getAsJsonArray("slices")) {
            assertEquals("cancelled", e.getAsJsonObject().get("state").getAsString(), done::toString);
        }
        assertTrue(childTasks(rest, task).isEmpty(), "child tasks still run after their parent was cancelled");
        rest.post("/" + dest + "/_refresh", "").expectOk();
        int written = count(rest, dest);
        assertTrue(written >= 1 && written < DOCS, () -> "the cancelled job wrote " + written + " of " + DOCS);

        JsonObject counts = rest.post(PROJECT_INDEX + "?slices=3&wait_for_completion=true", projectBody(dest, 32)).expect(200).json();
        assertEquals(DOCS, counts.get("processed").getAsInt(), counts::toString);
        assertEquals(written, counts.get("skipped").getAsInt(), counts::toString);
        assertEquals(DOCS - written, counts.get("projected").getAsInt(), counts::toString);
        assertEquals(sourceIds, ids(dest));
    }

    /**
     * A node stopped during a sliced job: the parent (on a surviving node) answers, a slice that ran on the stopped node
     * fails saying so, and a re-run with {@code slices=auto} (one slice per node that is left) completes the job with
     * one destination document per source document.
     */
    @Test
    @Order(7)
    void nodeStoppedDuringASlicedJobLosesNothingAfterAReRun() throws Exception {
        NodeScript script = new NodeScript(urls);
        int victim = nodeToStop();
        PolyspanRest survivor = nodes.get(victim == 0 ? 1 : 0);
        String victimId = nodeId(nodes.get(victim));
        String dest = rest.name("dest-sliced-stopped");
        createThreeShardIndex(dest);
        String task = survivor.post(PROJECT_INDEX + "?slices=3", projectBody(dest, 2)).expect(200).json().get("task").getAsString();
        Set<String> childNodes = awaitChildProgress(survivor, task, 3, 10);
        assertTrue(childNodes.contains(victimId), () -> "no slice runs on the node to stop (" + victimId + "): " + childNodes);
        boolean stopped = false;
        try {
            script.stop(victim);
            stopped = true;
            JsonObject first = finalCounts(survivor.get("/_tasks/" + task + "?wait_for_completion=true&timeout=300s").expect(200).json());
            boolean victimSliceFailed = false;
            for (JsonElement e : first.getAsJsonArray("slices")) {
                JsonObject slice = e.getAsJsonObject();
                if (slice.get("node").getAsString().equals(victimId)) {
                    assertEquals("failed", slice.get("state").getAsString(), first::toString);
                    assertTrue(slice.get("reason").getAsString().contains("left the cluster"), first::toString);
                    victimSliceFailed = true;
                }
            }
            assertTrue(victimSliceFailed, first::toString);
            survivor.get("/_cluster/health?wait_for_nodes=" + (nodes.size() - 1) + "&wait_for_status=yellow&timeout=120s").expect(200);

            JsonObject counts = survivor.post(PROJECT_INDEX + "?slices=auto&wait_for_completion=true", projectBody(dest, 32))
                    .expect(200).json();
            assertEquals(nodes.size() - 1, counts.getAsJsonArray("slices").size(), () -> "auto: one slice per node left: " + counts);
            assertEquals(DOCS, counts.get("processed").getAsInt(), counts::toString);
            assertEquals(0, counts.get("failed").getAsInt(), counts::toString);
            assertTrue(counts.get("skipped").getAsInt() >= 1, counts::toString);
            survivor.post("/" + dest + "/_refresh", "").expectOk();
            assertEquals(DOCS, count(survivor, dest), "one destination document per source document");
            assertEquals(sourceIds, ids(dest));
        } finally {
            if (stopped) {
                script.start(victim);
            }
        }
        rest.get("/_cluster/health?wait_for_nodes=" + nodes.size() + "&wait_for_status=yellow&timeout=120s").expect(200);
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Polls a sliced job's child tasks until {@code slices} of them run and together have processed at least
     * {@code min} documents; answers the ids of the nodes they run on. Fails if the parent completes first.
     */
    private static Set<String> awaitChildProgress(PolyspanRest node, String parent, int slices, int min) throws InterruptedException {
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonObject r = node.get("/_tasks/" + parent).expect(200).json();
            assertFalse(r.get("completed").getAsBoolean(), () -> "the sliced job finished too early: " + r);
            List<JsonObject> children = childTasks(node, parent);
            int processed = 0;
            Set<String> on = new TreeSet<>();
            for (JsonObject child : children) {
                on.add(child.get("node").getAsString());
                JsonObject status = child.getAsJsonObject("status");
                processed += status != null && status.has("processed") ? status.get("processed").getAsInt() : 0;
            }
            if (children.size() == slices && processed >= min) {
                return on;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the slices of " + parent + " did not process " + min + " documents in 5 minutes");
    }

    /** The running child tasks of a task, with their status. */
    private static List<JsonObject> childTasks(PolyspanRest node, String parent) {
        JsonObject r = node.get("/_tasks?detailed=true&parent_task_id=" + parent).expect(200).json();
        List<JsonObject> out = new ArrayList<>();
        for (Map.Entry<String, JsonElement> n : r.getAsJsonObject("nodes").entrySet()) {
            for (Map.Entry<String, JsonElement> t : n.getValue().getAsJsonObject().getAsJsonObject("tasks").entrySet()) {
                out.add(t.getValue().getAsJsonObject());
            }
        }
        return out;
    }

    /** Each document's projected spans (label, offsets and text, sorted), as one comparable string. */
    private static Map<String, String> spansById(String index) {
        rest.post("/" + index + "/_refresh", "").expectOk();
        JsonObject r = rest.post("/" + index + "/_search", Map.of("size", DOCS + 100, "_source", List.of("spans"))).expect(200).json();
        Map<String, String> out = new TreeMap<>();
        for (JsonElement h : r.getAsJsonObject("hits").getAsJsonArray("hits")) {
            JsonObject hit = h.getAsJsonObject();
            List<String> spans = new ArrayList<>();
            JsonObject src = hit.getAsJsonObject("_source");
            if (src.has("spans")) {
                for (JsonElement e : src.getAsJsonArray("spans")) {
                    JsonObject span = e.getAsJsonObject();
                    spans.add(span.get("label").getAsString() + "@" + span.get("start").getAsInt() + "-" + span.get("end").getAsInt()
                            + ":" + span.get("text").getAsString());
                }
            }
            spans.sort(null);
            out.put(hit.get("_id").getAsString(), String.join(" | ", spans));
        }
        return out;
    }

    private static String nodeId(PolyspanRest node) {
        JsonObject r = node.get("/_nodes/_local").expect(200).json();
        return r.getAsJsonObject("nodes").keySet().iterator().next();
    }


    /** The last node that is not the elected cluster manager: stopping it leaves the cluster's state where it was. */
    private static int nodeToStop() {
        String manager = rest.get("/_cat/cluster_manager?h=node").expect(200).body().trim();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            if (!nodeName(nodes.get(i)).equals(manager)) {
                return i;
            }
        }
        throw new AssertionError("every node is the cluster manager [" + manager + "]?");
    }

    /** Polls the task on its node until it has processed at least {@code min} documents; fails if it completes first. */
    private static int awaitProgress(PolyspanRest node, String task, int min) throws InterruptedException {
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonObject r = node.get("/_tasks/" + task).expect(200).json();
            assertFalse(r.get("completed").getAsBoolean(), () -> "the task finished before the node could be stopped: " + r);
            JsonObject status = r.getAsJsonObject("task").getAsJsonObject("status");
            if (status != null && status.has("processed") && status.get("processed").getAsInt() >= min) {
                return status.get("processed").getAsInt();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("task " + task + " did not process " + min + " documents in 5 minutes");
    }

    private static Map<String, Object> projectBody(String dest, int batchSize) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("source_index", source);
        b.put("dest_index", dest);
        b.put("text_field", "body");
        b.put("spans_field", "spans");
        b.put("target_text_field", "body_es");
        b.put("batch_size", batchSize);
        b.put("model", MODEL);
        b.put("source_language", "en");
        b.put("target_language", "es");
        return b;
    }

    /** The counts of a finished task, whether answered directly or under {@code response}. */
    private static JsonObject finalCounts(JsonObject answer) {
        return answer.has("response") ? answer.getAsJsonObject("response") : answer;
    }

    /** An index with 3 primary shards, 1 replica each, the plugin's span mapping, and the given extra settings. */
    private static void createThreeShardIndex(String index, String... settingPairs) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("index.number_of_shards", 3);
        settings.put("index.number_of_replicas", 1);
        for (int i = 0; i < settingPairs.length; i += 2) {
            settings.put(settingPairs[i], settingPairs[i + 1]);
        }
        JsonObject template = rest.get(PolyspanRest.API + "/mapping_template").expect(200).json();
        rest.createIndex(index, Map.of("settings", settings, "mappings", template.getAsJsonObject("template").getAsJsonObject("mappings")))
                .expect(200);
        rest.get("/_cluster/health/" + index + "?wait_for_status=green&timeout=60s").expect(200);
    }

    /** Indexes the first {@link #DOCS} English Europarl NER test sentences with their gold spans and Spanish translation. */
    private static Set<String> indexEuroparl(String index) throws Exception {
        Path dir = Path.of(System.getProperty("polyspan.shared.data", "../shared/data")).resolve("projection/europarl_ner");
        assertTrue(Files.isRegularFile(dir.resolve("en-europarl.test.conll02")), "Europarl NER gold set missing under " + dir);
        ConllReader reader = new ConllReader(Map.of(), Set.of());
        List<ConllSentence> en = reader.read(dir.resolve("en-europarl.test.conll02"));
        List<ConllSentence> es = reader.read(dir.resolve("es-europarl.test.conll02"));
        assertTrue(en.size() >= DOCS && es.size() >= DOCS, "fewer than " + DOCS + " Europarl sentences");
        StringBuilder nd = new StringBuilder();
        Set<String> ids = new TreeSet<>();
        for (int i = 0; i < DOCS; i++) {
            Document d = Document.ofTokens(en.get(i).tokens());
            List<Map<String, Object>> spans = new ArrayList<>();
            for (WordSpan w : SpanConversions.fromTags(en.get(i).tags(), "tags")) {
                Word first = d.words().get(w.start());
                Word last = d.words().get(w.end() - 1);
                spans.add(Map.of("label", w.label(), "text", d.text().substring(first.start(), last.end()), "start", first.start(),
                        "end", last.end(), "score", 1.0, "field", "body", "head", "ner"));
            }
            String id = "s" + i;
            ids.add(id);
            nd.append("{\"index\":{\"_index\":\"").append(index).append("\",\"_id\":\"").append(id).append("\"}}\n")
                    .append(PolyspanRest.toJson(Map.of("body", d.text(), "body_es", String.join(" ", es.get(i).tokens()), "spans", spans)))
                    .append('\n');
        }
        JsonObject bulk = rest.request("POST", "/_bulk?refresh=true", nd.toString(), "application/x-ndjson").expect(200).json();
        assertFalse(bulk.get("errors").getAsBoolean(), () -> PolyspanRest.abbreviate(bulk.toString()));
        assertEquals(DOCS, count(rest, index));
        return ids;
    }

    private static int count(PolyspanRest node, String index) {
        return node.get("/" + index + "/_count").expect(200).json().get("count").getAsInt();
    }

    /** Every document id of an index (read through the first live node). */
    private static Set<String> ids(String index) {
        PolyspanRest reader = nodes.stream().filter(ClusterIT::answers).findFirst().orElseThrow();
        reader.post("/" + index + "/_refresh", "").expectOk();
        JsonObject r = reader.post("/" + index + "/_search", Map.of("size", DOCS + 100, "_source", false, "track_total_hits", true))
                .expect(200).json();
        Set<String> ids = new TreeSet<>();
        for (JsonElement h : r.getAsJsonObject("hits").getAsJsonArray("hits")) {
            ids.add(h.getAsJsonObject().get("_id").getAsString());
        }
        return ids;
    }

    private static boolean answers(PolyspanRest node) {
        try {
            return node.get("/").status() == 200;
        } catch (AssertionError e) {
            return false;
        }
    }

    private static String nodeName(PolyspanRest node) {
        return node.get("/").expect(200).json().get("name").getAsString();
    }

    private static Set<String> nodeNames() {
        Set<String> names = new TreeSet<>();
        for (PolyspanRest node : nodes) {
            names.add(nodeName(node));
        }
        return names;
    }

    private static Set<String> modelIds(PolyspanRest node) {
        Set<String> ids = new HashSet<>();
        for (JsonElement m : node.get(PolyspanRest.API + "/models").expect(200).json().getAsJsonArray("models")) {
            ids.add(m.getAsJsonObject().get("id").getAsString());
        }
        return ids;
    }

    /** The default model's inference count on one node (0 before its first load). */
    private static long inferenceCount(PolyspanRest node) {
        JsonObject model = onNode(node);
        return model.has("inference_count") ? model.get("inference_count").getAsLong() : 0;
    }

    private static String modelState(PolyspanRest node) {
        return onNode(node).get("state").getAsString();
    }

    /** The default model as node {@code node} reports it itself (node names are polyspan-<http port>). */
    private static JsonObject onNode(PolyspanRest node) {
        String name = "polyspan-" + java.net.URI.create(node.baseUrl()).getPort();
        for (Map.Entry<String, JsonElement> e : defaultModel(node).getAsJsonObject("nodes").entrySet()) {
            JsonObject perNode = e.getValue().getAsJsonObject();
            if (name.equals(perNode.get("name").getAsString())) {
                return perNode;
            }
        }
        throw new AssertionError(MODEL + " has no entry for node " + name + " on " + node.baseUrl());
    }

    /** The default model's entry in {@code GET _plugins/polyspan/models} of one node. */
    private static JsonObject defaultModel(PolyspanRest node) {
        for (JsonElement m : node.get(PolyspanRest.API + "/models").expect(200).json().getAsJsonArray("models")) {
            JsonObject model = m.getAsJsonObject();
            if (model.get("id").getAsString().equals(MODEL)) {
                return model;
            }
        }
        throw new AssertionError(MODEL + " not listed on " + node.baseUrl());
    }
}
