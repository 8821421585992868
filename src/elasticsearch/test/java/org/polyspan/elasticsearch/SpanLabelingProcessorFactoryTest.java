package org.polyspan.elasticsearch;

import org.polyspan.ProcessorTestModels;
import org.elasticsearch.ElasticsearchParseException;
import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.ingest.ConfigurationUtils;
import org.elasticsearch.ingest.IngestDocument;
import org.elasticsearch.rest.RestStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.polyspan.labeling.SpanScope;
import org.polyspan.ingest.SpanLabelingOptions;
import org.polyspan.model.InferenceRejections;
import org.polyspan.model.ModelRepository;
import org.polyspan.onnx.OnnxWindowEncoder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code span_labeling} factory on Elasticsearch: the options it reads, and every bad option as Elasticsearch's
 * configuration error (400, naming the processor type and the property), as {@link ConfigurationUtils} reports them.
 */
class SpanLabelingProcessorFactoryTest extends SpanLabelingTestCase {

    private SpanLabelingProcessor create(Map<String, Object> config) {
        return factory.create(Map.of(), null, null, config);
    }

    /** The configuration error {@code create} throws, checked to be Elasticsearch's and to name {@code property}; its message. */
    private String configError(String property, Map<String, Object> config) {
        return configError(property, () -> create(config));
    }

    private static String configError(String property, Executable create) {
        ElasticsearchParseException e = assertThrows(ElasticsearchParseException.class, create);
        assertEquals(RestStatus.BAD_REQUEST, e.status());
        assertEquals(List.of(property), e.getMetadata("es.property_name"), e::getMessage);
        assertEquals(List.of("span_labeling"), e.getMetadata("es.processor_type"));
        assertTrue(e.getMessage().startsWith("[" + property + "] "), e::getMessage);
        return e.getMessage();
    }

    @Test
    void defaults() {
        SpanLabelingProcessor p = factory.create(Map.of(), "t", "d", config("model", "tiny-heads", "field", "body"));
        assertEquals(new SpanLabelingOptions("tiny-heads", List.of("body"), List.of(new SpanLabelingOptions.Target("spans", List.of())),
                Set.of(), 0.0, false, SpanLabelingOptions.DEFAULT_MAX_CHARS, SpanScope.SENTENCE), p.options());
        assertEquals("t", p.getTag());
        assertEquals("d", p.getDescription());
        assertEquals("span_labeling", p.getType());
        assertTrue(p.isAsync());
    }

    @Test
    void allOptions() {
        SpanLabelingProcessor p = create(config("model", "all-per", "fields", List.of("a", "b"),
                "target_field", "entities", "labels", List.of("PER"), "heads", List.of("places"), "min_score", 0.5,
                "ignore_missing", true, "max_chars", 10, "span_scope", "field"));
        assertEquals(new SpanLabelingOptions("all-per", List.of("a", "b"), List.of(new SpanLabelingOptions.Target("entities",
                List.of("places"))), Set.of("PER"), 0.5, true, 10, SpanScope.FIELD), p.options());
    }

    /** Elasticsearch rejects a processor whose configuration has keys left over: the factory takes those it reads. */
    @Test
    void readOptionsAreTakenFromTheConfigurationAndUnknownOnesLeft() {
        Map<String, Object> config = config("model", "all-per", "field", "body", "min_score", 0.5, "ignore_missing", true,
                "span_scope", "field", "max_chars", 10, "labels", List.of("PER"), "heads", List.of("ner"), "target_field", "x",
                "colour", "blue");
        create(config);
        assertEquals(Map.of("colour", "blue"), config);
    }

    @Test
    void badSpanScope() {
        String message = configError("span_scope", config("model", "all-per", "field", "body", "span_scope", "paragraph"));
        assertEquals("[span_scope] must be [sentence] or [field], got [paragraph]", message);
    }

    @Test
    void targetsMapHeadsToFields() {
        Map<String, Object> targets = new LinkedHashMap<>();
        targets.put("people", List.of("ner"));
        targets.put("places", "places");
        SpanLabelingProcessor p = create(config("model", "all-per", "field", "body", "targets", targets));
        assertEquals(List.of(new SpanLabelingOptions.Target("people", List.of("ner")),
                new SpanLabelingOptions.Target("places", List.of("places"))), p.options().targets());
    }

    @Test
    void targetsErrors() {
        String combined = configError("targets", config("model", "all-per", "field", "body", "target_field", "x", "targets", Map.of("a", "ner")));
        assertTrue(combined.contains("cannot be combined with [target_field] or [heads]"), combined);
        String unknown = configError("targets", config("model", "all-per", "field", "body", "targets", Map.of("a", List.of("medical"))));
        assertTrue(unknown.contains("has no head [medical]"), unknown);
        String empty = configError("targets", config("model", "all-per", "field", "body", "targets", Map.of("a", List.of())));
        assertTrue(empty.contains("target [a] must name a head or a non-empty list of heads"), empty);
    }

    @Test
    void huggingFaceLayoutLoads() {
        SpanLabelingProcessor p = create(config("model", "tiny-hf", "field", "body", "labels", List.of("MISC")));
        assertEquals(Set.of("MISC"), p.options().labelFilter());
    }

    @Test
    void modelRequired() {
        assertEquals("[model] required property is missing", configError("model", config("field", "body")));
    }

    @Test
    void unknownModelNamesModelAndDirectory() {
        String message = configError("model", config("model", "nope", "field", "body"));
        assertTrue(message.contains("unknown model [nope]"), message);
        assertTrue(message.contains(models.root().toString()), message);
    }

