package org.polyspan.seq2seq;

import org.polyspan.labeling.BioLabels;
import org.polyspan.labeling.Document;
import org.polyspan.labeling.SentenceSegmenter;
import org.polyspan.labeling.Span;
import org.polyspan.labeling.SubwordTokenizer;
import org.polyspan.labeling.TagHead;
import org.polyspan.labeling.TaggedDocument;
import org.polyspan.labeling.Word;
import org.polyspan.labeling.WordSplitter;

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
 * tokenised once, the same way. A value is decoded sentence by sentence ({@link SentenceSegmenter}, as the encoder path
 * windows it); a sentence longer than {@code maxInputTokens} sub-tokens is cut into overlapping windows. A span never
 * crosses a window. The windows of all documents of a call are decoded in batches: one encoder call per batch, and
 * every decoder call scores the beams of all its windows together.
 */
public final class Seq2SeqLabeler {
    /** Windows decoded together at most, by default: on the tiny fixture 16 ran 2x faster than 1 (docs/seq2seq.md). */
    public static final int DEFAULT_BATCH_WINDOWS = 16;
    /**
     * Padded encoder tokens per batch at most, by default. The decoder's self-attention cache grows with rows times
     * output length, and the output is about as long as the input, so this bounds the cache: 16 sentences of 64
     * tokens, or 2 windows of 512.
     */
    public static final int DEFAULT_BATCH_TOKENS = 1024;
    private static final SentenceSegmenter SEGMENTER = SentenceSegmenter.getDefault();

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

    /**
     * One decoded window: the document words it copies, its output, and the spans it keeps ({@code from}/{@code to}
     * index {@code wordIndices}); where it overlaps a neighbour, its output may hold further spans, left to the neighbour.
     */
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
    private final int batchWindows;
    private final int batchTokens;
    private final int stride;

    public Seq2SeqLabeler(SubwordTokenizer tokenizer, LogitsSource source, Options options) {
        this(tokenizer, source, options, DEFAULT_BATCH_WINDOWS, DEFAULT_BATCH_TOKENS, options.maxInputTokens() / 4);
    }

    /** @param batchWindows windows decoded together in one batch at most (1: one at a time) */
    public Seq2SeqLabeler(SubwordTokenizer tokenizer, LogitsSource source, Options options, int batchWindows) {
        this(tokenizer, source, options, batchWindows, DEFAULT_BATCH_TOKENS, options.maxInputTokens() / 4);
    }

    /** Neighbouring windows of a long sentence share up to a quarter of {@code maxInputTokens}. */
    public Seq2SeqLabeler(SubwordTokenizer tokenizer, LogitsSource source, Options options, int batchWindows, int batchTokens) {
        this(tokenizer, source, options, batchWindows, batchTokens, options.maxInputTokens() / 4);
    }

    /**
     * @param batchWindows windows decoded together in one batch at most (1: one at a time)
     * @param batchTokens  padded encoder tokens per batch at most; a longer window still gets a batch of its own
     * @param stride       tokens shared at most by neighbouring windows of a sentence longer than a window (0: none)
     */
    public Seq2SeqLabeler(SubwordTokenizer tokenizer, LogitsSource source, Options options, int batchWindows, int batchTokens,
                          int stride) {
        if (batchWindows < 1 || batchTokens < 1 || stride < 0) {
            throw new IllegalArgumentException("batch windows and batch tokens must be at least 1, stride at least 0");
        }
        this.batchWindows = batchWindows;
        this.batchTokens = batchTokens;
        this.stride = stride;
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
        return decodeAll(List.of(doc)).get(0);
    }

    /**
     * A window to decode: the words it copies (indices into the document), the encoder input, and the words whose spans
     * it keeps, {@code [ownedFrom, ownedTo)} as positions in {@code wordIndices} (all of them unless it overlaps a
     * neighbour).
     */
    private record Window(int document, int[] wordIndices, int[][] units, int[] input, int ownedFrom, int ownedTo) {}

