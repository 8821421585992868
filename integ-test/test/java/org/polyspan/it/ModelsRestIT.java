package org.polyspan.it;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.polyspan.it.PolyspanRest.labeller;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The REST endpoints of the plugin and the processor's configuration errors. */
class ModelsRestIT {
    private static PolyspanRest rest;

    @BeforeAll
    static void connect() {
        rest = new PolyspanRest("models");
        rest.get("/_cluster/health?wait_for_status=yellow&timeout=60s").expect(200);
    }

    @AfterAll
    static void cleanup() {
        if (rest != null) {
            rest.cleanup();
        }
    }


    @Test
    void listsTheInstalledModelsWithTheirHeadsBeforeAnyLoadAndTheirStatePerNode() {
        rest.onEveryNode("tiny-hf", "_unload");
        JsonObject r = rest.get(PolyspanRest.API + "/models").expect(200).json();
        assertTrue(r.has("models_path"), () -> "no models_path in " + r);
        int nodes = r.getAsJsonObject("_nodes").get("total").getAsInt();
        assertEquals(nodes, r.getAsJsonObject("_nodes").get("successful").getAsInt(), r::toString);
        for (Map.Entry<String, JsonElement> node : r.getAsJsonObject("nodes").entrySet()) {
            JsonObject n = node.getValue().getAsJsonObject();
            for (String key : List.of("name", "models_path", "loaded_bytes", "max_bytes")) {
                assertTrue(n.has(key), () -> "node " + node.getKey() + " without " + key + ": " + n);
            }
            assertTrue(n.getAsJsonObject("thread_pools").has("polyspan_model_load"), n::toString);
        }
        List<String> ids = new ArrayList<>();
        for (JsonElement m : r.getAsJsonArray("models")) {
            JsonObject model = m.getAsJsonObject();
            ids.add(model.get("id").getAsString());
            assertTrue(model.has("state"), () -> "model without state: " + model);
            assertEquals(nodes, model.getAsJsonObject("nodes").size(), model::toString);
        }
        for (String expected : List.of("mbert-ner", "mbert-ner-int8", "tiny-heads", "tiny-hf")) {
            assertTrue(ids.contains(expected), () -> "model [" + expected + "] not listed; models: " + ids
                    + " in " + r.get("models_path"));
        }
        // heads and labels come from the files: the model is not loaded on any node
        JsonObject hf = rest.model("tiny-hf");
        assertEquals("not_loaded", hf.get("state").getAsString(), hf::toString);
        assertEquals("token_classification", hf.get("task").getAsString(), hf::toString);
        assertTrue(hf.getAsJsonObject("heads").getAsJsonArray("default").size() > 0, hf::toString);
        assertTrue(hf.get("file_bytes").getAsLong() > 0, hf::toString);
        for (Map.Entry<String, JsonElement> node : hf.getAsJsonObject("nodes").entrySet()) {
            assertEquals("not_loaded", node.getValue().getAsJsonObject().get("state").getAsString(), node::toString);
        }
    }

    @Test
    void reloadLoadsAModelOnEveryNodeAndReportsItsHeads() {
        for (Map.Entry<String, JsonElement> node : rest.onEveryNode("tiny-heads", "_reload").entrySet()) {
            JsonObject n = node.getValue().getAsJsonObject();
            assertEquals("loaded", n.get("state").getAsString(), n::toString);
            assertEquals(200, n.get("status").getAsInt(), n::toString);
            assertTrue(n.has("name") && n.has("load_time_ms") && n.has("memory_bytes"), n::toString);
            assertTrue(n.getAsJsonArray("heads").toString().contains("ner"), () -> "tiny-heads should have head [ner]: " + n);
        }
        JsonObject model = rest.model("tiny-heads");
        assertTrue(model != null && "loaded".equals(model.get("state").getAsString()), () -> "after _reload: " + model);
        assertTrue(model.getAsJsonObject("heads").has("ner"), () -> "after _reload: " + model);
        for (Map.Entry<String, JsonElement> node : model.getAsJsonObject("nodes").entrySet()) {
            JsonObject n = node.getValue().getAsJsonObject();
            assertTrue(n.get("memory_bytes").getAsLong() > 0 && n.has("inference_count") && n.has("mean_latency_ms"), n::toString);
            // _project runs the encoder cut after the layer it reads, checked against the full one at load
            JsonObject projection = n.getAsJsonObject("projection_encoder");
            assertNotNull(projection, n::toString);
            assertEquals("encoder_truncated.onnx", projection.get("file").getAsString(), n::toString);
            assertTrue(projection.getAsJsonObject("check").get("min_cosine").getAsDouble() >= 0.9999, n::toString);
        }
    }

