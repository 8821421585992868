package org.polyspan.plugin;

import org.polyspan.ProcessorTestModels;
import org.opensearch.OpenSearchParseException;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.ingest.IngestDocument;
import org.polyspan.ingest.SpanLabelingOptions;
import org.polyspan.labeling.SpanScope;
import org.polyspan.ingest.SpanLabelingEngine;
import org.polyspan.model.ModelRepository;
import org.polyspan.onnx.OnnxWindowEncoder;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

public class SpanLabelingProcessorFactoryTests extends SpanLabelingTestCase {
    public void testDefaults() throws Exception {
        SpanLabelingProcessor p = factory.create(null, "t", "d", config("model", "tiny-heads", "field", "body"));
        assertEquals(new SpanLabelingOptions("tiny-heads", List.of("body"), List.of(new SpanLabelingOptions.Target("spans", List.of())),
                Set.of(), 0.0, false, SpanLabelingOptions.DEFAULT_MAX_CHARS, SpanScope.SENTENCE), p.options());
        assertEquals("t", p.getTag());
        assertEquals("d", p.getDescription());
    }

    public void testAllOptions() throws Exception {
        SpanLabelingProcessor p = factory.create(null, null, null, config("model", "all-per", "fields", List.of("a", "b"),
                "target_field", "entities", "labels", List.of("PER"), "heads", List.of("places"), "min_score", 0.5,
                "ignore_missing", true, "max_chars", 10, "span_scope", "field"));
        assertEquals(new SpanLabelingOptions("all-per", List.of("a", "b"), List.of(new SpanLabelingOptions.Target("entities",
                List.of("places"))), Set.of("PER"), 0.5, true, 10, SpanScope.FIELD), p.options());
    }

    public void testBadSpanScope() {
        OpenSearchParseException e = expectThrows(OpenSearchParseException.class, () -> factory.create(null, null, null,
                config("model", "all-per", "field", "body", "span_scope", "paragraph")));
        assertTrue(e.getMessage(), e.getMessage().contains("[span_scope] must be [sentence] or [field], got [paragraph]"));
    }

    public void testTargetsMapHeadsToFields() throws Exception {
        Map<String, Object> targets = new java.util.LinkedHashMap<>();
        targets.put("people", List.of("ner"));
        targets.put("places", "places");
        SpanLabelingProcessor p = factory.create(null, null, null, config("model", "all-per", "field", "body", "targets", targets));
        assertEquals(List.of(new SpanLabelingOptions.Target("people", List.of("ner")),
                new SpanLabelingOptions.Target("places", List.of("places"))), p.options().targets());
    }

    public void testTargetsErrors() {
        OpenSearchParseException combined = expectThrows(OpenSearchParseException.class, () -> factory.create(null, null, null,
                config("model", "all-per", "field", "body", "target_field", "x", "targets", Map.of("a", "ner"))));
        assertTrue(combined.getMessage(), combined.getMessage().contains("cannot be combined with [target_field] or [heads]"));
        OpenSearchParseException unknown = expectThrows(OpenSearchParseException.class, () -> factory.create(null, null, null,
                config("model", "all-per", "field", "body", "targets", Map.of("a", List.of("medical")))));
        assertTrue(unknown.getMessage(), unknown.getMessage().contains("has no head [medical]"));
        OpenSearchParseException empty = expectThrows(OpenSearchParseException.class, () -> factory.create(null, null, null,
                config("model", "all-per", "field", "body", "targets", Map.of("a", List.of()))));
        assertTrue(empty.getMessage(), empty.getMessage().contains("target [a] must name a head or a non-empty list of heads"));
    }

    public void testHuggingFaceLayoutLoads() throws Exception {
        SpanLabelingProcessor p = factory.create(null, null, null, config("model", "tiny-hf", "field", "body", "labels", List.of("MISC")));
        assertEquals(Set.of("MISC"), p.options().labelFilter());
    }

    public void testModelRequired() {
        OpenSearchParseException e = expectThrows(OpenSearchParseException.class, () -> factory.create(null, null, null, config("field", "body")));
        assertTrue(e.getMessage(), e.getMessage().contains("[model] required property is missing"));
    }

    public void testUnknownModelNamesModelAndDirectory() {
        OpenSearchParseException e = expectThrows(OpenSearchParseException.class,
                () -> factory.create(null, null, null, config("model", "nope", "field", "body")));
        assertTrue(e.getMessage(), e.getMessage().contains("unknown model [nope]"));
        assertTrue(e.getMessage(), e.getMessage().contains(models.root().toString()));
    }

    public void testPathTraversalIsAnUnknownModel() {
        OpenSearchParseException e = expectThrows(OpenSearchParseException.class,
                () -> factory.create(null, null, null, config("model", "../models/tiny-heads", "field", "body")));
        assertTrue(e.getMessage(), e.getMessage().contains("unknown model"));
    }

    public void testFieldOrFieldsExactlyOne() {
        OpenSearchParseException neither = expectThrows(OpenSearchParseException.class,
                () -> factory.create(null, null, null, config("model", "tiny-heads")));
        assertTrue(neither.getMessage(), neither.getMessage().contains("exactly one of [field] or [fields]"));
        OpenSearchParseException both = expectThrows(OpenSearchParseException.class,
                () -> factory.create(null, null, null, config("model", "tiny-heads", "field", "a", "fields", List.of("b"))));
        assertTrue(both.getMessage(), both.getMessage().contains("exactly one of [field] or [fields]"));
        OpenSearchParseException empty = expectThrows(OpenSearchParseException.class,
                () -> factory.create(null, null, null, config("model", "tiny-heads", "fields", List.of())));
        assertTrue(empty.getMessage(), empty.getMessage().contains("one or more field names"));
    }

