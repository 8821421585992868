package org.polyspan.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.polyspan.TinyModelRepository;
import org.polyspan.TinyModels;
import org.polyspan.model.ModelRepository;
import org.polyspan.onnx.OnnxWindowEncoder;
import org.polyspan.projection.ProjectionRequest;
import org.polyspan.translation.TranslationException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine-neutral answers of a node's models operations, the mapping template and _project. */
class RuntimeApisTest {
    @RegisterExtension
    static final TinyModelRepository MODELS = new TinyModelRepository();

    @Test
    @SuppressWarnings("unchecked")
    void aNodeDescribesReloadsAndUnloadsItsModels() {
        ModelsNodeOperation node = new ModelsNodeOperation(MODELS.get());
        ModelsNodeOperation.Result described = node.describe(Map.of("polyspan_inference", Map.of("threads", 1)));
        assertEquals(200, described.status());
        List<Map<String, Object>> listed = (List<Map<String, Object>>) described.body().get("models");
        assertTrue(listed.stream().anyMatch(m -> TinyModels.HEADS.equals(m.get("id"))), listed::toString);
        assertEquals(Map.of("polyspan_inference", Map.of("threads", 1)), described.body().get("thread_pools"));

        ModelsNodeOperation.Result reload = node.change(ModelsNodeOperation.Operation.RELOAD, TinyModels.HEADS);
        assertEquals(200, reload.status(), () -> reload.body().toString());
        assertEquals("loaded", reload.body().get("state"));
        assertEquals(List.of("ner"), reload.body().get("heads"), "head names, as before the nodes-level API");

        ModelsNodeOperation.Result unload = node.change(ModelsNodeOperation.Operation.UNLOAD, TinyModels.HEADS);
        assertEquals(200, unload.status());
        assertEquals("not_loaded", unload.body().get("state"));
        assertEquals(true, unload.body().get("was_loaded"));

        ModelsNodeOperation.Result unknown = node.change(ModelsNodeOperation.Operation.RELOAD, "no-such-model");
        assertEquals(404, unknown.status());
        assertTrue(((String) unknown.body().get("error")).contains("no-such-model"));
    }

    @Test
    void aNodeUnloadsAModelWhoseDirectoryWasRemoved(@TempDir Path tmp) throws Exception {
        Path dir = TinyModels.copy(TinyModels.HF, tmp.resolve("m"));
        try (ModelRepository models = new ModelRepository(tmp, OnnxWindowEncoder.Device.CPU, 1)) {
            models.lease("m").close();
            Files.delete(dir.resolve("config.json"));
            ModelsNodeOperation node = new ModelsNodeOperation(models);

            ModelsNodeOperation.Result reload = node.change(ModelsNodeOperation.Operation.RELOAD, "m");
            assertEquals(400, reload.status(), () -> reload.body().toString());
            assertEquals("loaded", reload.body().get("in_service"));

            ModelsNodeOperation.Result unload = node.change(ModelsNodeOperation.Operation.UNLOAD, "m");
            assertEquals(200, unload.status(), () -> unload.body().toString());
            assertEquals(true, unload.body().get("was_loaded"));
            assertEquals(0, models.loadedBytes());
            assertEquals(404, node.change(ModelsNodeOperation.Operation.UNLOAD, "m").status());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void mappingTemplateMapsSpansNestedAndTheFlatCopyAsKeywords() {
        Map<String, Object> template = (Map<String, Object>) MappingTemplate.componentTemplate(List.of("ents")).get("template");
        Map<String, Object> mappings = (Map<String, Object>) template.get("mappings");
        Map<String, Object> props = (Map<String, Object>) mappings.get("properties");
        assertEquals("nested", ((Map<String, Object>) props.get("ents")).get("type"));
        Map<String, Object> dyn = (Map<String, Object>) ((List<Object>) mappings.get("dynamic_templates")).get(0);
        Map<String, Object> rule = (Map<String, Object>) dyn.get("polyspan_ents_by_label");
        assertEquals("ents_by_label.*", rule.get("path_match"));
        assertEquals("keyword", ((Map<String, Object>) rule.get("mapping")).get("type"));
        assertEquals(MappingTemplate.NESTED_OBJECTS_LIMIT,
                ((Map<String, Object>) template.get("settings")).get("index.mapping.nested_objects.limit"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void projectAnswersBadBodiesAndUnusableOptionsWith400NamingTheField() {
        ProjectionRequest.PairException e = assertThrows(ProjectionRequest.PairException.class,
                () -> ProjectApi.parse(Map.of("pairs", List.of(Map.of("source", Map.of("text", "Obama", "spans", List.of()))))));
        Reply bad = ProjectApi.badRequest(e);
        assertEquals(400, bad.status());
        Map<String, Object> error = (Map<String, Object>) bad.json().get("error");
        assertEquals(0, error.get("pair"));
        assertEquals("target", error.get("field"));

        ProjectApi api = new ProjectApi(MODELS.get(), () -> {
            throw new TranslationException("no service here");
        });
        Map<String, Object> pair = Map.of("source", Map.of("text", "Obama visited Paris.",
                "spans", List.of(Map.of("start", 0, "end", 5, "label", "PER"))), "target", Map.of("text", "Obama visitó París."));
        Reply unknownModel = api.run(ProjectApi.parse(Map.of("model", "no-such-model", "pairs", List.of(pair))));
        assertEquals(400, unknownModel.status());
        assertEquals("model", ((Map<String, Object>) unknownModel.json().get("error")).get("field"));

        Reply noTranslator = api.run(ProjectApi.parse(Map.of("translate", true, "source_language", "en", "target_language", "es",
                "pairs", List.of(Map.of("source", pair.get("source"))))));
        assertEquals(400, noTranslator.status(), () -> noTranslator.json().toString());
        assertEquals("translate", ((Map<String, Object>) noTranslator.json().get("error")).get("field"));

        Reply ok = api.run(ProjectApi.parse(Map.of("model", TinyModels.HEADS, "method", "align", "pairs", List.of(pair))));
        assertEquals(200, ok.status(), () -> String.valueOf(ok.json()));
        assertEquals("align", ok.json().get("method"));
        List<Map<String, Object>> pairs = (List<Map<String, Object>>) ok.json().get("pairs");
        assertEquals(1, pairs.size());

        Reply conll = api.run(ProjectApi.parse(Map.of("model", TinyModels.HEADS, "output", "conll", "pairs", List.of(pair))));
        assertEquals(200, conll.status());
        assertTrue(conll.isText());
        assertTrue(conll.text().startsWith("Obama\t"), conll.text());
    }
}
