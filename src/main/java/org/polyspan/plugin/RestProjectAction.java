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
import org.polyspan.translation.NmtScorer;
import org.polyspan.translation.TranslationException;
import org.polyspan.translation.TranslationModel;
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

    /** A problem with the request found while running it: answered 400 naming the field. */
    private static final class BadRequest extends Exception {
        private final String field;

        BadRequest(String field, String message) {
            super(message);
            this.field = field;
        }
    }

    private void run(RestChannel channel, ProjectionRequest parsed) {
        try {
            long t0 = System.nanoTime();
            ProjectionRequest request = withTargets(parsed);
            XContentBuilder b = parsed.scorer() == ProjectionRequest.Scorer.NMT ? runNmt(channel, request, t0) : runEncoder(channel, request, t0);
            channel.sendResponse(new BytesRestResponse(RestStatus.OK, b));
        } catch (BadRequest e) {
            try {
                error(channel, RestStatus.BAD_REQUEST, e.field, e.getMessage());
            } catch (IOException io) {
                channel.sendResponse(new BytesRestResponse(RestStatus.BAD_REQUEST, e.getMessage()));
            }
        } catch (Exception e) {
            try {
                error(channel, RestStatus.INTERNAL_SERVER_ERROR, null, "projection failed: " + e.getMessage());
            } catch (IOException io) {
                channel.sendResponse(new BytesRestResponse(RestStatus.INTERNAL_SERVER_ERROR, "projection failed"));
            }
        }
    }

    /** The T-Projection generator of a text-to-text model; unknown, unloadable or non-seq2seq models answer 400. */
    private GeneratedCandidates generator(String id) throws BadRequest {
        if (!models.exists(id)) {
            throw new BadRequest("generator_model", models.unknownModelMessage(id));
        }
        LabelingModel model;
        try {
            model = ModelLoading.get(models, id);
        } catch (Exception e) {
            throw new BadRequest("generator_model", "generator model [" + id + "] could not be loaded: " + e.getMessage());
        }
        Seq2SeqModel seq2seq = model.seq2seq();
        if (seq2seq == null) {
            throw new BadRequest("generator_model", "model [" + id + "] is not a text-to-text model: a generator "
                    + "needs an optimum seq2seq export with polyspan.layout [seq2seq] in its config.json");
        }
        TProjectionGenerator generator = new TProjectionGenerator(seq2seq.tokenizer(), seq2seq.onnx(), seq2seq.options(),
                seq2seq.options().beamWidth(), Integer.MAX_VALUE);
        return new GeneratedCandidates(generator, SpanScorer.Params.DEFAULT);
    }

    /** Translate-first: the request with every missing target translated by the installed translator. */
    private ProjectionRequest withTargets(ProjectionRequest parsed) throws BadRequest, TranslationException {
        if (!parsed.needsTranslation()) {
            return parsed;
        }
        String direction = parsed.sourceLanguage() + "->" + parsed.targetLanguage();
        Translator translator;
        try {
            translator = translators.find();
        } catch (TranslationException e) {
            throw new BadRequest("translate", "some pairs have no target and no translator is available for " + direction + " ("
                    + e.getMessage() + "); run Apertium's service (apt-get install apertium-apy apertium-eng-spa; apertium-apy"
                    + " /usr/share/apertium/modes) and set polyspan.translate.apertium_url, or give the targets");
        }
        if (!translator.supports(parsed.sourceLanguage(), parsed.targetLanguage())) {
            throw new BadRequest("translate", translator.name() + " has no direction " + direction + "; installed: " + translator.directions());
        }
        return MissingTargets.translate(parsed, translator);
    }

    /** {@code tproj} or {@code align} with the encoder of a labelling model. */
    private XContentBuilder runEncoder(RestChannel channel, ProjectionRequest request, long t0) throws Exception {
        if (!models.exists(request.model())) {
            throw new BadRequest("model", models.unknownModelMessage(request.model()));
        }
        GeneratedCandidates candidates = request.candidates().generated() ? generator(request.generatorModel()) : null;
        List<Map<String, Object>> pairs = ModelLoading.call(() -> {
            LabelingModel model = models.get(request.model());
            return ProjectionService.run(request, WordVectors.defaults(model), Projector.defaults(request.method()), candidates);
        });
        XContentBuilder b = channel.newBuilder();
        b.startObject().field("model", request.model()).field("method", request.method().name().toLowerCase(java.util.Locale.ROOT));
        if (request.candidates().generated()) {
            b.field("candidates", request.candidates().value()).field("generator_model", request.generatorModel());
        }
        if (request.sourceLanguage() != null) {
            b.field("source_language", request.sourceLanguage());
        }
        if (request.targetLanguage() != null) {
            b.field("target_language", request.targetLanguage());
        }
        return pairsAndEnd(b, pairs, t0);
    }

    /** {@code tproj} scored by a translation model; unknown or unsuitable models and languages answer 400. */
    private XContentBuilder runNmt(RestChannel channel, ProjectionRequest request, long t0) throws Exception {
        String id = request.nmtModel();
        if (!models.exists(id)) {
            throw new BadRequest("nmt_model", models.unknownModelMessage(id));
        }
        TranslationModel model;
        try {
            model = ModelLoading.call(() -> models.translationModel(id));
        } catch (Exception e) {
            throw new BadRequest("nmt_model", "cannot use model [" + id + "] as a translation model: " + e.getMessage());
        }
        int[] codes = new int[2];
        String[] fields = {"source_language", "target_language"};
        String[] languages = {request.sourceLanguage(), request.targetLanguage()};
        for (int i = 0; i < 2; i++) {
            try {
                codes[i] = model.languageToken(languages[i]);
            } catch (IllegalArgumentException e) {
                throw new BadRequest(fields[i], fields[i] + " [" + languages[i] + "]: " + e.getMessage());
            }
        }
        List<Map<String, Object>> pairs = ModelLoading.call(
                () -> ProjectionService.runNmt(request, new NmtScorer(model, codes[0], codes[1])));
        XContentBuilder b = channel.newBuilder();
        b.startObject().field("method", "tproj").field("scorer", "nmt").field("nmt_model", id)
                .field("source_language", request.sourceLanguage()).field("target_language", request.targetLanguage());
        return pairsAndEnd(b, pairs, t0);
    }

    private static XContentBuilder pairsAndEnd(XContentBuilder b, List<Map<String, Object>> pairs, long t0) throws IOException {
        b.field("took_ms", (System.nanoTime() - t0) / 1_000_000).startArray("pairs");
        for (Map<String, Object> p : pairs) {
            b.map(p);
        }
        return b.endArray().endObject();
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
