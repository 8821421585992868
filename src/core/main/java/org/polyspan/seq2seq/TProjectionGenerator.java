package org.polyspan.seq2seq;

import org.polyspan.labeling.Document;
import org.polyspan.labeling.SubwordTokenizer;
import org.polyspan.labeling.Word;
import org.polyspan.labeling.WordSplitter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * T-Projection's candidate generator run with a text-to-text model under a {@link SpanSlotAutomaton}. The input is the
 * target sentence's words joined by spaces, a space, then one {@code <Tag>[None]</Tag>} slot per source span, in
 * source order, with no space between slots (e.g. {@code Obama visitó París . <Person>[None]</Person><Location>[None]</Location>});
 * the model writes one {@code <Tag>span</Tag>} per slot. Decoding may only produce spans that are contiguous word
 * ranges of the target, each tokenised as the string {@code <Tag>w1 w2</Tag>} alone (the words joined by spaces, as in
 * the input). The best {@code beamWidth} outputs are returned, and every slot's span maps back to exact target words
 * (every occurrence of the same text).
 *
 * <p>Tag names: the model's own {@code polyspan.tags} for a label it lists, otherwise T-Projection's names
 * ({@code PER} → {@code Person}, {@code LOC} → {@code Location}, {@code ORG} → {@code Organization},
 * {@code MISC} → {@code Miscellaneous}, {@code TARGET} → {@code Target}; any other label is used as is).
 */
public final class TProjectionGenerator {
    public static final String PLACEHOLDER = "[None]";
    private static final Map<String, String> NAMES = Map.of("PER", "Person", "LOC", "Location", "ORG", "Organization",
            "MISC", "Miscellaneous", "TARGET", "Target");

    /** A generated span: the slot, its label, one target word range, and the rank and score of the output it is in. */
    public record Generated(int slot, String label, int start, int end, int rank, double score) {}

    /** Everything a run produced, for checks against the reference: the input ids and the ranked outputs. */
    public record Run(int[] inputIds, List<SlotBeamSearch.Output> outputs, List<Generated> spans) {}

    private final SubwordTokenizer tokenizer;
    private final LogitsSource source;
    private final Map<String, String[]> configuredTags = new HashMap<>();
    private final SlotBeamSearch search;
    private final int maxInputTokens;
    private final int maxSpanWords;
    private final int eos;

    /**
     * @param options      the model's options: its configured tags, length penalty, input limit, special tokens
     * @param beamWidth    beams, and outputs returned
     * @param maxSpanWords longest span offered, in words
     */
    public TProjectionGenerator(SubwordTokenizer tokenizer, LogitsSource source, Seq2SeqLabeler.Options options,
                                int beamWidth, int maxSpanWords) {
        if (maxSpanWords < 1) {
            throw new IllegalArgumentException("max span words must be at least 1");
        }
        this.tokenizer = tokenizer;
        this.source = source;
        for (int l = 0; l < options.labels().size(); l++) {
            configuredTags.put(options.labels().get(l), new String[] {options.openTags().get(l), options.closeTags().get(l)});
        }
        this.search = new SlotBeamSearch(beamWidth, options.lengthPenalty(), options.decoderStart());
        this.maxInputTokens = options.maxInputTokens();
        this.maxSpanWords = maxSpanWords;
        this.eos = options.eos();
    }

    /** Opening and closing tag of a label. */
    public String[] tags(String label) {
        String[] configured = configuredTags.get(label);
        if (configured != null) {
            return configured;
        }
        String name = NAMES.getOrDefault(label, label);
        return new String[] {"<" + name + ">", "</" + name + ">"};
    }

    /** The slots appended to the target sentence, one per source span label. */
    public String slots(List<String> slotLabels) {
        StringBuilder sb = new StringBuilder();
        for (String label : slotLabels) {
            String[] t = tags(label);
            sb.append(t[0]).append(PLACEHOLDER).append(t[1]);
        }
        return sb.toString();
    }