    @Test
    void reloadLoadsATranslationModelAgain() {
        for (Map.Entry<String, JsonElement> node : rest.onEveryNode("tiny-m2m100", "_reload").entrySet()) {
            JsonObject n = node.getValue().getAsJsonObject();
            assertEquals("loaded", n.get("state").getAsString(), n::toString);
            assertEquals("translation", n.get("task").getAsString(), n::toString);
            assertTrue(n.get("languages").getAsInt() > 1, n::toString);
        }
    }

    @Test
    void reloadAndUnloadOfAnUnknownModelAre404() {
        for (String action : List.of("_reload", "_unload")) {
            PolyspanRest.Response r = rest.request("POST", PolyspanRest.API + "/models/no-such-model/" + action, null, null);
            assertEquals(404, r.status(), r::body);
            assertTrue(r.body().contains("no-such-model"), r::body);
        }
    }

    @Test
    void unloadTakesTheModelOutOfServiceAndTheNextDocumentLoadsItAgain() {
        rest.onEveryNode("tiny-heads", "_reload");
        for (Map.Entry<String, JsonElement> node : rest.onEveryNode("tiny-heads", "_unload").entrySet()) {
            JsonObject n = node.getValue().getAsJsonObject();
            assertEquals("not_loaded", n.get("state").getAsString(), n::toString);
            assertTrue(n.get("was_loaded").getAsBoolean(), n::toString);
        }
        assertEquals("not_loaded", rest.model("tiny-heads").get("state").getAsString());
        List<JsonObject> docs = rest.simulate(labeller(Map.of("model", "tiny-heads", "field", "body")),
                List.of(Map.of("body", "Angela Merkel visited Paris.")));
        JsonObject source = docs.get(0).getAsJsonObject("doc").getAsJsonObject("_source");
        assertTrue(source.has("spans") && source.has("spans_by_label"), source::toString);
        assertEquals("loaded", rest.awaitModel("tiny-heads").get("state").getAsString());
    }

