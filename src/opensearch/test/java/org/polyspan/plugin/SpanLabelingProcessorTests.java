package org.polyspan.plugin;

import com.carrotsearch.randomizedtesting.RandomizedContext;
import com.carrotsearch.randomizedtesting.annotations.Name;
import com.carrotsearch.randomizedtesting.annotations.ParametersFactory;
import org.opensearch.ingest.IngestDocument;
import org.polyspan.ingest.SpanLabelingEngine;
import org.polyspan.ingest.SpanLabelingScenarios;
import org.polyspan.ingest.SpanLabelingScenarios.Scenario;
import org.polyspan.model.ModelRepository;

import java.util.Map;

/**
 * Runs the shared {@link SpanLabelingScenarios} on OpenSearch, through the asynchronous {@code execute} its pipelines
 * call (the test factory's pool runs tasks on the calling thread); the runner names each test for its scenario.
 */
public class SpanLabelingProcessorTests extends SpanLabelingTestCase implements SpanLabelingEngine<IngestDocument> {
    private final Scenario scenario;

    public SpanLabelingProcessorTests(@Name("scenario") Scenario scenario) {
        this.scenario = scenario;
    }

    @ParametersFactory
    public static Iterable<Object[]> scenarios() {
        return SpanLabelingScenarios.all().stream().map(s -> new Object[] {s}).toList();
    }

    public void testScenario() throws Exception {
        scenario.run(this);
    }

    @Override
    public ModelRepository models() {
        return models;
    }

    @Override
    public Processor<IngestDocument> processor(Map<String, Object> config) throws Exception {
        SpanLabelingProcessor p = factory.create(null, null, null, config);
        return d -> SpanLabelingEngine.runInline(p::execute, d);
    }

    @Override
    public IngestDocument document(Map<String, Object> source) {
        return new IngestDocument("index", "1", null, null, null, source);
    }

    @Override
    public Map<String, Object> sourceAndMetadata(IngestDocument doc) {
        return doc.getSourceAndMetadata();
    }

    @Override
    public String randomText(int min, int max) {
        return randomRealisticUnicodeOfLengthBetween(min, max);
    }

    @Override
    public String repeatWith() {
        return "-Dtests.seed=" + RandomizedContext.current().getRunnerSeedAsString();
    }
}
