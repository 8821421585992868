package org.polyspan.plugin;

import org.polyspan.translation.TranslationException;
import org.polyspan.translation.Translator;

/**
 * The node's translator lookup as a component of its own class, so that the injector can hand it to
 * {@link TransportProjectIndexAction} (a lambda has no class to bind).
 */
public final class NodeTranslators implements Translator.Lookup {
    private final Translator.Lookup lookup;

    public NodeTranslators(Translator.Lookup lookup) {
        this.lookup = lookup;
    }

    @Override
    public Translator find() throws TranslationException {
        return lookup.find();
    }
}