    /**
     * Decodes every window of every document in batches of at most {@code batchWindows} windows and {@code batchTokens}
     * padded encoder tokens, windows of similar length together. Per document, the windows in text order, each with the
     * spans it keeps: those starting in the words it owns and not overlapping a span kept from the previous window.
     */
    public List<List<Decoded>> decodeAll(List<Document> docs) {
        List<Window> windows = new ArrayList<>();
        for (int d = 0; d < docs.size(); d++) {
            windows.addAll(windows(d, docs.get(d)));
        }
        Integer[] order = new Integer[windows.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(windows.get(a).input().length, windows.get(b).input().length));
        BeamSearch.Result[] results = new BeamSearch.Result[windows.size()];
        List<TagAutomaton> automata = new ArrayList<>(windows.size());
        for (Window w : windows) {
            automata.add(new TagAutomaton(w.units(), openPaths, closePaths, options.eos()));
        }
        for (int from = 0, to; from < order.length; from = to) {
            // windows ascend in length, so the padded size of [from, to) is (to - from) times the last one's length
            to = from + 1;
            while (to < order.length && to - from < batchWindows
                    && (to - from + 1) * windows.get(order[to]).input().length <= batchTokens) {
                to++;
            }
            if (to - from == 1) {
                try (LogitsSource.Session session = source.open(windows.get(order[from]).input())) {
                    results[order[from]] = search.search(session, automata.get(order[from]));
                }
                continue;
            }
            int[][] inputs = new int[to - from][];
            List<TagAutomaton> batch = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                inputs[i - from] = windows.get(order[i]).input();
                batch.add(automata.get(order[i]));
            }
            List<BeamSearch.Result> out;
            try (LogitsSource.BatchSession session = source.openBatch(inputs)) {
                out = search.searchBatch(session, batch);
            }
            for (int i = from; i < to; i++) {
                results[order[i]] = out.get(i - from);
            }
        }
        List<List<Decoded>> out = new ArrayList<>(docs.size());
        for (int d = 0; d < docs.size(); d++) {
            out.add(new ArrayList<>());
        }
        int keptEnd = -1; // document word index after the last span kept, in the current document
        for (int i = 0; i < windows.size(); i++) {
            Window w = windows.get(i);
            if (i == 0 || windows.get(i - 1).document() != w.document()) {
                keptEnd = -1;
            }
            List<TagAutomaton.TagSpan> kept = new ArrayList<>();
            for (TagAutomaton.TagSpan s : automata.get(i).spans(results[i].state())) {
                if (s.from() >= w.ownedFrom() && s.from() < w.ownedTo() && w.wordIndices()[s.from()] >= keptEnd) {
                    kept.add(s);
                    keptEnd = w.wordIndices()[s.to() - 1] + 1;
                }
            }
            out.get(w.document()).add(new Decoded(w.wordIndices(), results[i], kept));
        }
        return out;
    }

    /**
     * The document's windows: one per sentence ({@link SentenceSegmenter}). A sentence longer than the budget is cut
     * into windows of at most {@code maxInputTokens} encoder tokens (a single longer word gets a window of its own)
     * that overlap by up to {@code stride} tokens; each window owns the words up to the middle of its overlaps, as on
     * the encoder path. Words without tokens are left out; they cannot be copied.
     */
    private List<Window> windows(int document, Document doc) {
        List<Word> words = doc.words();
        List<String> texts = new ArrayList<>(words.size());
        for (Word w : words) {
            texts.add(WordSplitter.tokenizerText(doc.text(), w));
        }
        int[][] ids = tokenizer.tokenize(texts);
        int budget = options.maxInputTokens() - prefixIds.length - suffixIds.length;
        int[] starts = SEGMENTER.sentenceStarts(doc.text(), words);
        List<Window> out = new ArrayList<>();
        for (int s = 0; s < starts.length; s++) {
            int end = s + 1 < starts.length ? starts[s + 1] : words.size();
            List<Integer> sentence = new ArrayList<>();
            for (int j = starts[s]; j < end; j++) {
                if (ids[j].length > 0) {
                    sentence.add(j);
                }
            }
            int i = 0;
            int owned = 0;
            while (i < sentence.size()) {
                int j = i;
                int used = 0;
                while (j < sentence.size() && (j == i || used + ids[sentence.get(j)].length <= budget)) {
                    used += ids[sentence.get(j)].length;
                    j++;
                }
                if (j == sentence.size()) {
                    out.add(window(document, sentence.subList(i, j), ids, owned - i, j - i));
                    break;
                }
                // the next window starts at the longest tail of this one within stride tokens, one word on at least
                int k = j;
                int tail = 0;
                while (k - 1 > i && tail + ids[sentence.get(k - 1)].length <= stride) {
                    tail += ids[sentence.get(k - 1)].length;
                    k--;
                }
                int boundary = k + (j - k) / 2;
                out.add(window(document, sentence.subList(i, j), ids, owned - i, boundary - i));
                owned = boundary;
                i = k;
            }
        }
        return out;
    }

    private Window window(int document, List<Integer> window, int[][] ids, int ownedFrom, int ownedTo) {
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
        return new Window(document, wordIdx, units, input, ownedFrom, ownedTo);
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
        return tagged(List.of(doc), head).get(0);
    }

    /** {@link #tagged(Document, TagHead)} for several documents, whose windows share batches. */
    public List<TaggedDocument> tagged(List<Document> docs, TagHead head) {
        List<List<Decoded>> all = decodeAll(docs);
        List<TaggedDocument> out = new ArrayList<>(docs.size());
        for (int d = 0; d < docs.size(); d++) {
            Document doc = docs.get(d);
            int[] tags = new int[doc.words().size()];
            float[] probs = new float[tags.length];
            Arrays.fill(probs, 1f);
            for (Decoded dec : all.get(d)) {
                for (TagAutomaton.TagSpan s : dec.spans()) {
                    int first = dec.wordIndices()[s.from()];
                    int last = dec.wordIndices()[s.to() - 1];
                    String label = options.labels().get(s.label());
                    float score = (float) spanScore(dec.result(), s);
                    for (int w = first; w <= last; w++) {
                        tags[w] = bio.tags().indexOf((w == first ? "B-" : "I-") + label);
                        probs[w] = score;
                    }
                }
            }
            out.add(new TaggedDocument(doc, head, tags, probs));
        }
        return out;
    }

    static double spanScore(BeamSearch.Result r, TagAutomaton.TagSpan s) {
        double sum = 0;
        for (int t = s.tokenFrom(); t < s.tokenTo(); t++) {
            sum += r.logProbs()[t];
        }
        return Math.exp(sum / (s.tokenTo() - s.tokenFrom()));
    }
}
