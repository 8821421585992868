package org.polyspan.seq2seq;

import org.polyspan.core.BioLabels;
import org.polyspan.core.Document;
import org.polyspan.core.Span;
import org.polyspan.core.SubwordTokenizer;
import org.polyspan.core.TagHead;
import org.polyspan.core.TaggedDocument;
import org.polyspan.core.Word;
import org.polyspan.core.WordSplitter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Labels documents with a text-to-text model: the input words are copied to the output under a {@link TagAutomaton},
 * with tags such as {@code <PER> ... </PER>} around spans, decoded by {@link BeamSearch}; the spans map back to exact
 * character offsets of the source text.
 *
 * <p>Words are tokenised as a pre-split sequence, so each word's sub-tokens are exactly what the tokenizer gives that
 * word in the input (for SentencePiece models every word's first piece carries the {@code ▁} prefix); each tag string is
 * tokenised once, the same way. Long values are cut into windows of at most {@code maxInputTokens} sub-tokens, preferably
 * after a sentence-final mark; a span never crosses a window.
 */
public final class Seq2SeqLabeler {
    private static final String SENTENCE_END = ".!?。！？؟।";

    /**
     * @param labels         label names, e.g. {@code PER}
     * @param openTags       per label, the opening tag string (default {@code <PER>})
     * @param closeTags      per label, the closing tag string (default {@code </PER>})
     * @param inputPrefix    text put before every input (a task prompt), or empty
     * @param maxInputTokens encoder sub-tokens per window, prefix and suffix included
     */
    public record Options(List<String> labels, List<String> openTags, List<String> closeTags, String inputPrefix,
                          int beamWidth, double lengthPenalty, int maxInputTokens, int decoderStart, int eos) {
        public static List<String> defaultOpenTags(List<String> labels) {
            return labels.stream().map(l -> "<" + l + ">").toList();
        }

        public static List<String> defaultCloseTags(List<String> labels) {
            return labels.stream().map(l -> "</" + l + ">").toList();
        }
    }

    /** One decoded window: its output and the spans, in word indices of the document. */
    public record Decoded(int[] wordIndices, BeamSearch.Result result, List<TagAutomaton.TagSpan> spans) {}

    private final SubwordTokenizer tokenizer;
    private final LogitsSource source;
    private final Options options;
    private final BeamSearch search;
    private final int[][] openPaths;
    private final int[][] closePaths;
    private final int[] prefixIds;
    private final int[] suffixIds;
    private final BioLabels bio;

    public Seq2SeqLabeler(SubwordTokenizer tokenizer, LogitsSource source, Options options) {
        this.tokenizer = tokenizer;
        this.source = source;
        this.options = options;
        int n = options.labels().size();
        if (options.openTags().size() != n || options.closeTags().size() != n) {
            throw new IllegalArgumentException("every label needs one opening and one closing tag");
        }
        int[][] open = tokenizer.tokenize(options.openTags());
        int[][] close = tokenizer.tokenize(options.closeTags());
        for (int l = 0; l < n; l++) {
            if (open[l].length == 0 || close[l].length == 0) {
                throw new IllegalArgumentException("tag of label [" + options.labels().get(l) + "] has no tokens");
            }
        }
        this.openPaths = open;
        this.closePaths = close;
        new TagAutomaton(new int[0][], open, close, options.eos()); // validates the tag paths once
        List<String> prefixWords = new WordSplitter().split(options.inputPrefix()).stream()
                .map(w -> w.text(options.inputPrefix())).toList();
        this.prefixIds = Arrays.stream(tokenizer.tokenize(prefixWords)).flatMapToInt(Arrays::stream).toArray();
        this.suffixIds = Arrays.stream(tokenizer.suffixIds()).mapToInt(v -> (int) v).toArray();
        if (prefixIds.length + suffixIds.length >= options.maxInputTokens()) {
            throw new IllegalArgumentException("max input tokens leaves no room for words");
        }
        this.search = new BeamSearch(options.beamWidth(), options.lengthPenalty(), options.decoderStart());
        List<String> tags = new ArrayList<>();
        tags.add("O");
        for (String l : options.labels()) {
            tags.add("B-" + l);
            tags.add("I-" + l);
        }
        this.bio = new BioLabels(tags);
    }

    /** The IOB2 tag set matching the labels, for {@link #tagged}. */
    public BioLabels bioLabels() {
        return bio;
    }

    public int[][] openPaths() {
        return openPaths;
    }

    public int[][] closePaths() {
        return closePaths;
    }

    /** Decodes every window of the document. */
    public List<Decoded> decode(Document doc) {
        List<Word> words = doc.words();
        List<String> texts = new ArrayList<>(words.size());
        for (Word w : words) {
            texts.add(WordSplitter.tokenizerText(doc.text(), w));
        }
        int[][] ids = tokenizer.tokenize(texts);
        int budget = options.maxInputTokens() - prefixIds.length - suffixIds.length;
        List<Decoded> out = new ArrayList<>();
        int i = 0;
        while (i < ids.length) {
            // skip words without tokens; pack a window
            List<Integer> window = new ArrayList<>();
            int used = 0;
            int lastSentenceEnd = -1;
            int j = i;
            while (j < ids.length) {
                int len = ids[j].length;
                if (len > 0 && used + len > budget && !window.isEmpty()) {
                    break;
                }
                if (len > 0) {
                    window.add(j);
                    used += len;
                    String t = texts.get(j);
                    if (t.length() == 1 && SENTENCE_END.indexOf(t.charAt(0)) >= 0) {
                        lastSentenceEnd = window.size();
                    }
                }
                j++;
            }
            if (j < ids.length && lastSentenceEnd > window.size() / 2 && lastSentenceEnd < window.size()) {
                j = window.get(lastSentenceEnd); // restart after the sentence end
                window = window.subList(0, lastSentenceEnd);
            }
            i = j;
            if (window.isEmpty()) {
                continue;
            }
            int[] wordIdx = window.stream().mapToInt(Integer::intValue).toArray();
            int[][] units = new int[wordIdx.length][];
            int total = prefixIds.length + suffixIds.length;
            for (int k = 0; k < wordIdx.length; k++) {
                units[k] = ids[wordIdx[k]];
                total += units[k].length;
            }
            int[] input = new int[total];
            int p = 0;
            System.arraycopy(prefixIds, 0, input, p, prefixIds.length);
            p += prefixIds.length;
            for (int[] u : units) {
                System.arraycopy(u, 0, input, p, u.length);
                p += u.length;
            }
            System.arraycopy(suffixIds, 0, input, p, suffixIds.length);
            TagAutomaton automaton = new TagAutomaton(units, openPaths, closePaths, options.eos());
            BeamSearch.Result result;
            try (LogitsSource.Session session = source.open(input)) {
                result = search.search(session, automaton);
            }
            out.add(new Decoded(wordIdx, result, automaton.spans(result.state())));
        }
        return out;
    }

    /** The spans of the document: exact offsets; score = exp(mean log-probability of the span's tokens, tags included). */
    public List<Span> label(Document doc, String headName) {
        List<Span> spans = new ArrayList<>();
        for (Decoded d : decode(doc)) {
            for (TagAutomaton.TagSpan s : d.spans()) {
                int start = doc.words().get(d.wordIndices()[s.from()]).start();
                int end = doc.words().get(d.wordIndices()[s.to() - 1]).end();
                spans.add(new Span(options.labels().get(s.label()), doc.text().substring(start, end), start, end,
                        spanScore(d.result(), s), headName));
            }
        }
        return spans;
    }

    /**
     * The same result as IOB2 word tags, so it flows through the encoder path's {@link TaggedDocument#spans()}
     * unchanged: {@code B-X}/{@code I-X} over the span's words, each with the span's score as probability.
     */
    public TaggedDocument tagged(Document doc, TagHead head) {
        int[] tags = new int[doc.words().size()];
        float[] probs = new float[tags.length];
        Arrays.fill(probs, 1f);
        for (Decoded d : decode(doc)) {
            for (TagAutomaton.TagSpan s : d.spans()) {
                int first = d.wordIndices()[s.from()];
                int last = d.wordIndices()[s.to() - 1];
                String label = options.labels().get(s.label());
                float score = (float) spanScore(d.result(), s);
                for (int w = first; w <= last; w++) {
                    tags[w] = bio.tags().indexOf((w == first ? "B-" : "I-") + label);
                    probs[w] = score;
                }
            }
        }
        return new TaggedDocument(doc, head, tags, probs);
    }

    static double spanScore(BeamSearch.Result r, TagAutomaton.TagSpan s) {
        double sum = 0;
        for (int t = s.tokenFrom(); t < s.tokenTo(); t++) {
            sum += r.logProbs()[t];
        }
        return Math.exp(sum / (s.tokenTo() - s.tokenFrom()));
    }
}