    @Test
    void pathTraversalIsAnUnknownModel() {
        String message = configError("model", config("model", "../models/tiny-heads", "field", "body"));
        assertTrue(message.contains("unknown model"), message);
    }

    @Test
    void fieldOrFieldsExactlyOne() {
        String neither = configError("field", config("model", "tiny-heads"));
        assertTrue(neither.contains("exactly one of [field] or [fields]"), neither);
        String both = configError("field", config("model", "tiny-heads", "field", "a", "fields", List.of("b")));
        assertTrue(both.contains("exactly one of [field] or [fields]"), both);
        String empty = configError("fields", config("model", "tiny-heads", "fields", List.of()));
        assertTrue(empty.contains("one or more field names"), empty);
    }

    @Test
    void unknownLabelAndHead() {
        String label = configError("labels", config("model", "tiny-heads", "field", "a", "labels", List.of("DISEASE")));
        assertTrue(label.contains("has no label [DISEASE]"), label);
        String head = configError("heads", config("model", "tiny-heads", "field", "a", "heads", List.of("medical")));
        assertTrue(head.contains("has no head [medical]"), head);
    }

    @Test
    void badNumbers() {
        assertEquals("[min_score] must be between 0 and 1",
                configError("min_score", config("model", "tiny-heads", "field", "a", "min_score", 1.5)));
        assertEquals("[max_chars] must be positive", configError("max_chars", config("model", "tiny-heads", "field", "a", "max_chars", 0)));
    }

    /**
     * A value of the wrong type is reported with the words of Elasticsearch's own {@link ConfigurationUtils} readers, so
     * a span_labeling error reads like one of any other processor.
     */
    @Test
    void wrongTypesAreReportedAsElasticsearchsOwnReadersReportThem() {
        assertEquals(configError("model", () -> ConfigurationUtils.readOptionalStringProperty("span_labeling", null,
                        config("model", 5), "model")),
                configError("model", config("model", 5, "field", "a")));
        assertEquals(configError("fields", () -> ConfigurationUtils.readOptionalList("span_labeling", null,
                        config("fields", "a"), "fields")),
                configError("fields", config("model", "tiny-heads", "fields", "a")));
        assertEquals(configError("ignore_missing", () -> ConfigurationUtils.readBooleanProperty("span_labeling", null,
                        config("ignore_missing", 1), "ignore_missing", false)),
                configError("ignore_missing", config("model", "tiny-heads", "field", "a", "ignore_missing", 1)));
        assertEquals(configError("max_chars", () -> ConfigurationUtils.readIntProperty("span_labeling", null,
                        config("max_chars", "many"), "max_chars", 1)),
                configError("max_chars", config("model", "tiny-heads", "field", "a", "max_chars", "many")));
        assertEquals(configError("targets", () -> ConfigurationUtils.readOptionalMap("span_labeling", null,
                        config("targets", "x"), "targets")),
                configError("targets", config("model", "tiny-heads", "field", "a", "targets", "x")));
    }

    @Test
    void brokenModelIsAConfigurationError() throws Exception {
        Path dir = models.root().resolve("broken");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), "{\"id2label\": {\"0\": \"O\"}}");
        String message = configError("model", config("model", "broken", "field", "a"));
        assertTrue(message.contains("model [broken] cannot be used: model [broken] has no"), message);
        assertEquals("failed", models.describe().stream().filter(m -> m.get("id").equals("broken")).findFirst().orElseThrow().get("state"));
    }

    @Test
    void headWithWrongWeightSizeIsAConfigurationError() throws Exception {
        Files.writeString(models.root().resolve("tiny-heads/heads/ner.bin"), "short");
        String message = configError("model", config("model", "tiny-heads", "field", "a"));
        assertTrue(message.contains("ner.bin has 5 bytes"), message);
    }

    @Test
    void translationModelIsRejected() {
        ProcessorTestModels.addFixture(models.root(), "tiny-m2m100");
        String message = configError("model", config("model", "tiny-m2m100", "field", "a"));
        assertTrue(message.contains("is a translation model"), message);
    }

    /**
     * Pipeline creation runs on the cluster-applier thread: it reads files only and hands the load to the load pool; a
     * document that comes before the load finished fails with a retryable 429 after the bounded wait.
     */
    @Test
    void createReadsFilesOnlyAndDocumentsBeforeTheLoadGetARetryable429() throws Exception {
        List<Runnable> loadPool = new ArrayList<>();
        try (ModelRepository deferred = new ModelRepository(models.root(), OnnxWindowEncoder.Device.CPU, 1, loadPool::add,
                Duration.ofMillis(100), -1)) {
            SpanLabelingProcessor p = new SpanLabelingProcessor.Factory(deferred, () -> Runnable::run, new InferenceRejections())
                    .create(Map.of(), null, null, config("model", "tiny-heads", "field", "body", "heads", List.of("ner"),
                            "labels", List.of("PER")));
            assertEquals(1, loadPool.size());
            assertEquals("loading", deferred.status("tiny-heads").get("state"));

            IngestDocument early = doc("body", "Angela Merkel");
            ElasticsearchStatusException e = assertThrows(ElasticsearchStatusException.class, () -> run(p, early));
            assertEquals(RestStatus.TOO_MANY_REQUESTS, e.status());
            assertTrue(e.getMessage().contains("model [tiny-heads] is still loading"), e::getMessage);
            assertFalse(early.hasField("spans"));

            loadPool.get(0).run();
            IngestDocument labelled = run(p, doc("body", "Angela Merkel"));
            assertTrue(labelled.hasField("spans"));
            assertEquals("loaded", deferred.status("tiny-heads").get("state"));
            assertEquals(1L, deferred.status("tiny-heads").get("inference_count"));
        }
    }
}
