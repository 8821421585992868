package org.polyspan.translation;

import java.util.List;

/** Machine translation used to produce a target sentence when a projection pair comes without one. */
public interface Translator {
    /** A short description for answers and errors, e.g. {@code apertium}. */
    String name();

    /** Whether this translator has the direction {@code source -> target} (ISO 639-1 or 639-3 codes). */
    boolean supports(String source, String target);

    /** The directions available, e.g. {@code [en-es, es-en]}, for error messages. */
    List<String> directions();

    /** Translates each text; the answer has one translation per input, in order. */
    List<String> translate(List<String> texts, String source, String target) throws TranslationException;

    /** Finds the installed translator; the exception says why there is none. */
    @FunctionalInterface
    interface Lookup {
        Translator find() throws TranslationException;
    }
}
