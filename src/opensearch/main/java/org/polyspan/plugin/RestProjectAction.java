package org.polyspan.plugin;

import org.opensearch.common.util.concurrent.AbstractRunnable;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.BytesRestResponse;
import org.opensearch.rest.RestChannel;
import org.opensearch.rest.RestRequest;
import org.opensearch.transport.client.node.NodeClient;
import org.polyspan.model.InferenceRejections;
import org.polyspan.model.ModelLeases;
import org.polyspan.model.ModelRepository;
import org.polyspan.projection.ConllBody;
import org.polyspan.projection.ConllOutput;
import org.polyspan.projection.ProjectionOptions;
import org.polyspan.projection.ProjectionRequest;
import org.polyspan.runtime.BadRequest;
import org.polyspan.runtime.Inference;
import org.polyspan.runtime.PluginPools;
import org.polyspan.runtime.ProjectionRunner;
import org.polyspan.runtime.RequestTranslator;
import org.polyspan.translation.Translator;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.opensearch.rest.RestRequest.Method.POST;

/**
 * {@code POST _plugins/polyspan/_project} projects labelled source spans onto target sentences (T-Projection-style
 * candidate ranking with the encoder scorer, or SimAlign-style alignment). Bodies may be CoNLL ({@link ConllBody}) and
 * answers CoNLL text ({@link ConllOutput}). Nothing is stored. Input errors answer
 * 400 naming the pair and the field. The request is parsed on the network thread; translation and inference run on the
 * inference pool ({@link PluginPools#INFERENCE}), whose full queue answers 429.
 */
public final class RestProjectAction extends BaseRestHandler {
    private final ModelRepository models;
    private final Translator.Lookup translators;
    private final InferenceRejections rejections;

    /** {@code translators} finds Apertium's service when a request asks for {@code "translate": true}. */
    public RestProjectAction(ModelRepository models, Translator.Lookup translators, InferenceRejections rejections) {
        this.models = models;
        this.translators = translators;
        this.rejections = rejections;
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
        Map<String, Object> body = body(request);
        ProjectionRequest parsed;
        boolean conllOutput;
        try {
            conllOutput = ConllOutput.requested(body);
            parsed = ProjectionRequest.parse(ConllBody.expand(ConllOutput.withoutOption(body)));
        } catch (ProjectionRequest.PairException e) {
            return channel -> badRequest(channel, e);
        }
        return channel -> client.threadPool().executor(PluginPools.INFERENCE).execute(new AbstractRunnable() {
            @Override
            protected void doRun() {
                project(channel, parsed, conllOutput);
            }

            @Override
            public void onRejection(Exception e) {
                rejections.rejected(0);
                try {
                    error(channel, RestStatus.TOO_MANY_REQUESTS, null, "rejected: the [" + PluginPools.INFERENCE
                            + "] queue is full (" + PluginPools.INFERENCE_QUEUE_SIZE_KEY + "); retry later");
                } catch (IOException io) {
                    channel.sendResponse(new BytesRestResponse(RestStatus.TOO_MANY_REQUESTS, "rejected: inference queue full"));
                }
            }

            @Override
            public void onFailure(Exception e) {
                fail(channel, e); // project() answers every failure itself; this is for failures while answering
            }
        });
    }

    private void project(RestChannel channel, ProjectionRequest parsed, boolean conllOutput) {
        // the models of the call stay leased until its answer is built
        try (ModelLeases leases = new ModelLeases()) {
            long t0 = System.nanoTime();
            ProjectionRequest request = RequestTranslator.withTargets(parsed, translators, models, leases);
            ProjectionOptions options = request.options();
            List<Map<String, Object>> pairs = ProjectionRunner.run(models, request, leases);
            if (conllOutput) {
                channel.sendResponse(new BytesRestResponse(RestStatus.OK, "text/plain; charset=UTF-8", ConllOutput.write(request, pairs)));
                return;
            }
            XContentBuilder b = channel.newBuilder().startObject();
            if (options.scorer() == ProjectionOptions.Scorer.NMT) {
                b.field("method", "tproj").field("scorer", "nmt").field("nmt_model", options.nmtModel());
            } else {
                b.field("model", options.model()).field("method", options.method().name().toLowerCase(java.util.Locale.ROOT));
            }
            if (options.candidates().generated()) {
                b.field("candidates", options.candidates().value()).field("generator_model", options.generatorModel());
            }
            if (options.sourceLanguage() != null) {
                b.field("source_language", options.sourceLanguage());
            }
            if (options.targetLanguage() != null) {
                b.field("target_language", options.targetLanguage());
            }
            b.field("took_ms", (System.nanoTime() - t0) / 1_000_000).startArray("pairs");
            for (Map<String, Object> p : pairs) {
                b.map(p);
            }
            b.endArray().endObject();
            channel.sendResponse(new BytesRestResponse(RestStatus.OK, b));
        } catch (BadRequest e) {
            try {
                error(channel, RestStatus.BAD_REQUEST, e.field(), e.getMessage());
            } catch (IOException io) {
                channel.sendResponse(new BytesRestResponse(RestStatus.BAD_REQUEST, e.getMessage()));
            }
        } catch (Throwable t) {
            fail(channel, ModelLoading.withStatus(Inference.asException("projection failed", t))); // fatal JVM errors propagate
        }
    }

    private static void fail(RestChannel channel, Exception e) {
        // a model still loading or over the memory limit is a retryable 429
        RestStatus status = e instanceof org.opensearch.OpenSearchException ose ? ose.status() : RestStatus.INTERNAL_SERVER_ERROR;
        try {
            error(channel, status, null, "projection failed: " + e.getMessage());
        } catch (Exception io) {
            channel.sendResponse(new BytesRestResponse(RestStatus.INTERNAL_SERVER_ERROR, "projection failed"));
        }
    }

    /** The request's JSON body as a map; {@code null} when it has none (answered 400 by the parsers). */
    static Map<String, Object> body(RestRequest request) throws IOException {
        if (!request.hasContentOrSourceParam()) {
            return null;
        }
        try (XContentParser parser = request.contentOrSourceParamParser()) {
            return parser.map();
        }
    }

    static void badRequest(RestChannel channel, ProjectionRequest.PairException e) throws IOException {
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
