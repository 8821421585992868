package org.polyspan.runtime;

import org.polyspan.model.ModelLeases;
import org.polyspan.model.ModelRepository;
import org.polyspan.projection.ConllBody;
import org.polyspan.projection.ConllOutput;
import org.polyspan.projection.ProjectionOptions;
import org.polyspan.projection.ProjectionRequest;
import org.polyspan.translation.Translator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code POST .../_project} without an engine: {@link #parse} checks the body (cheap, on the network thread) and
 * {@link #run} translates missing targets and projects (loads models and runs inference: call it on a pool thread).
 * Answers are the same on every engine.
 */
public final class ProjectApi {
    private final ModelRepository models;
    private final Translator.Lookup translators;

    /** A checked request: the projection request, and whether the answer is CoNLL text. */
    public record Parsed(ProjectionRequest request, boolean conllOutput) {}

    public ProjectApi(ModelRepository models, Translator.Lookup translators) {
        this.models = models;
        this.translators = translators;
    }

    /** The checked request; a bad body throws {@link ProjectionRequest.PairException} (see {@link #badRequest}). */
    public static Parsed parse(Map<String, Object> body) {
        boolean conll = ConllOutput.requested(body);
        return new Parsed(ProjectionRequest.parse(ConllBody.expand(ConllOutput.withoutOption(body))), conll);
    }

    /** The 400 answer to a bad body: {@code error.type}, {@code reason}, {@code pair} (when known) and {@code field}. */
    public static Reply badRequest(ProjectionRequest.PairException e) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("type", "projection_input_exception");
        error.put("reason", e.getMessage());
        if (e.pair() >= 0) {
            error.put("pair", e.pair());
        }
        error.put("field", e.field());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("status", 400);
        return Reply.json(400, body);
    }

    /**
     * Runs a checked request: 200 with the projections, 400 naming an unusable option, 429 for a model that cannot be
     * used yet, 500 when inference fails (also for an {@link Error} that is not fatal to the JVM, see
     * {@link Inference#isFatal}).
     */
    public Reply run(Parsed parsed) {
        // the models of the call stay leased until its answer is built
        try (ModelLeases leases = new ModelLeases()) {
            long t0 = System.nanoTime();
            ProjectionRequest request = RequestTranslator.withTargets(parsed.request(), translators, models, leases);
            ProjectionOptions options = request.options();
            List<Map<String, Object>> pairs = ProjectionRunner.run(models, request, leases);
            if (parsed.conllOutput()) {
                return Reply.text(200, ConllOutput.write(request, pairs));
            }
            Map<String, Object> b = new LinkedHashMap<>();
            if (options.scorer() == ProjectionOptions.Scorer.NMT) {
                b.put("method", "tproj");
                b.put("scorer", "nmt");
                b.put("nmt_model", options.nmtModel());
            } else {
                b.put("model", options.model());
                b.put("method", options.method().name().toLowerCase(Locale.ROOT));
            }
            if (options.candidates().generated()) {
                b.put("candidates", options.candidates().value());
                b.put("generator_model", options.generatorModel());
            }
            if (options.sourceLanguage() != null) {
                b.put("source_language", options.sourceLanguage());
            }
            if (options.targetLanguage() != null) {
                b.put("target_language", options.targetLanguage());
            }
            b.put("took_ms", (System.nanoTime() - t0) / 1_000_000);
            b.put("pairs", new ArrayList<>(pairs));
            return Reply.json(200, b);
        } catch (BadRequest e) {
            return Reply.error(400, e.field(), e.getMessage());
        } catch (ProjectionRequest.PairException e) {
            return badRequest(e);
        } catch (Throwable t) {
            // the plugin's errors (a native library that cannot load, ...) fail the request; fatal JVM errors propagate
            Exception e = Inference.asException("projection failed", t);
            // a model still loading, or over the memory cap, is a retryable 429
            return Reply.error(Inference.isRetryable(e) ? 429 : 500, null, "projection failed: " + e.getMessage());
        }
    }
}
