package org.polyspan.runtime;

import org.polyspan.translation.ApertiumApyTranslator;
import org.polyspan.translation.TranslationException;
import org.polyspan.translation.Translator;

import java.time.Duration;

/**
 * The node's translator for {@code "translate": true}: Apertium's HTTP service (APY) when its URL is configured.
 * Without it there is none, since engines forbid their nodes to start processes such as the {@code apertium} command.
 */
public final class ApertiumService implements Translator.Lookup {
    private final String url;

    public ApertiumService(String url) {
        this.url = url == null ? "" : url;
    }

    @Override
    public Translator find() throws TranslationException {
        if (url.isEmpty()) {
            throw new TranslationException("polyspan.translate.apertium_url is not set");
        }
        return ApertiumApyTranslator.connect(url, Duration.ofSeconds(120));
    }
}