    /**
     * The crash of issue 9: bulk requests through a pipeline while the model is reloaded in a loop. Every document must
     * be labelled and indexed, every reload answer 200, and the node must stay up.
     */
    @Test
    void reloadingInALoopWhileBulkIndexingLosesNoDocumentAndKeepsTheNodeUp() throws Exception {
        String pipeline = rest.name("reload-race");
        String index = rest.name("reload-race");
        rest.putPipeline(pipeline, labeller(Map.of("model", "tiny-heads", "field", "body"))).expect(200);
        rest.createSpanIndex(index).expect(200);
        int clients = 3;
        int bulks = 15;
        int perBulk = 20;
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger reloads = new AtomicInteger();
        List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread reloader = new Thread(() -> {
            while (!done.get()) {
                PolyspanRest.Response r = rest.request("POST", PolyspanRest.API + "/models/tiny-heads/_reload", null, null);
                if (r.status() != 200) {
                    problems.add("reload: HTTP " + r.status() + " " + PolyspanRest.abbreviate(r.body()));
                }
                reloads.incrementAndGet();
            }
        });
        reloader.start();
        List<Thread> senders = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            senders.add(new Thread(() -> {
                for (int b = 0; b < bulks; b++) {
                    StringBuilder nd = new StringBuilder();
                    for (int i = 0; i < perBulk; i++) {
                        nd.append("{\"index\":{\"_index\":\"").append(index).append("\",\"_id\":\"c").append(client).append("-")
                                .append(b).append("-").append(i).append("\"}}\n")
                                .append(PolyspanRest.toJson(Map.of("body", "Angela Merkel met Barack Obama in Berlin, bulk " + b)))
                                .append('\n');
                    }
                    PolyspanRest.Response r = rest.request("POST", "/_bulk?pipeline=" + pipeline, nd.toString(), "application/x-ndjson");
                    if (r.status() != 200 || r.json().get("errors").getAsBoolean()) {
                        problems.add("bulk: HTTP " + r.status() + " " + PolyspanRest.abbreviate(r.body()));
                    }
                }
            }));
        }
        senders.forEach(Thread::start);
        for (Thread t : senders) {
            t.join();
        }
        done.set(true);
        reloader.join();
        assertEquals(List.of(), problems);
        assertTrue(reloads.get() >= 3, "reloads during the bulk requests: " + reloads.get());
        rest.get("/_cluster/health?wait_for_status=yellow&timeout=30s").expect(200);
        rest.request("POST", "/" + index + "/_refresh", null, null).expect(200);
        assertEquals(clients * bulks * perBulk, rest.get("/" + index + "/_count").expect(200).json().get("count").getAsInt());
        JsonObject hits = rest.post("/" + index + "/_search", Map.of("size", 200)).expect(200).json();
        for (JsonElement hit : hits.getAsJsonObject("hits").getAsJsonArray("hits")) {
            JsonObject source = hit.getAsJsonObject().getAsJsonObject("_source");
            assertTrue(source.has("spans") && source.has("spans_by_label"), () -> "not labelled: " + hit);
        }
        System.out.println("reload race: " + reloads.get() + " reloads during " + clients * bulks + " bulk requests of " + perBulk);
    }

    @Test
    void unknownModelIsRejectedNamingTheModelAndTheDirectory() {
        String modelsPath = rest.get(PolyspanRest.API + "/models").expect(200).json().get("models_path").getAsString();
        PolyspanRest.Response r = rest.putPipeline(rest.name("unknown-model"),
                labeller(Map.of("model", "no-such-model-xyz", "field", "body")));
        assertEquals(400, r.status(), r::body);
        String reason = r.json().getAsJsonObject("error").get("reason").getAsString();
        assertTrue(reason.contains("no-such-model-xyz"), () -> "error should name the model: " + reason);
        assertTrue(reason.contains(modelsPath), () -> "error should name the models directory " + modelsPath + ": " + reason);
    }

    @Test
    void missingFieldIsRejected() {
        PolyspanRest.Response r = rest.putPipeline(rest.name("no-field"), labeller(Map.of("model", "tiny-heads")));
        assertEquals(400, r.status(), r::body);
        assertTrue(r.body().contains("field"), r::body);
    }

    @Test
    void fieldAndFieldsTogetherAreRejected() {
        PolyspanRest.Response r = rest.putPipeline(rest.name("both-fields"),
                labeller(Map.of("model", "tiny-heads", "field", "body", "fields", List.of("title"))));
        assertEquals(400, r.status(), r::body);
    }

    @Test
    void missingModelIsRejected() {
        PolyspanRest.Response r = rest.putPipeline(rest.name("no-model"), labeller(Map.of("field", "body")));
        assertEquals(400, r.status(), r::body);
        assertTrue(r.body().contains("model"), r::body);
    }

    @Test
    void unknownHeadAndLabelAreRejected() {
        PolyspanRest.Response head = rest.putPipeline(rest.name("bad-head"),
                labeller(Map.of("model", "tiny-heads", "field", "body", "heads", List.of("no-such-head"))));
        assertEquals(400, head.status(), head::body);
        assertTrue(head.body().contains("no-such-head"), head::body);
        PolyspanRest.Response label = rest.putPipeline(rest.name("bad-label"),
                labeller(Map.of("model", "tiny-heads", "field", "body", "labels", List.of("NO_SUCH_LABEL"))));
        assertEquals(400, label.status(), label::body);
        assertTrue(label.body().contains("NO_SUCH_LABEL"), label::body);
    }

    @Test
    void outOfRangeSettingsAreRejected() {
        PolyspanRest.Response score = rest.putPipeline(rest.name("bad-score"),
                labeller(Map.of("model", "tiny-heads", "field", "body", "min_score", 1.5)));
        assertEquals(400, score.status(), score::body);
        PolyspanRest.Response chars = rest.putPipeline(rest.name("bad-chars"),
                labeller(Map.of("model", "tiny-heads", "field", "body", "max_chars", 0)));
        assertEquals(400, chars.status(), chars::body);
    }

    @Test
    void minimalConfigurationIsAccepted() {
        rest.putPipeline(rest.name("minimal"), labeller(Map.of("model", "tiny-heads", "field", "body"))).expect(200);
    }

    @Test
    void mappingTemplateInstallsAsComponentTemplate() {
        JsonObject template = rest.get(PolyspanRest.API + "/mapping_template?target_field=ents").expect(200).json();
        JsonObject props = template.getAsJsonObject("template").getAsJsonObject("mappings").getAsJsonObject("properties");
        assertEquals("nested", props.getAsJsonObject("ents").get("type").getAsString(), template::toString);

        String component = rest.name("spans-component");
        String indexTemplate = rest.name("index-template");
        String index = rest.name("templated");
        rest.putComponentTemplate(component, template).expect(200);
        rest.putIndexTemplate(indexTemplate, Map.of("index_patterns", List.of(index + "*"), "composed_of", List.of(component),
                "priority", 500)).expect(200);
        rest.createIndex(index, null).expect(200);
        JsonObject mapping = rest.get("/" + index + "/_mapping").expect(200).json()
                .getAsJsonObject(index).getAsJsonObject("mappings");
        JsonObject ents = mapping.getAsJsonObject("properties").getAsJsonObject("ents");
        assertEquals("nested", ents.get("type").getAsString(), mapping::toString);
        assertEquals("keyword", ents.getAsJsonObject("properties").getAsJsonObject("label").get("type").getAsString(),
                mapping::toString);
        assertTrue(mapping.toString().contains("ents_by_label.*"), () -> "no dynamic template for ents_by_label.*: " + mapping);
    }
}
