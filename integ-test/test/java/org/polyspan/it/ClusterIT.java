package org.polyspan.it;

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

    // ------------------------------------------------------------------ helpers

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
