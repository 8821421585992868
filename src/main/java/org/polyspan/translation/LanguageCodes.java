package org.polyspan.translation;

import java.util.Locale;
import java.util.Map;

/** Maps ISO 639-1 codes to the ISO 639-3 codes Apertium names its language pairs with. */
final class LanguageCodes {
    private static final Map<String, String> TO_639_3 = Map.ofEntries(
            Map.entry("en", "eng"), Map.entry("es", "spa"), Map.entry("ca", "cat"), Map.entry("gl", "glg"),
            Map.entry("pt", "por"), Map.entry("fr", "fra"), Map.entry("it", "ita"), Map.entry("eu", "eus"),
            Map.entry("de", "deu"), Map.entry("nl", "nld"), Map.entry("oc", "oci"), Map.entry("ro", "ron"),
            Map.entry("is", "isl"), Map.entry("mk", "mkd"), Map.entry("hbs", "hbs"), Map.entry("sh", "hbs"),
            Map.entry("sv", "swe"), Map.entry("da", "dan"), Map.entry("nb", "nob"), Map.entry("nn", "nno"),
            Map.entry("eo", "epo"), Map.entry("cy", "cym"), Map.entry("br", "bre"), Map.entry("kk", "kaz"),
            Map.entry("tt", "tat"), Map.entry("ru", "rus"), Map.entry("uk", "ukr"), Map.entry("be", "bel"),
            Map.entry("ar", "ara"), Map.entry("mt", "mlt"), Map.entry("hi", "hin"), Map.entry("ur", "urd"),
            Map.entry("ga", "gle"), Map.entry("gd", "gla"), Map.entry("af", "afr"), Map.entry("an", "arg"),
            Map.entry("ast", "ast"), Map.entry("sc", "srd"), Map.entry("co", "cos"), Map.entry("sq", "sqi"));

    private LanguageCodes() {}

    /** The three-letter code for a language given as a two- or three-letter code; {@code null} when unknown. */
    static String toApertium(String code) {
        if (code == null || code.isBlank()) {
            return null;
        }
        String c = code.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        int dash = c.indexOf('-');
        if (dash > 0) {
            c = c.substring(0, dash);
        }
        return c.length() == 3 ? c : TO_639_3.get(c);
    }

    /** The Apertium mode ({@code eng-spa}) for a direction among the installed ones, or {@code null}. */
    static String apertiumMode(String source, String target, java.util.List<String> installed) {
        String s = toApertium(source);
        String t = toApertium(target);
        if (s == null || t == null) {
            return null;
        }
        String mode = s + "-" + t;
        return installed.contains(mode) ? mode : null;
    }
}