    public void testUnknownLabelAndHead() {
        OpenSearchParseException label = expectThrows(OpenSearchParseException.class,
                () -> factory.create(null, null, null, config("model", "tiny-heads", "field", "a", "labels", List.of("DISEASE"))));
        assertTrue(label.getMessage(), label.getMessage().contains("has no label [DISEASE]"));
        OpenSearchParseException head = expectThrows(OpenSearchParseException.class,
                () -> factory.create(null, null, null, config("model", "tiny-heads", "field", "a", "heads", List.of("medical"))));
        assertTrue(head.getMessage(), head.getMessage().contains("has no head [medical]"));
    }

    public void testBadNumbers() {
        OpenSearchParseException score = expectThrows(OpenSearchParseException.class,
                () -> factory.create(null, null, null, config("model", "tiny-heads", "field", "a", "min_score", 1.5)));
        assertTrue(score.getMessage(), score.getMessage().contains("[min_score] must be between 0 and 1"));
        OpenSearchParseException chars = expectThrows(OpenSearchParseException.class,
                () -> factory.create(null, null, null, config("model", "tiny-heads", "field", "a", "max_chars", 0)));
        assertTrue(chars.getMessage(), chars.getMessage().contains("[max_chars] must be positive"));
    }

    public void testBrokenModelIsAConfigurationError() throws Exception {
        java.nio.file.Path dir = models.root().resolve("broken");
        java.nio.file.Files.createDirectories(dir);
        java.nio.file.Files.writeString(dir.resolve("config.json"), "{\"id2label\": {\"0\": \"O\"}}");
        OpenSearchParseException e = expectThrows(OpenSearchParseException.class,
                () -> factory.create(null, null, null, config("model", "broken", "field", "a")));
        assertTrue(e.getMessage(), e.getMessage().contains("model [broken] cannot be used: model [broken] has no"));
        assertEquals("failed", models.describe().stream().filter(m -> m.get("id").equals("broken")).findFirst().orElseThrow().get("state"));
    }

    public void testHeadWithWrongWeightSizeIsAConfigurationError() throws Exception {
        java.nio.file.Files.writeString(models.root().resolve("tiny-heads/heads/ner.bin"), "short");
        OpenSearchParseException e = expectThrows(OpenSearchParseException.class,
                () -> factory.create(null, null, null, config("model", "tiny-heads", "field", "a")));
        assertTrue(e.getMessage(), e.getMessage().contains("ner.bin has 5 bytes"));
    }

    /**
     * Pipeline creation runs on the cluster-applier thread: it reads files only and hands the load to the load pool; a
     * document that comes before the load finished gets a retryable 429 after the bounded wait.
     */
    public void testCreateReadsFilesOnlyAndDocumentsBeforeTheLoadGetARetryable429() throws Exception {
        List<Runnable> loadPool = new java.util.ArrayList<>();
        try (ModelRepository deferred = new ModelRepository(models.root(), OnnxWindowEncoder.Device.CPU, 1, loadPool::add,
                Duration.ofMillis(100), -1)) {
            SpanLabelingProcessor p = new SpanLabelingProcessor.Factory(deferred).create(null, null, null,
                    config("model", "tiny-heads", "field", "body", "heads", List.of("ner"), "labels", List.of("PER")));
            assertEquals(1, loadPool.size());
            assertEquals("loading", deferred.status("tiny-heads").get("state"));

            OpenSearchStatusException early = expectThrows(OpenSearchStatusException.class, () -> SpanLabelingEngine.runInline(p::execute, document("Angela Merkel")));
            assertEquals(RestStatus.TOO_MANY_REQUESTS, early.status());
            assertTrue(early.getMessage(), early.getMessage().contains("model [tiny-heads] is still loading"));

            loadPool.get(0).run();
            IngestDocument labelled = SpanLabelingEngine.runInline(p::execute, document("Angela Merkel"));
            assertTrue(labelled.hasField("spans"));
            assertEquals("loaded", deferred.status("tiny-heads").get("state"));
            assertEquals(1L, deferred.status("tiny-heads").get("inference_count"));
        }
    }

    public void testTranslationModelIsRejected() throws Exception {
        ProcessorTestModels.addFixture(models.root(), "tiny-m2m100");
        OpenSearchParseException e = expectThrows(OpenSearchParseException.class,
                () -> factory.create(null, null, null, config("model", "tiny-m2m100", "field", "a")));
        assertTrue(e.getMessage(), e.getMessage().contains("is a translation model"));
    }

    private static IngestDocument document(String body) {
        Map<String, Object> source = new java.util.HashMap<>();
        source.put("body", body);
        return new IngestDocument("index", "1", null, null, null, source);
    }

    public void testTheSynchronousExecuteIsRefused() throws Exception {
        SpanLabelingProcessor p = factory.create(null, null, null, config("model", "tiny-heads", "field", "body"));
        IngestDocument d = document("Angela Merkel");
        UnsupportedOperationException e = expectThrows(UnsupportedOperationException.class, () -> p.execute(d));
        assertEquals("span_labeling runs asynchronously", e.getMessage());
        assertFalse(d.hasField("spans"));
    }
}
