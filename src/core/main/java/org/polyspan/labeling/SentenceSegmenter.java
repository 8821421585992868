package org.polyspan.labeling;

import com.ibm.icu.impl.ICUData;
import com.ibm.icu.impl.ICUResourceBundle;
import com.ibm.icu.text.BreakIterator;
import com.ibm.icu.util.ULocale;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds sentence starts among the words of a text, so that windows never mix sentences and, in sentence scope, no
 * span runs from one sentence into the next. The heads are trained on single sentences; encoding a long field as
 * multi-sentence windows shifts the features they see.
 *
 * <p>Boundaries come from ICU's sentence {@link BreakIterator} (the Unicode UAX #29 sentence rules: {@code . ! ?}
 * not followed by a lower-case word, {@code 。！？} and the other scripts' terminators, closing quotes and brackets
 * kept with their sentence, paragraph separators). A boundary is then dropped when the word before it is a known
 * abbreviation: ICU's own sentence-break exceptions (the lists its {@code FilteredBreakIteratorBuilder} uses) for
 * {@link #DEFAULT_LANGUAGES} together, because a multilingual model rarely knows a field's language, plus
 * {@link #EXTRA_ABBREVIATIONS}, single-letter initials ({@code J. R. Brown}) and ordinals of up to three digits
 * ({@code am 7. März}, {@code 1. Jesper Ronnback}).
 *
 * <p>The abbreviation must be the whole word before the boundary. ICU's {@code FilteredBreakIteratorBuilder} matches
 * it as a suffix instead, so with Spanish's {@code ed.} in the list it never breaks after "improved."; measured with
 * {@code models/tool.sh SentenceBoundaries}, the whole-word check wins (see the README).
 *
 * <p>A boundary that falls inside a word (possible only with caller-supplied words) is ignored: words are the unit.
 * Instances are thread-safe.
 */
public final class SentenceSegmenter {

    /** Languages whose ICU abbreviation lists the default instance merges. */
    public static final List<String> DEFAULT_LANGUAGES = List.of("en", "de", "es", "fr", "it", "pt", "ru");

    /** Abbreviations missing from ICU's lists that scientific and news text uses before a capital or a digit. */
    public static final List<String> EXTRA_ABBREVIATIONS = List.of(
            "e.g.", "i.e.", "cf.", "vs.", "Vs.", "et al.", "approx.", "resp.", "ca.", "incl.", "excl.", "viz.",
            "Fig.", "Figs.", "fig.", "figs.", "Tab.", "Eq.", "Eqs.", "Ref.", "Refs.", "Vol.", "No.", "Nos.", "Nr.",
            "pp.", "Ch.", "Sect.", "Dr.", "Drs.", "Prof.", "Mr.", "Mrs.", "Ms.", "St.", "Mt.", "Jr.", "Sr.",
            "Inc.", "Ltd.", "Co.", "Corp.", "Bros.", "Gen.", "Col.", "Lt.", "Sgt.", "Capt.", "Gov.", "Sen.", "Rep.",
            "Rev.", "Hon.", "Jan.", "Feb.", "Aug.", "Sep.", "Sept.", "Oct.", "Nov.", "Dec.", "Проф.", "проф.");

    private static final SentenceSegmenter DEFAULT = new SentenceSegmenter(ULocale.ROOT, DEFAULT_LANGUAGES, true, true);

    private final BreakIterator prototype;
    private final Set<String> abbreviations;
    private final boolean initials;
    private final boolean ordinals;

    /**
     * @param rules       locale of ICU's sentence rules (they hardly differ between locales)
     * @param languages   languages whose ICU abbreviation lists are merged
     * @param initials    whether a single capital letter with a full stop ({@code J.}) is an abbreviation
     * @param ordinals    whether a number of one to three digits with a full stop is an ordinal ({@code am 7. März},
     *                    {@code 84. Minute}, ranked lists) rather than a sentence end
     */
    public SentenceSegmenter(ULocale rules, List<String> languages, boolean initials, boolean ordinals) {
        Set<String> all = new LinkedHashSet<>();
        for (String language : languages) {
            all.addAll(icuAbbreviations(language));
        }
        all.addAll(EXTRA_ABBREVIATIONS);
        this.abbreviations = Set.copyOf(all);
        this.initials = initials;
        this.ordinals = ordinals;
        this.prototype = BreakIterator.getSentenceInstance(rules);
    }

    /** The multilingual default (see the class comment). */
    public static SentenceSegmenter getDefault() {
        return DEFAULT;
    }

    /** ICU's sentence rules and abbreviation list for one language (BCP 47 tag, e.g. {@code de}), plus the extras. */
    public static SentenceSegmenter forLanguage(String languageTag) {
        return new SentenceSegmenter(ULocale.forLanguageTag(languageTag), List.of(languageTag), true, true);
    }

    /** Number of abbreviations after which breaks are suppressed (initials not counted). */
    public int suppressionCount() {
        return abbreviations.size();
    }

    /**
     * ICU's sentence-break exceptions for a language (its {@code brkitr} resource {@code exceptions/SentenceBreak});
     * empty when ICU has none for it. No fallback to another language's list is taken.
     */
    public static List<String> icuAbbreviations(String languageTag) {
        ULocale locale = ULocale.forLanguageTag(languageTag);
        ICUResourceBundle bundle = ICUResourceBundle.getBundleInstance(ICUData.ICU_BRKITR_BASE_NAME, locale,
                ICUResourceBundle.OpenType.LOCALE_ROOT);
        if (!bundle.getULocale().getLanguage().equals(locale.getLanguage())) {
            return List.of();
        }
        ICUResourceBundle exceptions = bundle.findWithFallback("exceptions/SentenceBreak");
        return exceptions == null ? List.of() : List.of(exceptions.getStringArray());
    }

    /** Character offsets where sentences start, after 0; every offset is in {@code (0, text.length())}. */
    public int[] boundaries(String text) {
        BreakIterator it = (BreakIterator) prototype.clone();
        it.setText(text);
        List<Integer> out = new ArrayList<>();
        for (int b = it.next(); b != BreakIterator.DONE; b = it.next()) {
            if (b > 0 && b < text.length() && !afterAbbreviation(text, b)) {
                out.add(b);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Whether the word before {@code boundary} (trailing spaces skipped) is an abbreviation, as a whole word. */
    boolean afterAbbreviation(String text, int boundary) {
        int end = boundary;
        while (end > 0 && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        // only "abbreviation. Next": without a space after the full stop ICU broke for another reason (a CJK letter)
        if (end == 0 || end == boundary || text.charAt(end - 1) != '.') {
            return false;
        }
        int start = end;
        while (start > 0 && !Character.isWhitespace(text.charAt(start - 1))) {
            start--;
        }
        // an opening bracket or quote is not part of the abbreviation: "(e.g."
        while (start < end - 1 && isOpening(text.charAt(start))) {
            start++;
        }
        String word = text.substring(start, end);
        if (abbreviations.contains(word)) {
            return true;
        }
        if (initials && word.length() == 2 && Character.isUpperCase(word.charAt(0))) {
            return true;
        }
        if (ordinals && ordinal(word) && !numbered(text, start)) {
            return true;
        }
        // two-word abbreviations: "et al.", "z. B.", "D. h."
        int before = start;
        while (before > 0 && text.charAt(before - 1) == ' ') {
            before--;
        }
        if (before < start && before > 0) {
            int prevStart = before;
            while (prevStart > 0 && !Character.isWhitespace(text.charAt(prevStart - 1))) {
                prevStart--;
            }
            return abbreviations.contains(text.substring(prevStart, before) + " " + word);
        }
        return false;
    }

    /**
     * Whether the number starting at {@code start} is what an abbreviation, a label or a comparison refers to
     * ({@code Fig. 3.}, {@code No. 5.}, {@code Table 2.}, {@code n = 120.}), so that its full stop may end a sentence.
     */
    private boolean numbered(String text, int start) {
        int end = start;
        while (end > 0 && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        int from = end;
        while (from > 0 && !Character.isWhitespace(text.charAt(from - 1))) {
            from--;
        }
        if (from == end) {
            return false;
        }
        String previous = text.substring(from, end);
        return abbreviations.contains(previous) || NUMBERED.contains(previous.toLowerCase(java.util.Locale.ROOT))
                || previous.equals("=") || previous.equals("<") || previous.equals(">") || previous.equals("≤") || previous.equals("≥");
    }

    /** Words after which a number is a reference, not an ordinal. */
    private static final Set<String> NUMBERED = Set.of("table", "figure", "tabelle", "abbildung", "tabla", "figura", "tableau",
            "tabella", "section", "chapter", "step", "phase", "grade", "stage", "group", "arm", "version", "n");

    /** One to three ASCII digits and a full stop. */
    private static boolean ordinal(String word) {
        int digits = word.length() - 1;
        if (digits < 1 || digits > 3) {
            return false;
        }
        for (int i = 0; i < digits; i++) {
            if (word.charAt(i) < '0' || word.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isOpening(char c) {
        int type = Character.getType(c);
        return type == Character.START_PUNCTUATION || type == Character.INITIAL_QUOTE_PUNCTUATION || c == '"' || c == '\'';
    }

    /** Index of the first word of every sentence; always starts with 0 when there are words. */
    public int[] sentenceStarts(String text, List<Word> words) {
        if (words.isEmpty()) {
            return new int[0];
        }
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        int w = 0;
        for (int b : boundaries(text)) {
            while (w < words.size() && words.get(w).start() < b) {
                w++;
            }
            if (w == words.size()) {
                break;
            }
            // the boundary must fall between two words, not inside one
            boolean betweenWords = w > 0 && words.get(w - 1).end() <= b;
            if (betweenWords && w > starts.get(starts.size() - 1)) {
                starts.add(w);
            }
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }
}
