package org.polyspan.elasticsearch;

import org.elasticsearch.ingest.IngestDocument;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.polyspan.ingest.SpanLabelingEngine;
import org.polyspan.ingest.SpanLabelingScenarios;
import org.polyspan.ingest.SpanLabelingScenarios.Scenario;
import org.polyspan.model.ModelRepository;

import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Runs the shared {@link SpanLabelingScenarios} on Elasticsearch. Documents go through the asynchronous {@code execute}
 * that pipelines call, labelled on the calling thread (see {@link SpanLabelingTestCase#run}).
 */
class SpanLabelingProcessorTest extends SpanLabelingTestCase implements SpanLabelingEngine<IngestDocument> {
    // JUnit Jupiter has no runner seed, so the random texts take their own and name it in failure messages
    private final long seed = Long.getLong("polyspan.test.seed", System.nanoTime());
    private final Random random = new Random(seed);

    static List<Scenario> scenarios() {
        return SpanLabelingScenarios.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void scenario(Scenario scenario) throws Exception {
        scenario.run(this);
    }

    @Override
    public ModelRepository models() {
        return models;
    }

    @Override
    public Processor<IngestDocument> processor(Map<String, Object> config) {
        SpanLabelingProcessor p = factory.create(Map.of(), null, null, config);
        return d -> run(p, d);
    }

    @Override
    public IngestDocument document(Map<String, Object> source) {
        return doc(source);
    }

    @Override
    public Map<String, Object> sourceAndMetadata(IngestDocument d) {
        return d.getSourceAndMetadata();
    }

    @Override
    public String randomText(int min, int max) {
        return RandomTexts.realisticUnicode(random, min, max);
    }

    @Override
    public String repeatWith() {
        return "-Dpolyspan.test.seed=" + seed;
    }
}
