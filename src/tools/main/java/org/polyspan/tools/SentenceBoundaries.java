package org.polyspan.tools;

import com.ibm.icu.text.BreakIterator;
import com.ibm.icu.text.FilteredBreakIteratorBuilder;
import com.ibm.icu.util.ULocale;
import org.polyspan.eval.Benchmarks;
import org.polyspan.labeling.ConllReader;
import org.polyspan.labeling.ConllSentence;
import org.polyspan.labeling.Document;
import org.polyspan.labeling.SentenceSegmenter;
import org.polyspan.labeling.Word;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Sentence boundary precision and recall on gold sentences: every {@code --join} consecutive sentences of a test set
 * (tokens joined by a space, sentences by a space, as {@code Evaluate --join} labels them) form one text; a boundary
 * is the first word of a sentence after the text's first. Compared, one column each:
 * <ul>
 *   <li>{@code heuristic}: the segmenter Polyspan used before ICU (full stop before a capital, any capitalised word of
 *       at most two letters taken for an abbreviation);</li>
 *   <li>{@code icu}: ICU's sentence BreakIterator alone (root rules, no abbreviations);</li>
 *   <li>{@code icu-filtered}: ICU's BreakIterator wrapped by {@code FilteredBreakIteratorBuilder} with the set's own
 *       language list (English's for languages ICU has none for);</li>
 *   <li>{@code polyspan}: {@link SentenceSegmenter#getDefault()}: ICU's BreakIterator, abbreviations of seven languages
 *       as whole words, initials, ordinals;</li>
 *   <li>{@code polyspan-no-initials}: the same without treating {@code J.} as an abbreviation;</li>
 *   <li>{@code polyspan-no-ordinals}: the same without treating {@code 7.} as an ordinal.</li>
 * </ul>
 *
 * <pre>models/tool.sh SentenceBoundaries [--sets conll2003/en,wikineural,abstrct-neoplasm] [--join 10] [--limit 2000]</pre>
 */
public final class SentenceBoundaries {

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv, List.of("data", "sets", "join", "limit"));
        Path data = Path.of(args.get("data", "../shared/data"));
        List<String> sets = Arrays.asList(args.get("sets", "conll2003,conll2002,wikineural,abstrct-neoplasm").split(","));
        int join = Integer.parseInt(args.get("join", "10"));
        int limit = Integer.parseInt(args.get("limit", "0"));

        List<Benchmarks.Benchmark> benchmarks = new ArrayList<>();
        for (Benchmarks.Task task : List.of(Benchmarks.Task.NER, Benchmarks.Task.ARGUMENT)) {
            for (Benchmarks.Benchmark b : Benchmarks.all(data, task)) {
                for (String s : sets) {
                    if (s.equals("all") || s.equals(b.group()) || s.equals(b.name())) {
                        benchmarks.add(b);
                        break;
                    }
                }
            }
        }
        if (benchmarks.isEmpty()) {
            throw new IllegalArgumentException("no test set matches " + sets);
        }
        List<String> methods = List.of("heuristic", "icu", "icu-filtered", "polyspan", "polyspan-no-initials", "polyspan-no-ordinals");
        SentenceSegmenter noInitials = new SentenceSegmenter(ULocale.ROOT, SentenceSegmenter.DEFAULT_LANGUAGES, false, true);
        SentenceSegmenter noOrdinals = new SentenceSegmenter(ULocale.ROOT, SentenceSegmenter.DEFAULT_LANGUAGES, true, false);
        System.out.printf(Locale.ROOT, "sentence boundaries: %d gold sentences per text, joined by a space%s%n", join,
                limit > 0 ? ", first " + limit + " sentences of each set" : "");
        StringBuilder table = new StringBuilder("| set | lang | sentences | gold boundaries |");
        for (String m : methods) {
            table.append(' ').append(m).append(" P / R / F1 |");
        }
        table.append("\n|---|---|---:|---:|").append("---:|".repeat(methods.size())).append('\n');
        Map<String, long[]> totals = new LinkedHashMap<>();
        methods.forEach(m -> totals.put(m, new long[3]));
        for (Benchmarks.Benchmark b : benchmarks) {
            List<ConllSentence> sentences = new ConllReader(b.rename(), b.types()).read(b.file());
            if (limit > 0 && sentences.size() > limit) {
                sentences = sentences.subList(0, limit);
            }
            String language = b.language();
            ULocale locale = ULocale.forLanguageTag(language);
            String filterLanguage = SentenceSegmenter.icuAbbreviations(language).isEmpty() ? "en" : language;
            BreakIterator filtered = FilteredBreakIteratorBuilder.getInstance(ULocale.forLanguageTag(filterLanguage))
                    .wrapIteratorWithFilter(BreakIterator.getSentenceInstance(locale));
            BreakIterator plain = BreakIterator.getSentenceInstance(locale);
            Map<String, BiFunction<String, List<Word>, int[]>> segmenters = new LinkedHashMap<>();
            segmenters.put("heuristic", Heuristic::sentenceStarts);
            segmenters.put("icu", (text, words) -> starts(plain, text, words));
            segmenters.put("icu-filtered", (text, words) -> starts(filtered, text, words));
            segmenters.put("polyspan", SentenceSegmenter.getDefault()::sentenceStarts);
            segmenters.put("polyspan-no-initials", noInitials::sentenceStarts);
            segmenters.put("polyspan-no-ordinals", noOrdinals::sentenceStarts);
            Map<String, long[]> counts = new LinkedHashMap<>(); // true positives, predicted, gold
            methods.forEach(m -> counts.put(m, new long[3]));
            for (int from = 0; from < sentences.size(); from += join) {
                List<ConllSentence> group = sentences.subList(from, Math.min(sentences.size(), from + join));
                List<String> tokens = new ArrayList<>();
                Set<Integer> gold = new HashSet<>();
                for (ConllSentence s : group) {
                    if (!tokens.isEmpty()) {
                        gold.add(tokens.size());
                    }
                    tokens.addAll(s.tokens());
                }
                Document doc = Document.ofTokens(tokens);
                for (String m : methods) {
                    int[] predicted = segmenters.get(m).apply(doc.text(), doc.words());
                    long[] c = counts.get(m);
                    for (int p : predicted) {
                        if (p == 0) {
                            continue;
                        }
                        c[1]++;
                        if (gold.contains(p)) {
                            c[0]++;
                        }
                    }
                    c[2] += gold.size();
                }
            }
            table.append(String.format(Locale.ROOT, "| %s | %s | %d | %d |", b.group(), language, sentences.size(), counts.get("polyspan")[2]));
            for (String m : methods) {
                long[] c = counts.get(m);
                table.append(' ').append(prf(c)).append(" |");
                long[] t = totals.get(m);
                for (int i = 0; i < 3; i++) {
                    t[i] += c[i];
                }
            }
            table.append('\n');
            System.out.println(table.substring(table.lastIndexOf("\n", table.length() - 2) + 1).trim());
        }
        table.append("| all (micro) | | | ").append(totals.get("polyspan")[2]).append(" |");
        for (String m : methods) {
            table.append(' ').append(prf(totals.get(m))).append(" |");
        }
        System.out.println();
        System.out.println(table);
    }

    private static String prf(long[] c) {
        double p = c[1] == 0 ? 0 : (double) c[0] / c[1];
        double r = c[2] == 0 ? 0 : (double) c[0] / c[2];
        double f = p + r == 0 ? 0 : 2 * p * r / (p + r);
        return String.format(Locale.ROOT, "%.3f / %.3f / %.3f", p, r, f);
    }

    /** Word starts of the sentences {@code iterator} finds (a boundary inside a word is ignored, as in Polyspan). */
    private static int[] starts(BreakIterator prototype, String text, List<Word> words) {
        BreakIterator it = (BreakIterator) prototype.clone();
        it.setText(text);
        List<Integer> starts = new ArrayList<>(List.of(0));
        int w = 0;
        for (int b = it.next(); b != BreakIterator.DONE; b = it.next()) {
            while (w < words.size() && words.get(w).start() < b) {
                w++;
            }
            if (w == words.size()) {
                break;
            }
            if (w > 0 && words.get(w - 1).end() <= b && w > starts.get(starts.size() - 1)) {
                starts.add(w);
            }
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The segmenter Polyspan used before ICU, kept here to measure against. */
    static final class Heuristic {
        private Heuristic() {}

        static int[] sentenceStarts(String text, List<Word> words) {
            List<Integer> starts = new ArrayList<>();
            if (!words.isEmpty()) {
                starts.add(0);
            }
            for (int i = 1; i + 1 < words.size(); i++) {
                Word w = words.get(i);
                if (w.end() - w.start() != 1) {
                    continue;
                }
                char c = text.charAt(w.start());
                boolean cjk = c == '。' || c == '！' || c == '？';
                boolean latin = c == '.' || c == '!' || c == '?';
                if (cjk || (latin && !abbreviation(text, words.get(i - 1)) && opensSentence(text, words.get(i + 1)))) {
                    starts.add(i + 1);
                }
            }
            return starts.stream().mapToInt(Integer::intValue).toArray();
        }

        private static boolean abbreviation(String text, Word previous) {
            return previous.end() - previous.start() <= 2 && Character.isUpperCase(text.charAt(previous.start()));
        }

        private static boolean opensSentence(String text, Word next) {
            int cp = text.codePointAt(next.start());
            return Character.isUpperCase(cp) || Character.isDigit(cp) || Character.isTitleCase(cp)
                    || (Character.isLetter(cp) && !Character.isLowerCase(cp));
        }
    }
}
