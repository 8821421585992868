package org.polyspan.labeling;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Labels documents with one or more heads over one encoder pass: words are split into sub-tokens, cut into windows
 * that fit the model and never mix sentences, encoded in length-sorted batches, scored by every head, and decoded with
 * {@link HeadDecoder}: sentence by sentence in {@link SpanScope#SENTENCE} scope (no span crosses a sentence
 * boundary), or over the whole word sequence in {@link SpanScope#FIELD} scope. Either way spans never break at window
 * edges.
 */
public final class SpanLabeler {
    private static final float NO_EVIDENCE = -1e4f;
    private static final SentenceSegmenter SEGMENTER = SentenceSegmenter.getDefault();

    private final SubwordTokenizer tokenizer;
    private final WindowEncoder encoder;
    private final Windowing windowing;
    private final int maxBatchTokens;

    /**
     * @param maxLength      the model's maximum sequence length, special tokens included
     * @param stride         sub-tokens of overlap between windows
     * @param maxBatchTokens padded sub-tokens per encoder call, to bound memory
     */
    public SpanLabeler(SubwordTokenizer tokenizer, WindowEncoder encoder, int maxLength, int stride, int maxBatchTokens) {
        this.tokenizer = tokenizer;
        this.encoder = encoder;
        this.windowing = windowing(tokenizer, maxLength, stride);
        this.maxBatchTokens = Math.max(maxBatchTokens, maxLength);
    }

    /**
     * The windows a labeler with these arguments cuts; callers check them with this before opening an encoder.
     *
     * @throws IllegalArgumentException when the maximum length leaves no room for words or the stride is negative
     */
    public static Windowing windowing(SubwordTokenizer tokenizer, int maxLength, int stride) {
        int content = maxLength - tokenizer.prefixIds().length - tokenizer.suffixIds().length;
        if (content < 1) {
            throw new IllegalArgumentException("max length " + maxLength + " leaves no room for words");
        }
        return new Windowing(content, Math.min(stride, content / 2));
    }

    /** One window of one document, ready to encode. */
    private record Job(int doc, int windowIndex, Windowing.Window window, long[] ids, int[] wordPositions) {}

    /** Receives, window by window, the encoder output for the words whose prediction that window gives. */
    public interface WindowSink {
        /**
         * @param doc       index of the document
         * @param words     indices of the words scored from this window
         * @param vectors   the encoder output for every position of the window
         * @param positions position of each word's first sub-token in {@code vectors}
         */
        void accept(int doc, int[] words, float[][] vectors, int[] positions);
    }

    /**
     * What the encoder sees around a sentence. Measured on English development data (see README, "How a value is
     * labelled"): windows of one sentence won, so {@link #SENTENCE} is what the labeler uses; {@link #NEIGHBOURS}
     * is kept for that measurement ({@code Evaluate --context neighbours}).
     */
    public enum Context {
        /** Windows never mix sentences. */
        SENTENCE,
        /** Windows run over the whole value, so a sentence is encoded with its neighbours as context. */
        NEIGHBOURS
    }

    /** Labels in {@link SpanScope#SENTENCE} scope. */
    public List<List<TaggedDocument>> label(List<Document> documents, List<? extends TagHead> heads) {
        return label(documents, heads, SpanScope.SENTENCE);
    }

    /** @return for each head (outer, in the order given), the tagged documents in input order */
    public List<List<TaggedDocument>> label(List<Document> documents, List<? extends TagHead> heads, SpanScope scope) {
        return label(documents, heads, scope, Context.SENTENCE);
    }

    /** @return for each head (outer, in the order given), the tagged documents in input order */
    public List<List<TaggedDocument>> label(List<Document> documents, List<? extends TagHead> heads, SpanScope scope,
                                            Context context) {
        int[][] sentenceStarts = new int[documents.size()][];
        for (int d = 0; d < documents.size(); d++) {
            Document doc = documents.get(d);
            sentenceStarts[d] = SEGMENTER.sentenceStarts(doc.text(), doc.words());
        }
        // logProbs[head][doc][word][tag]
        float[][][][] logProbs = new float[heads.size()][documents.size()][][];
        for (int h = 0; h < heads.size(); h++) {
            for (int d = 0; d < documents.size(); d++) {
                float[][] rows = new float[documents.get(d).words().size()][];
                for (int w = 0; w < rows.length; w++) {
                    rows[w] = noEvidence(heads.get(h).labels());
                }
                logProbs[h][d] = rows;
            }
        }
        encode(documents, context == Context.SENTENCE ? sentenceStarts : new int[documents.size()][], (doc, words, vectors, positions) -> {
            for (int h = 0; h < heads.size(); h++) {
                float[][] logits = heads.get(h).wordLogits(vectors, positions);
                for (int k = 0; k < logits.length; k++) {
                    logProbs[h][doc][words[k]] = logSoftmax(logits[k]);
                }
            }
        });

        List<List<TaggedDocument>> result = new ArrayList<>(heads.size());
        for (int h = 0; h < heads.size(); h++) {
            TagHead head = heads.get(h);
            HeadDecoder decoder = new HeadDecoder(head);
            List<TaggedDocument> tagged = new ArrayList<>(documents.size());
            for (int d = 0; d < documents.size(); d++) {
                float[][] lp = logProbs[h][d];
                int[] tags = decoder.decode(documents.get(d), lp, sentenceStarts[d], scope);
                float[] probs = new float[tags.length];
                for (int w = 0; w < tags.length; w++) {
                    probs[w] = (float) Math.exp(lp[w][tags[w]]);
                }
                tagged.add(new TaggedDocument(documents.get(d), head, tags, probs));
            }
            result.add(tagged);
        }
        return result;
    }

    /**
     * Tokenises, windows and encodes the documents, handing every window's output to {@code sink}. Each word with at
     * least one sub-token is handed over exactly once, from the window where it has the most context.
     */
    public void encode(List<Document> documents, WindowSink sink) {
        encode(documents, null, sink);
    }

    /**
     * @param sentenceStarts per document, the first word of every sentence (windows never cross them); null to find
     *                       them here; a null entry lets that document's windows run across sentences
     */
    private void encode(List<Document> documents, int[][] sentenceStarts, WindowSink sink) {
        Windowing.Plan[] plans = new Windowing.Plan[documents.size()];
        List<Job> jobs = new ArrayList<>();
        for (int d = 0; d < documents.size(); d++) {
            Document doc = documents.get(d);
            List<String> wordTexts = new ArrayList<>(doc.words().size());
            for (Word w : doc.words()) {
                wordTexts.add(WordSplitter.tokenizerText(doc.text(), w));
            }
            int[][] tokens = truncate(tokenizer.tokenize(wordTexts));
            int[] counts = new int[tokens.length];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = tokens[i].length;
            }
            if (sentenceStarts == null) {
                plans[d] = windowing.plan(counts, SEGMENTER.sentenceStarts(doc.text(), doc.words()));
            } else {
                plans[d] = sentenceStarts[d] == null ? windowing.plan(counts) : windowing.plan(counts, sentenceStarts[d]);
            }
            List<Windowing.Window> windows = plans[d].windows();
            for (int w = 0; w < windows.size(); w++) {
                jobs.add(job(d, w, windows.get(w), tokens));
            }
        }
        jobs.sort(Comparator.comparingInt(j -> j.ids().length));
        int from = 0;
        while (from < jobs.size()) {
            int to = from + 1;
            while (to < jobs.size() && (long) jobs.get(to).ids().length * (to - from + 1) <= maxBatchTokens) {
                to++;
            }
            List<Job> batch = jobs.subList(from, to);
            long[][] seqs = new long[batch.size()][];
            for (int b = 0; b < seqs.length; b++) {
                seqs[b] = batch.get(b).ids();
            }
            float[][][] out = encoder.encode(seqs);
            for (int b = 0; b < seqs.length; b++) {
                Job job = batch.get(b);
                deliver(job, out[b], plans[job.doc()], sink);
            }
            from = to;
        }
    }

    private int[][] truncate(int[][] wordTokens) {
        int max = windowing.maxTokens();
        for (int i = 0; i < wordTokens.length; i++) {
            if (wordTokens[i].length > max) {
                wordTokens[i] = Arrays.copyOf(wordTokens[i], max); // only the first sub-token is scored anyway
            }
        }
        return wordTokens;
    }

    private Job job(int doc, int windowIndex, Windowing.Window window, int[][] wordTokens) {
        long[] prefix = tokenizer.prefixIds();
        long[] suffix = tokenizer.suffixIds();
        long[] ids = new long[prefix.length + window.tokenCount() + suffix.length];
        int[] positions = new int[window.endWord() - window.firstWord()];
        System.arraycopy(prefix, 0, ids, 0, prefix.length);
        int p = prefix.length;
        for (int w = window.firstWord(); w < window.endWord(); w++) {
            positions[w - window.firstWord()] = wordTokens[w].length == 0 ? -1 : p;
            for (int id : wordTokens[w]) {
                ids[p++] = id;
            }
        }
        System.arraycopy(suffix, 0, ids, p, suffix.length);
        return new Job(doc, windowIndex, window, ids, positions);
    }

    private static void deliver(Job job, float[][] vectors, Windowing.Plan plan, WindowSink sink) {
        int[] windowOfWord = plan.windowOfWord();
        int n = 0;
        int[] words = new int[job.wordPositions().length];
        int[] positions = new int[job.wordPositions().length];
        for (int k = 0; k < job.wordPositions().length; k++) {
            int w = job.window().firstWord() + k;
            if (windowOfWord[w] == job.windowIndex() && job.wordPositions()[k] >= 0) {
                words[n] = w;
                positions[n] = job.wordPositions()[k];
                n++;
            }
        }
        if (n > 0) {
            sink.accept(job.doc(), Arrays.copyOf(words, n), vectors, Arrays.copyOf(positions, n));
        }
    }

    /** A word with no sub-tokens (e.g. only characters the tokenizer deletes) is outside any span. */
    private static float[] noEvidence(BioLabels labels) {
        float[] row = new float[labels.size()];
        for (int t = 0; t < row.length; t++) {
            row[t] = labels.entityOf(t) == null ? 0f : NO_EVIDENCE;
        }
        return row;
    }

    public static float[] logSoftmax(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : logits) {
            sum += Math.exp(v - max);
        }
        float logSum = (float) (max + Math.log(sum));
        float[] out = new float[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = logits[i] - logSum;
        }
        return out;
    }
}
