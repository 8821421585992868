package org.polyspan.projection;

import org.polyspan.translation.TranslationException;
import org.polyspan.translation.Translator;

import java.util.ArrayList;
import java.util.List;

/** Translate-first: fills the targets a request left out by translating their sources in one batch. */
public final class MissingTargets {
    private MissingTargets() {}

    public static ProjectionRequest translate(ProjectionRequest request, Translator translator) throws TranslationException {
        if (!request.needsTranslation()) {
            return request;
        }
        List<Integer> missing = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        for (int i = 0; i < request.pairs().size(); i++) {
            ProjectionRequest.Pair p = request.pairs().get(i);
            if (p.needsTranslation()) {
                missing.add(i);
                sources.add(p.source().text());
            }
        }
        List<String> translations = translator.translate(sources, request.options().sourceLanguage(), request.options().targetLanguage());
        List<ProjectionRequest.Pair> pairs = new ArrayList<>(request.pairs());
        for (int k = 0; k < missing.size(); k++) {
            int i = missing.get(k);
            String translation = translations.get(k);
            if (translation.isBlank()) {
                throw new TranslationException(translator.name() + " returned an empty translation for pair [" + i + "]");
            }
            pairs.set(i, pairs.get(i).withTranslation(translation, translator.name()).checkSize(i));
        }
        return request.withPairs(pairs);
    }
}
