package org.polyspan.runtime;

import org.polyspan.model.LabelingModel;
import org.polyspan.model.ModelFiles;
import org.polyspan.model.ModelFilesException;
import org.polyspan.model.ModelLeases;
import org.polyspan.model.ModelRepository;
import org.polyspan.projection.GeneratedCandidates;
import org.polyspan.projection.ProjectionOptions;
import org.polyspan.projection.ProjectionRequest;
import org.polyspan.projection.ProjectionService;
import org.polyspan.projection.Projector;
import org.polyspan.projection.SpanScorer;
import org.polyspan.projection.WordVectors;
import org.polyspan.seq2seq.Seq2SeqModel;
import org.polyspan.seq2seq.TProjectionGenerator;
import org.polyspan.translation.NmtScorer;
import org.polyspan.translation.TranslationModel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a parsed {@code _project} request with the node's models, for every engine shell: the one place that turns request options (method,
 * model, scorer, ...) into a projector, shared by {@code _project} and {@code _project/index}. Call it on the generic
 * pool, never on a network thread: it loads models and runs inference. A model that is still loading, or over the memory
 * cap, is thrown as it is ({@link Inference#isRetryable}): the shells answer it 429.
 */
public final class ProjectionRunner {
    private ProjectionRunner() {}

    /** Checks, loading them, the models and languages the request needs, so that a job can fail before it starts. */
    public static void check(ModelRepository models, ProjectionOptions options) throws Exception {
        try (ModelLeases leases = new ModelLeases()) {
            check(models, options, leases);
        }
    }

    private static void check(ModelRepository models, ProjectionOptions options, ModelLeases leases) throws Exception {
        if (options.scorer() == ProjectionOptions.Scorer.NMT) {
            nmtScorer(models, options, leases);
            return;
        }
        requireEncoder(models, options.model());
        leases.hold(Inference.lease(models, options.model()));
        if (options.candidates().generated()) {
            generator(models, options.generatorModel(), leases);
        }
    }

    /** Projects the request's pairs; the models it uses are leased in {@code leases}, which the caller releases. */
    public static List<Map<String, Object>> run(ModelRepository models, ProjectionRequest request, ModelLeases leases)
            throws Exception {
        return runAll(models, List.of(request), leases).answers().get(0);
    }

    /**
     * Projects several requests that differ only in their pairs and target language (e.g. the target languages of one
     * {@code _project/index} batch): with the encoder scorer, every distinct text of all of them is encoded once, in
     * one call ({@link ProjectionService#runAll}), so a source text shared by several requests is encoded once. The
     * models are leased in {@code leases}, which the caller releases.
     */
    public static ProjectionService.Outcome runAll(ModelRepository models, List<ProjectionRequest> requests, ModelLeases leases)
            throws Exception {
        if (requests.isEmpty()) {
            return new ProjectionService.Outcome(List.of(), ProjectionService.Encodings.NONE);
        }
        ProjectionOptions options = requests.get(0).options();
        for (ProjectionRequest r : requests) {
            ProjectionOptions o = r.options();
            if (o.scorer() != options.scorer() || o.method() != options.method() || !o.model().equals(options.model())
                    || o.candidates() != options.candidates()) {
                throw new IllegalArgumentException("requests projected together must share scorer, method, model and candidates");
            }
        }
        if (options.scorer() == ProjectionOptions.Scorer.NMT) {
            List<List<Map<String, Object>>> answers = new ArrayList<>();
            for (ProjectionRequest request : requests) {
                // the languages are the model's input: one scorer per request
                NmtScorer scorer = nmtScorer(models, request.options(), leases);
                answers.add(Inference.call(() -> ProjectionService.runNmt(request, scorer)));
            }
            return new ProjectionService.Outcome(answers, ProjectionService.Encodings.NONE);
        }
        requireEncoder(models, options.model());
        GeneratedCandidates candidates = options.candidates().generated()
                ? generator(models, options.generatorModel(), leases) : null;
        LabelingModel model = leases.hold(Inference.lease(models, options.model()));
        return Inference.call(() ->
                ProjectionService.runAll(requests, WordVectors.defaults(model), Projector.defaults(options.method()), candidates));
    }

    /**
     * The encoder whose word vectors rank candidates and align words ({@code model}). Checked from the files before
     * anything loads: a text-to-text or translation model there has no word vectors.
     */
    private static void requireEncoder(ModelRepository models, String id) throws BadRequest {
        requireKind(models, id, "model", ModelFiles.Kind.TOKEN_CLASSIFICATION, "an encoder with heads (polyspan.layout "
                + "[encoder_heads]) or a Hugging Face token-classification export, whose word vectors rank the candidates");
    }

    /** A model named in {@code field} must exist and be of the {@code expected} kind; otherwise a bad request saying what is needed. */
    private static void requireKind(ModelRepository models, String id, String field, ModelFiles.Kind expected, String what)
            throws BadRequest {
        if (!models.exists(id)) {
            throw new BadRequest(field, models.unknownModelMessage(id));
        }
        ModelFiles.Kind kind;
        try {
            kind = models.files(id).kind();
        } catch (ModelFilesException e) {
            throw new BadRequest(field, e.getMessage());
        }
        if (kind != expected) {
            throw new BadRequest(field, "model [" + id + "] is " + describe(kind) + ", not " + describe(expected)
                    + ": [" + field + "] needs " + what + elsewhere(kind));
        }
    }

    /** e.g. "a text-to-text model", for error messages */
    private static String describe(ModelFiles.Kind kind) {
        return switch (kind) {
            case TOKEN_CLASSIFICATION -> "an encoder model";
            case TEXT_TO_TEXT -> "a text-to-text model";
            case TRANSLATION -> "a translation model";
        };
    }

    /** Where a model of this kind goes in a {@code _project} request instead. */
    private static String elsewhere(ModelFiles.Kind kind) {
        return switch (kind) {
            case TOKEN_CLASSIFICATION -> "; an encoder model goes in [model]";
            case TEXT_TO_TEXT -> "; a text-to-text model goes in [generator_model] with \"candidates\": \"seq2seq\"";
            case TRANSLATION -> "; a translation model goes in [nmt_model] with \"scorer\": \"nmt\", or in [translate]";
        };
    }

    /**
     * The T-Projection generator of a text-to-text model, leased in {@code leases}; unknown, unloadable or non-seq2seq
     * models are bad requests, a model still loading a retryable 429.
     */
    private static GeneratedCandidates generator(ModelRepository models, String id, ModelLeases leases) throws BadRequest {
        requireKind(models, id, "generator_model", ModelFiles.Kind.TEXT_TO_TEXT,
                "an optimum seq2seq export with polyspan.layout [seq2seq] in its config.json");
        LabelingModel model;
        try {
            model = leases.hold(Inference.lease(models, id));
        } catch (Exception e) {
            if (Inference.isRetryable(e)) {
                throw (RuntimeException) e; // still loading, or over the memory cap: retry later
            }
            throw new BadRequest("generator_model", "generator model [" + id + "] could not be loaded: " + e.getMessage());
        }
        Seq2SeqModel seq2seq = model.seq2seq(); // not null: requireKind saw the seq2seq layout
        TProjectionGenerator generator = new TProjectionGenerator(seq2seq.subwordTokenizer(), seq2seq.onnx(), seq2seq.options(),
                seq2seq.options().beamWidth(), Integer.MAX_VALUE);
        return new GeneratedCandidates(generator, SpanScorer.Params.DEFAULT);
    }

    /**
     * Leases translation model {@code id} in {@code leases}; one that cannot serve as such is a bad request on
     * {@code field}, one still loading a retryable 429.
     */
    public static TranslationModel translationModel(ModelRepository models, String id, String field, ModelLeases leases) throws BadRequest {
        requireKind(models, id, field, ModelFiles.Kind.TRANSLATION,
                "an M2M100 or NLLB optimum export with polyspan.layout [translation] in its config.json");
        try {
            return leases.hold(Inference.leaseTranslation(models, id));
        } catch (Exception e) {
            if (Inference.isRetryable(e)) {
                throw (RuntimeException) e; // still loading, or over the memory cap: retry later
            }
            throw new BadRequest(field, "cannot use model [" + id + "] as a translation model: " + e.getMessage());
        }
    }

    /** The model's tokens for the source and target languages; a language it lacks is a bad request naming the field. */
    public static int[] languageTokens(TranslationModel model, ProjectionOptions options) throws BadRequest {
        int[] codes = new int[2];
        String[] fields = {"source_language", "target_language"};
        String[] languages = {options.sourceLanguage(), options.targetLanguage()};
        for (int i = 0; i < 2; i++) {
            try {
                codes[i] = model.languageToken(languages[i]);
            } catch (IllegalArgumentException e) {
                throw new BadRequest(fields[i], fields[i] + " [" + languages[i] + "]: " + e.getMessage());
            }
        }
        return codes;
    }

    /** {@code tproj} scored by a translation model; unknown or unsuitable models and languages are bad requests. */
    private static NmtScorer nmtScorer(ModelRepository models, ProjectionOptions options, ModelLeases leases) throws BadRequest {
        String id = options.nmtModel();
        TranslationModel model = translationModel(models, id, "nmt_model", leases);
        int[] codes = languageTokens(model, options);
        return new NmtScorer(model, codes[0], codes[1]);
    }
}
