package org.polyspan.plugin;

import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.BytesRestResponse;
import org.opensearch.rest.RestChannel;
import org.opensearch.rest.RestRequest;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.client.node.NodeClient;
import org.polyspan.model.LabelingModel;
import org.polyspan.model.ModelRepository;
import org.polyspan.projection.GeneratedCandidates;
import org.polyspan.projection.MissingTargets;
import org.polyspan.projection.ProjectionRequest;
import org.polyspan.projection.ProjectionService;
import org.polyspan.projection.Projector;
import org.polyspan.projection.SpanScorer;
import org.polyspan.projection.WordVectors;
import org.polyspan.seq2seq.Seq2SeqModel;
import org.polyspan.seq2seq.TProjectionGenerator;
import org.polyspan.translation.TranslationException;
import org.polyspan.translation.Translator;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.opensearch.rest.RestRequest.Method.POST;

/**
 * {@code POST _plugins/polyspan/_project} projects labelled source spans onto target sentences (T-Projection-style
 * candidate ranking with the encoder scorer, or SimAlign-style alignment). Nothing is stored. Input errors answer
 * 400 naming the pair and the field; inference runs on the generic thread pool, never on the network thread.
 */
public final class RestProjectAction extends BaseRestHandler {
    private final ModelRepository models;
    private final Translator.Lookup translators;

    /** {@code translators} finds the installed translator when a request asks for {@code translate}. */
    public RestProjectAction(ModelRepository models, Translator.Lookup translators) {
        this.models = models;
        this.translators = translators;
    }

    @Override
    public String getName() {
        return "polyspan_project";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(POST, "/_plugins/polyspan/_project"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) throws IOException {
        Map<String, Object> body;
        if (!request.hasContentOrSourceParam()) {
            body = null;
        } else {
            try (XContentParser parser = request.contentOrSourceParamParser()) {
                body = parser.map();
            }
        }
        ProjectionRequest parsed;
        try {
            parsed = ProjectionRequest.parse(body);
        } catch (ProjectionRequest.PairException e) {
            return channel -> badRequest(channel, e);
        }
        return channel -> client.threadPool().executor(ThreadPool.Names.GENERIC).execute(() -> run(channel, parsed));
    }

    private void run(RestChannel channel, ProjectionRequest parsed) {
        try {
            if (!models.exists(parsed.model())) {
                error(channel, RestStatus.BAD_REQUEST, "model", models.unknownModelMessage(parsed.model()));
                return;
            }
            GeneratedCandidates generated = null;
            if (parsed.candidates().generated()) {
                generated = generator(channel, parsed.generatorModel());
                if (generated == null) {
                    return;
                }
            }
            GeneratedCandidates candidates = generated;
            long t0 = System.nanoTime();
            ProjectionRequest complete = parsed;
            if (parsed.needsTranslation()) {
                Translator translator;
                try {
                    translator = translators.find();
                } catch (TranslationException e) {
                    error(channel, RestStatus.BAD_REQUEST, "translate", "some pairs have no target and no translator is available for "
                            + parsed.sourceLanguage() + "->" + parsed.targetLanguage() + " (" + e.getMessage() + "); run Apertium's service (apt-get install apertium-apy apertium-eng-spa; apertium-apy"
                            + " /usr/share/apertium/modes) and set polyspan.translate.apertium_url, or give the targets");
                    return;
                }
                if (!translator.supports(parsed.sourceLanguage(), parsed.targetLanguage())) {
                    error(channel, RestStatus.BAD_REQUEST, "translate", translator.name() + " has no direction "
                            + parsed.sourceLanguage() + "->" + parsed.targetLanguage() + "; installed: " + translator.directions());
                    return;
                }
                complete = MissingTargets.translate(parsed, translator);
            }
            ProjectionRequest request = complete;
            List<Map<String, Object>> pairs = ModelLoading.call(() -> {
                LabelingModel model = models.get(request.model());
                return ProjectionService.run(request, WordVectors.defaults(model), Projector.defaults(request.method()), candidates);
            });
            XContentBuilder b = channel.newBuilder();
            b.startObject().field("model", parsed.model()).field("method", parsed.method().name().toLowerCase(java.util.Locale.ROOT));
            if (parsed.candidates().generated()) {
                b.field("candidates", parsed.candidates().value()).field("generator_model", parsed.generatorModel());
            }
            if (parsed.sourceLanguage() != null) {
                b.field("source_language", parsed.sourceLanguage());
            }
            if (parsed.targetLanguage() != null) {
                b.field("target_language", parsed.targetLanguage());
            }
            b.field("took_ms", (System.nanoTime() - t0) / 1_000_000).startArray("pairs");
            for (Map<String, Object> p : pairs) {
                b.map(p);
            }
            b.endArray().endObject();
            channel.sendResponse(new BytesRestResponse(RestStatus.OK, b));
        } catch (Exception e) {
            try {
                error(channel, RestStatus.INTERNAL_SERVER_ERROR, null, "projection failed: " + e.getMessage());
            } catch (IOException io) {
                channel.sendResponse(new BytesRestResponse(RestStatus.INTERNAL_SERVER_ERROR, "projection failed"));
            }
        }
    }

    /** The T-Projection generator of a text-to-text model, or null after answering 400 (unknown, unloadable, not seq2seq). */
    private GeneratedCandidates generator(RestChannel channel, String id) throws IOException {
        if (!models.exists(id)) {
            error(channel, RestStatus.BAD_REQUEST, "generator_model", models.unknownModelMessage(id));
            return null;
        }
        LabelingModel model;
        try {
            model = ModelLoading.get(models, id);
        } catch (Exception e) {
            error(channel, RestStatus.BAD_REQUEST, "generator_model", "generator model [" + id + "] could not be loaded: " + e.getMessage());
            return null;
        }
        Seq2SeqModel seq2seq = model.seq2seq();
        if (seq2seq == null) {
            error(channel, RestStatus.BAD_REQUEST, "generator_model", "model [" + id + "] is not a text-to-text model: a generator "
                    + "needs an optimum seq2seq export with polyspan.layout [seq2seq] in its config.json");
            return null;
        }
        TProjectionGenerator generator = new TProjectionGenerator(seq2seq.tokenizer(), seq2seq.onnx(), seq2seq.options(),
                seq2seq.options().beamWidth(), Integer.MAX_VALUE);
        return new GeneratedCandidates(generator, SpanScorer.Params.DEFAULT);
    }

    private static void badRequest(RestChannel channel, ProjectionRequest.PairException e) throws IOException {
        XContentBuilder b = channel.newBuilder();
        b.startObject().startObject("error").field("type", "projection_input_exception").field("reason", e.getMessage());
        if (e.pair() >= 0) {
            b.field("pair", e.pair());
        }
        b.field("field", e.field()).endObject().field("status", 400).endObject();
        channel.sendResponse(new BytesRestResponse(RestStatus.BAD_REQUEST, b));
    }

    private static void error(RestChannel channel, RestStatus status, String field, String message) throws IOException {
        XContentBuilder b = channel.newBuilder();
        b.startObject().startObject("error").field("reason", message);
        if (field != null) {
            b.field("field", field);
        }
        b.endObject().field("status", status.getStatus()).endObject();
        channel.sendResponse(new BytesRestResponse(status, b));
    }
}
