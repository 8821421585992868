package org.polyspan.onnx;

import ai.djl.sentencepiece.SpProcessor;
import ai.djl.sentencepiece.SpTokenizer;
import org.polyspan.labeling.SubwordTokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A SentencePiece {@code .model} file (mT5's {@code spiece.model}, say) read by the SentencePiece library through DJL.
 * Each word is encoded on its own, so its first piece carries {@code ▁} as in a pre-split input; sequences end with
 * the model's EOS id, which SentencePiece never emits for text.
 */
public final class SentencePieceSubwordTokenizer implements SubwordTokenizer {
    private final SpTokenizer tokenizer;
    private final SpProcessor processor;
    private final long[] suffix;
    private final long padId;

    public SentencePieceSubwordTokenizer(Path model, long eosId, long padId) throws IOException {
        try {
            this.tokenizer = new SpTokenizer(model);
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot read SentencePiece model " + model.getFileName() + ": " + e.getMessage(), e);
        }
        this.processor = tokenizer.getProcessor();
        this.suffix = new long[] {eosId};
        this.padId = padId;
    }

    @Override
    public int[][] tokenize(List<String> words) {
        int[][] out = new int[words.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = processor.encode(words.get(i));
        }
        return out;
    }

    @Override
    public long[] prefixIds() {
        return new long[0];
    }

    @Override
    public long[] suffixIds() {
        return suffix.clone();
    }

    @Override
    public long padId() {
        return padId;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
