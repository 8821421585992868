package org.polyspan.plugin;

import org.polyspan.runtime.Inference;
import org.polyspan.model.ModelLeases;
import org.polyspan.model.ModelRepository;
import org.polyspan.projection.MissingTargets;
import org.polyspan.projection.ProjectionOptions;
import org.polyspan.projection.ProjectionRequest;
import org.polyspan.translation.NmtTranslator;
import org.polyspan.translation.TranslationException;
import org.polyspan.translation.TranslationModel;
import org.polyspan.translation.Translator;

/**
 * The translator a request's {@code translate} names, for {@code _project} and {@code _project/index} alike: Apertium's
 * service ({@code true}) or a translation model of the models directory (its id). Anything unusable (no service, a
 * direction it lacks, an unknown model, a model of another layout, a language the model lacks) is a bad request.
 * Call it on the generic pool: it may load a model or ask a service.
 */
final class RequestTranslator {
    private RequestTranslator() {}

    /** The translator; a translation model it uses stays leased in {@code leases} until the caller closes them. */
    static Translator resolve(ProjectionOptions request, Translator.Lookup apertium, ModelRepository models, ModelLeases leases)
            throws ProjectionRunner.BadRequest {
        String name = request.translator();
        String direction = request.sourceLanguage() + "->" + request.targetLanguage();
        if (ProjectionOptions.APERTIUM.equals(name)) {
            Translator translator;
            try {
                translator = apertium.find();
            } catch (TranslationException e) {
                throw new ProjectionRunner.BadRequest("translate", "no translator is available for " + direction + " ("
                        + e.getMessage() + "); run Apertium's service (apt-get install apertium-apy apertium-eng-spa; apertium-apy "
                        + "/usr/share/apertium/modes) and set polyspan.translate.apertium_url, name an installed translation model, "
                        + "or give the targets");
            }
            if (!translator.supports(request.sourceLanguage(), request.targetLanguage())) {
                throw new ProjectionRunner.BadRequest("translate", translator.name() + " has no direction " + direction
                        + "; installed: " + translator.directions());
            }
            return translator;
        }
        if (!models.exists(name)) {
            throw new ProjectionRunner.BadRequest("translate", models.unknownModelMessage(name)
                    + "; [translate] is true (Apertium) or the id of a translation model");
        }
        TranslationModel model = ProjectionRunner.translationModel(models, name, "translate", leases);
        ProjectionRunner.languageTokens(model, request);
        return new NmtTranslator(model);
    }

    /** The request with every missing target translated by the translator it names. */
    static ProjectionRequest withTargets(ProjectionRequest request, Translator.Lookup apertium, ModelRepository models)
            throws Exception {
        if (!request.needsTranslation()) {
            return request;
        }
        try (ModelLeases leases = new ModelLeases()) {
            return withTargets(request, resolve(request.options(), apertium, models, leases));
        }
    }

    /** The request with every missing target translated by {@code translator}; sources it cannot take are bad requests. */
    static ProjectionRequest withTargets(ProjectionRequest request, Translator translator) throws Exception {
        if (!request.needsTranslation()) {
            return request;
        }
        checkLengths(request, translator);
        // a translation model runs native inference: inside the plugin's class loader, errors caught
        return Inference.call(() -> MissingTargets.translate(request, translator));
    }

    /** A translation model reads a bounded number of tokens: a longer source to translate is the request's fault. */
    static void checkLengths(ProjectionRequest request, Translator translator) throws ProjectionRunner.BadRequest {
        if (!(translator instanceof NmtTranslator nmt)) {
            return;
        }
        for (int i = 0; i < request.pairs().size(); i++) {
            ProjectionRequest.Pair p = request.pairs().get(i);
            if (p.needsTranslation()) {
                int n = nmt.inputTokens(p.source().text());
                if (n > nmt.maxInputTokens()) {
                    throw new ProjectionRunner.BadRequest("translate", "pair [" + i + "]: the source has " + n + " tokens and "
                            + "translation model [" + nmt.name() + "] reads at most " + nmt.maxInputTokens()
                            + "; split it into sentences or give the target");
                }
            }
        }
    }
}
