package org.polyspan.onnx;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import org.polyspan.labeling.SubwordTokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@code tokenizer.json} (Hugging Face tokenizers) run on pre-split words, so each sub-token is known to belong to
 * exactly one word. Special tokens are read off an empty encoding, which works for BERT and XLM-R alike.
 */
public final class HuggingFaceSubwordTokenizer implements SubwordTokenizer {
    /** Words per native call: bounds the size of a single call for very long fields. */
    private static final int CHUNK = 4096;

    private final HuggingFaceTokenizer tokenizer;
    private final long[] prefix;
    private final long[] suffix;
    private final long padId;

    public HuggingFaceSubwordTokenizer(Path tokenizerJson, long padId) throws IOException {
        this.tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson,
                Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false", "modelMaxLength", "1000000000"));
        long[] ids;
        long[] wordIds;
        try {
            Encoding framed = tokenizer.encode(new String[] {"x"}, true, false);
            ids = framed.getIds();
            wordIds = framed.getWordIds();
        } catch (RuntimeException | Error e) {
            tokenizer.close(); // nobody else holds the native tokenizer to close it later
            throw e;
        }
        List<Long> before = new ArrayList<>();
        List<Long> after = new ArrayList<>();
        boolean seenWord = false;
        for (int i = 0; i < ids.length; i++) {
            if (wordIds[i] >= 0) {
                seenWord = true;
            } else if (seenWord) {
                after.add(ids[i]);
            } else {
                before.add(ids[i]);
            }
        }
        this.prefix = before.stream().mapToLong(Long::longValue).toArray();
        this.suffix = after.stream().mapToLong(Long::longValue).toArray();
        this.padId = padId;
    }

    @Override
    public int[][] tokenize(List<String> words) {
        int[][] out = new int[words.size()][];
        for (int from = 0; from < words.size(); from += CHUNK) {
            int to = Math.min(words.size(), from + CHUNK);
            String[] chunk = words.subList(from, to).toArray(new String[0]);
            Encoding enc = tokenizer.encode(chunk, false, false);
            long[] ids = enc.getIds();
            long[] wordIds = enc.getWordIds();
            int[] counts = new int[chunk.length];
            for (long w : wordIds) {
                if (w >= 0) {
                    counts[(int) w]++;
                }
            }
            int[][] part = new int[chunk.length][];
            for (int i = 0; i < chunk.length; i++) {
                part[i] = new int[counts[i]];
                counts[i] = 0;
            }
            for (int i = 0; i < ids.length; i++) {
                int w = (int) wordIds[i];
                if (w >= 0) {
                    part[w][counts[w]++] = (int) ids[i];
                }
            }
            System.arraycopy(part, 0, out, from, part.length);
        }
        return out;
    }

    @Override
    public long[] prefixIds() {
        return prefix.clone();
    }

    @Override
    public long[] suffixIds() {
        return suffix.clone();
    }

    @Override
    public long padId() {
        return padId;
    }

    /** Plain encoding of a text with special tokens, for checks against reference tokenizations. */
    public long[] encodeText(String text) {
        return tokenizer.encode(text, true, false).getIds();
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
