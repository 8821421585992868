package org.polyspan.translation;

import java.util.List;
import java.util.Locale;
import java.util.MissingResourceException;

/** Apertium names its modes with ISO 639-3 codes ({@code eng-spa}); requests may give ISO 639-1 codes ({@code en}). */
final class ApertiumModes {
    private ApertiumModes() {}

    /** The three-letter code for a two- or three-letter language code (a region suffix is ignored); {@code null} when unknown. */
    static String iso3(String code) {
        if (code == null || code.isBlank()) {
            return null;
        }
        String c = code.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        int dash = c.indexOf('-');
        if (dash > 0) {
            c = c.substring(0, dash);
        }
        if (c.length() == 3) {
            return c;
        }
        try {
            String iso3 = Locale.forLanguageTag(c).getISO3Language();
            return iso3.isEmpty() ? null : iso3;
        } catch (MissingResourceException e) {
            return null;
        }
    }

    /** The installed mode ({@code eng-spa}) for a direction, or {@code null}. */
    static String mode(String source, String target, List<String> installed) {
        String s = iso3(source);
        String t = iso3(target);
        if (s == null || t == null) {
            return null;
        }
        String mode = s + "-" + t;
        return installed.contains(mode) ? mode : null;
    }
}
