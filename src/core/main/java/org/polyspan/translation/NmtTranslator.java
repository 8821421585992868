package org.polyspan.translation;

import org.polyspan.seq2seq.BeamSearch;
import org.polyspan.seq2seq.LogitsSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Translation with an installed M2M100 / NLLB model ({@link TranslationModel}), generated as their Hugging Face
 * {@code generate} does: the input is {@code <src_lang> tokens </s>}, decoding starts from {@code decoder_start_token_id}
 * ({@code </s>}) and the target language code is forced as the first output token; then an unconstrained
 * {@link BeamSearch} with the model's {@code num_beams} and {@code length_penalty} and the key/value cache of
 * {@code decoder_with_past_model.onnx}. The output tokens are turned into text by the tokenizer's decoder, special
 * tokens removed.
 *
 * <p>Texts are translated in batches of similar length: one encoder call per batch and one decoder call per step for
 * the beams of all its texts; each text's output is the one it gets alone.</p>
 */
public final class NmtTranslator implements Translator {
    /** Texts per batch: the decoder's rows are texts x beams, and its cache grows with rows x output length. */
    static final int BATCH = 8;

    private final TranslationModel model;

    public NmtTranslator(TranslationModel model) {
        this.model = model;
    }

    @Override
    public String name() {
        return model.id();
    }

    @Override
    public boolean supports(String source, String target) {
        try {
            model.languageToken(source);
            model.languageToken(target);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public List<String> directions() {
        return List.of("any two of " + model.languages().codes());
    }

    /** One translation: output tokens (forced language code first, EOS last when reached), their score, the text. */
    public record Output(int[] tokens, double score, double sumLogProb, String text) {}

    @Override
    public List<String> translate(List<String> texts, String source, String target) throws TranslationException {
        List<String> out = new ArrayList<>(texts.size());
        for (Output o : generate(texts, source, target)) {
            out.add(o.text());
        }
        return out;
    }

    /** Encoder tokens of a text as translated: language code, sub-tokens, EOS. */
    public int inputTokens(String text) {
        return model.tokens(text).length + 2;
    }

    /** The most encoder tokens a text may have ({@code max_position_embeddings}). */
    public int maxInputTokens() {
        return model.generation().maxInputTokens();
    }

    /** Translates the texts, keeping the tokens and scores; {@link TranslationException} for an unknown language or too long a text. */
    public List<Output> generate(List<String> texts, String source, String target) throws TranslationException {
        int sourceCode;
        int targetCode;
        try {
            sourceCode = model.languageToken(source);
            targetCode = model.languageToken(target);
        } catch (IllegalArgumentException e) {
            throw new TranslationException(model.id() + ": " + e.getMessage(), e);
        }
        TranslationModel.Generation g = model.generation();
        int[][] inputs = new int[texts.size()][];
        for (int i = 0; i < texts.size(); i++) {
            int[] tokens = model.tokens(texts.get(i));
            int[] input = new int[tokens.length + 2];
            input[0] = sourceCode;
            System.arraycopy(tokens, 0, input, 1, tokens.length);
            input[input.length - 1] = model.eos();
            if (input.length > g.maxInputTokens()) {
                throw new TranslationException(model.id() + ": text [" + i + "] has " + input.length + " tokens; the model takes at most "
                        + g.maxInputTokens() + " (translate it sentence by sentence)");
            }
            inputs[i] = input;
        }
        // batches of similar length waste less padding
        Integer[] order = new Integer[inputs.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingInt(i -> inputs[i].length));
        BeamSearch search = new BeamSearch(g.numBeams(), g.lengthPenalty(), model.decoderStart());
        Output[] outputs = new Output[inputs.length];
        for (int from = 0; from < order.length; from += BATCH) {
            int n = Math.min(BATCH, order.length - from);
            int[][] batch = new int[n][];
            int[] maxLengths = new int[n];
            for (int k = 0; k < n; k++) {
                batch[k] = inputs[order[from + k]];
                maxLengths[k] = Math.max(2, g.maxOutputTokens(batch[k].length - 2));
            }
            List<BeamSearch.Result> results;
            try (LogitsSource.BatchSession session = model.onnx().openBatch(batch)) {
                results = search.searchUnconstrainedBatch(session, model.eos(), maxLengths, new int[] {targetCode});
            } catch (RuntimeException e) {
                throw new TranslationException(model.id() + " failed to translate: " + e.getMessage(), e);
            }
            for (int k = 0; k < n; k++) {
                BeamSearch.Result r = results.get(k);
                outputs[order[from + k]] = new Output(r.tokens(), r.score(), r.sumLogProb(), model.decode(r.tokens()));
            }
        }
        return List.of(outputs);
    }
}
