package org.polyspan.translation;

import org.polyspan.seq2seq.ForcedDecoder;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * NMTScore's direct translation score, normalised and in both directions, as T-Projection ranks its candidates
 * (a = source span in language A, b = target candidate in language B):
 * <pre>
 *   P(y | x)    = 2 ^ -(mean natural-log cross-entropy of y's tokens and &lt;/s&gt;, forced decoding, language code excluded)
 *   score(a, b) = ( P(a | b) / P(a | a)  +  P(b | a) / P(b | b) ) / 2
 * </pre>
 * The base 2 over a natural-log loss is NMTScore's own and is kept so that scores equal the reference's. Batched:
 * every distinct span and every distinct candidate is encoded once, and each of the four likelihoods is one batch
 * of forced decodings.
 */
public final class NmtScorer {
    private static final double LN2 = Math.log(2);

    private final TranslationModel model;
    private final int aLang;
    private final int bLang;

    /** The four likelihoods behind one score. */
    public record Likelihoods(double pab, double paa, double pba, double pbb) {
        public double score() {
            return (pab / paa + pba / pbb) / 2;
        }
    }

    /**
     * @param aLang token id of the source spans' language code
     * @param bLang token id of the candidates' language code
     */
    public NmtScorer(TranslationModel model, int aLang, int bLang) {
        this.model = model;
        this.aLang = aLang;
        this.bLang = bLang;
    }

    /** Scores per span, one per candidate of that span. */
    public double[][] score(List<String> spans, List<List<String>> candidates) {
        Likelihoods[][] l = likelihoods(spans, candidates);
        double[][] out = new double[l.length][];
        for (int s = 0; s < l.length; s++) {
            out[s] = new double[l[s].length];
            for (int c = 0; c < l[s].length; c++) {
                out[s][c] = l[s][c].score();
            }
        }
        return out;
    }

    public Likelihoods[][] likelihoods(List<String> spans, List<List<String>> candidates) {
        if (spans.size() != candidates.size()) {
            throw new IllegalArgumentException(spans.size() + " spans but " + candidates.size() + " candidate lists");
        }
        Map<String, Integer> aIndex = new LinkedHashMap<>();
        Map<String, Integer> bIndex = new LinkedHashMap<>();
        for (int s = 0; s < spans.size(); s++) {
            aIndex.putIfAbsent(spans.get(s), aIndex.size());
            for (String b : candidates.get(s)) {
                bIndex.putIfAbsent(b, bIndex.size());
            }
        }
        Likelihoods[][] out = new Likelihoods[spans.size()][];
        if (bIndex.isEmpty()) {
            for (int s = 0; s < out.length; s++) {
                out[s] = new Likelihoods[0];
            }
            return out;
        }
        int[][] aTokens = tokens(aIndex);
        int[][] bTokens = tokens(bIndex);
        ForcedDecoder decoder = model.decoder();
        ForcedDecoder.Encoded aEncoded = decoder.encode(inputs(aTokens, aLang));
        ForcedDecoder.Encoded bEncoded = decoder.encode(inputs(bTokens, bLang));
        double[] paa = likelihoods(aEncoded, identity(aTokens.length), aTokens, aLang);
        double[] pbb = likelihoods(bEncoded, identity(bTokens.length), bTokens, bLang);

        List<Integer> rowA = new ArrayList<>();
        List<Integer> rowB = new ArrayList<>();
        for (int s = 0; s < spans.size(); s++) {
            for (String b : candidates.get(s)) {
                rowA.add(aIndex.get(spans.get(s)));
                rowB.add(bIndex.get(b));
            }
        }
        int n = rowA.size();
        int[] encA = new int[n];
        int[] encB = new int[n];
        int[][] outA = new int[n][];
        int[][] outB = new int[n][];
        for (int r = 0; r < n; r++) {
            encA[r] = rowA.get(r);
            encB[r] = rowB.get(r);
            outA[r] = aTokens[encA[r]];
            outB[r] = bTokens[encB[r]];
        }
        double[] pba = likelihoods(aEncoded, encA, outB, bLang);  // candidate given span
        double[] pab = likelihoods(bEncoded, encB, outA, aLang);  // span given candidate
        int r = 0;
        for (int s = 0; s < spans.size(); s++) {
            out[s] = new Likelihoods[candidates.get(s).size()];
            for (int c = 0; c < out[s].length; c++, r++) {
                out[s][c] = new Likelihoods(pab[r], paa[encA[r]], pba[r], pbb[encB[r]]);
            }
        }
        return out;
    }

    private int[][] tokens(Map<String, Integer> index) {
        int[][] out = new int[index.size()][];
        for (Map.Entry<String, Integer> e : index.entrySet()) {
            out[e.getValue()] = model.tokens(e.getKey());
        }
        return out;
    }

    /** {@code <lang> tokens </s>} per text. */
    private int[][] inputs(int[][] tokens, int lang) {
        int[][] out = new int[tokens.length][];
        for (int i = 0; i < tokens.length; i++) {
            out[i] = new int[tokens[i].length + 2];
            out[i][0] = lang;
            System.arraycopy(tokens[i], 0, out[i], 1, tokens[i].length);
            out[i][out[i].length - 1] = model.eos();
        }
        return out;
    }

    /** P(output | encoded row) per row: decoder input {@code <start> <lang> y}, labels {@code <lang> y </s>}. */
    private double[] likelihoods(ForcedDecoder.Encoded encoded, int[] encoderRows, int[][] outputs, int lang) {
        int n = outputs.length;
        int[][] decoderInputs = new int[n][];
        int[][] labels = new int[n][];
        for (int i = 0; i < n; i++) {
            int len = outputs[i].length + 2;
            decoderInputs[i] = new int[len];
            labels[i] = new int[len];
            decoderInputs[i][0] = model.decoderStart();
            decoderInputs[i][1] = lang;
            labels[i][0] = lang;
            System.arraycopy(outputs[i], 0, decoderInputs[i], 2, outputs[i].length);
            System.arraycopy(outputs[i], 0, labels[i], 1, outputs[i].length);
            labels[i][len - 1] = model.eos();
        }
        double[][] lp = model.decoder().logProbs(encoded, encoderRows, decoderInputs, labels);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int t = 1; t < lp[i].length; t++) {  // the forced language code is not scored
                sum += lp[i][t];
            }
            out[i] = Math.exp(LN2 * sum / (lp[i].length - 1));
        }
        return out;
    }

    private static int[] identity(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }
}
