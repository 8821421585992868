package org.polyspan.translation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.MissingResourceException;
import java.util.regex.Pattern;

/**
 * The language-code tokens of a multilingual translation model and how request languages map onto them. A request
 * may name the model's own code ({@code spa_Latn}, {@code __es__}) or a language ({@code es}, {@code spa}), looked up
 * in this order: the model's {@code polyspan.languages} aliases, M2M100's {@code __xx__}, then NLLB's
 * {@code <ISO 639-3>_<script>} when exactly one script is available.
 */
public final class LanguageCodes {
    /** M2M100 ({@code __en__}) and NLLB ({@code eng_Latn}) language-code tokens. */
    public static final Pattern CODE = Pattern.compile("__[a-z]{2,3}__|[a-z]{3}_[A-Z][a-z]{3}");

    private final List<String> codes;
    private final Map<String, String> aliases;

    public LanguageCodes(List<String> codes, Map<String, String> aliases) {
        this.codes = List.copyOf(codes);
        this.aliases = Map.copyOf(aliases);
        for (Map.Entry<String, String> e : aliases.entrySet()) {
            if (!codes.contains(e.getValue())) {
                throw new IllegalArgumentException("language alias [" + e.getKey() + "] names [" + e.getValue()
                        + "], which is not one of the model's language codes");
            }
        }
    }

    public List<String> codes() {
        return codes;
    }

    /** The model's code for a language; {@link IllegalArgumentException} with a readable reason when there is none. */
    public String resolve(String language) {
        if (language == null || language.isBlank()) {
            throw new IllegalArgumentException("is required by the nmt scorer");
        }
        if (codes.contains(language)) {
            return language;
        }
        if (aliases.containsKey(language)) {
            return aliases.get(language);
        }
        String lower = language.toLowerCase(Locale.ROOT);
        if (codes.contains("__" + lower + "__")) {
            return "__" + lower + "__";
        }
        String iso3;
        try {
            iso3 = Locale.forLanguageTag(lower).getISO3Language();
        } catch (MissingResourceException e) {
            iso3 = "";
        }
        if (!iso3.isEmpty()) {
            List<String> scripts = new ArrayList<>();
            for (String c : codes) {
                if (c.startsWith(iso3 + "_")) {
                    scripts.add(c);
                }
            }
            if (scripts.size() == 1) {
                return scripts.get(0);
            }
            if (scripts.size() > 1) {
                throw new IllegalArgumentException("[" + language + "] is ambiguous for this model: " + scripts
                        + "; give one of these codes");
            }
        }
        throw new IllegalArgumentException("the translation model has no language code for [" + language + "]; its codes: "
                + (codes.size() > 30 ? codes.subList(0, 30) + " and " + (codes.size() - 30) + " more" : codes));
    }
}