    /** The generated spans, or none when there are no slots, no target words, or the input exceeds the model's limit. */
    public List<Generated> generate(Document target, List<String> slotLabels) {
        Run run = run(target, slotLabels);
        return run == null ? List.of() : run.spans();
    }

    /** As {@link #generate}, with the input ids and raw outputs; null when nothing can be generated. */
    public Run run(Document target, List<String> slotLabels) {
        return run(target, slotLabels, maxSpanWords);
    }

    /** As {@link #run(Document, List)}, offering spans of at most {@code maxWords} words. */
    public Run run(Document target, List<String> slotLabels, int maxWords) {
        if (maxWords < 1) {
            throw new IllegalArgumentException("max span words must be at least 1");
        }
        List<Word> words = target.words();
        if (slotLabels.isEmpty() || words.isEmpty()) {
            return null;
        }
        List<String> texts = new ArrayList<>(words.size() + 1);
        for (Word w : words) {
            texts.add(WordSplitter.tokenizerText(target.text(), w));
        }
        List<String> pieces = new ArrayList<>(texts);
        pieces.add(slots(slotLabels));
        int[] input = concat(tokenizer.prefixIds(), tokenizer.tokenize(pieces), tokenizer.suffixIds());
        if (input.length > maxInputTokens) {
            return null;
        }
        Map<String, List<SpanSlotAutomaton.Segment>> byLabel = new LinkedHashMap<>();
        List<List<SpanSlotAutomaton.Segment>> slotSegments = new ArrayList<>();
        for (String label : slotLabels) {
            slotSegments.add(byLabel.computeIfAbsent(label, l -> segments(texts, tags(l), maxWords)));
        }
        SpanSlotAutomaton automaton = new SpanSlotAutomaton(slotSegments, eos);
        List<SlotBeamSearch.Output> outputs;
        try (LogitsSource.Session session = source.open(input)) {
            outputs = search.search(session, automaton);
        }
        List<Generated> spans = new ArrayList<>();
        for (int rank = 0; rank < outputs.size(); rank++) {
            SlotBeamSearch.Output o = outputs.get(rank);
            for (SpanSlotAutomaton.Chosen c : o.chosen()) {
                for (int[] r : c.ranges()) {
                    spans.add(new Generated(c.slot(), slotLabels.get(c.slot()), r[0], r[1], rank, o.score()));
                }
            }
        }
        return new Run(input, outputs, spans);
    }

    /** Every word range up to {@code maxWords} words, as {@code <Tag>text</Tag>} segments; equal texts share one. */
    private List<SpanSlotAutomaton.Segment> segments(List<String> texts, String[] tags, int maxWords) {
        Map<String, List<int[]>> ranges = new LinkedHashMap<>();
        for (int a = 0; a < texts.size(); a++) {
            StringBuilder sb = new StringBuilder(tags[0]);
            for (int b = a + 1; b <= Math.min(texts.size(), a + maxWords); b++) {
                if (b > a + 1) {
                    sb.append(' ');
                }
                sb.append(texts.get(b - 1));
                ranges.computeIfAbsent(sb + tags[1], k -> new ArrayList<>()).add(new int[] {a, b});
            }
        }
        List<String> strings = new ArrayList<>(ranges.keySet());
        int[][] ids = tokenizer.tokenize(strings);
        List<SpanSlotAutomaton.Segment> out = new ArrayList<>(strings.size());
        for (int i = 0; i < strings.size(); i++) {
            out.add(new SpanSlotAutomaton.Segment(ids[i], ranges.get(strings.get(i))));
        }
        return out;
    }

    private static int[] concat(long[] prefix, int[][] middle, long[] suffix) {
        int n = prefix.length + suffix.length;
        for (int[] m : middle) {
            n += m.length;
        }
        int[] out = new int[n];
        int p = 0;
        for (long v : prefix) {
            out[p++] = (int) v;
        }
        for (int[] m : middle) {
            System.arraycopy(m, 0, out, p, m.length);
            p += m.length;
        }
        for (long v : suffix) {
            out[p++] = (int) v;
        }
        return Arrays.copyOf(out, p);
    }
}
