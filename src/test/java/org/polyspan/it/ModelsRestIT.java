package org.polyspan.it;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    void listsTheInstalledModels() {
        JsonObject r = rest.get("/_plugins/polyspan/models").expect(200).json();
        assertTrue(r.has("models_path"), () -> "no models_path in " + r);
        List<String> ids = new ArrayList<>();
        for (JsonElement m : r.getAsJsonArray("models")) {
            JsonObject model = m.getAsJsonObject();
            ids.add(model.get("id").getAsString());
            assertTrue(model.has("state"), () -> "model without state: " + model);
        }
        for (String expected : List.of("mbert-ner", "mbert-ner-int8", "tiny-heads", "tiny-hf")) {
            assertTrue(ids.contains(expected), () -> "model [" + expected + "] not listed; models: " + ids
                    + " in " + r.get("models_path"));
        }
    }

    @Test
    void reloadLoadsAModelAndReportsItsHeads() {
        JsonObject r = rest.request("POST", "/_plugins/polyspan/models/tiny-heads/_reload", null, null).expect(200).json();
        assertEquals("loaded", r.get("state").getAsString(), r::toString);
        assertTrue(r.getAsJsonArray("heads").toString().contains("ner"), () -> "tiny-heads should have head [ner]: " + r);
        JsonObject listed = null;
        for (JsonElement m : rest.get("/_plugins/polyspan/models").expect(200).json().getAsJsonArray("models")) {
            if (m.getAsJsonObject().get("id").getAsString().equals("tiny-heads")) {
                listed = m.getAsJsonObject();
            }
        }
        JsonObject model = listed;
        assertTrue(model != null && "loaded".equals(model.get("state").getAsString()), () -> "after _reload: " + model);
        assertTrue(model.getAsJsonObject("heads").has("ner"), () -> "after _reload: " + model);
    }

    @Test
    void reloadLoadsATranslationModelAgain() {
        JsonObject r = rest.request("POST", "/_plugins/polyspan/models/tiny-m2m100/_reload", null, null).expect(200).json();
        assertEquals("loaded", r.get("state").getAsString(), r::toString);
        assertEquals("translation", r.get("task").getAsString(), r::toString);
        assertTrue(r.get("languages").getAsInt() > 1, r::toString);
    }

    @Test
    void reloadOfAnUnknownModelIs404() {
        PolyspanRest.Response r = rest.request("POST", "/_plugins/polyspan/models/no-such-model/_reload", null, null);
        assertEquals(404, r.status(), r::body);
        assertTrue(r.body().contains("no-such-model"), r::body);
    }

    @Test
    void unknownModelIsRejectedNamingTheModelAndTheDirectory() {
        String modelsPath = rest.get("/_plugins/polyspan/models").expect(200).json().get("models_path").getAsString();
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
        JsonObject template = rest.get("/_plugins/polyspan/mapping_template?target_field=ents").expect(200).json();
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
