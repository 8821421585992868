package org.polyspan.seq2seq;

import org.polyspan.labeling.SubwordTokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** A fake SentencePiece-like tokenizer and a scripted logits source, for tests without a model. */
final class ScriptedModels {
    static final int PAD = 0;
    static final int EOS = 1;
    static final int UNK = 2;

    private ScriptedModels() {}

    /**
     * Cuts each word into pieces of 1-3 code points (the length depends on the word's hash, so a word is always cut the
     * same way); the first piece carries the {@code ▁} prefix. Ids are assigned on first sight, below {@code capacity}.
     */
    static final class PieceTokenizer implements SubwordTokenizer {
        final Map<String, Integer> vocab = new HashMap<>();
        final List<String> pieces = new ArrayList<>(List.of("<pad>", "</s>", "<unk>"));
        final int capacity;

        PieceTokenizer(int capacity) {
            this.capacity = capacity;
            for (int i = 0; i < pieces.size(); i++) {
                vocab.put(pieces.get(i), i);
            }
        }

        int id(String piece) {
            Integer id = vocab.get(piece);
            if (id == null) {
                if (pieces.size() >= capacity) {
                    throw new IllegalStateException("vocabulary full");
                }
                id = pieces.size();
                vocab.put(piece, id);
                pieces.add(piece);
            }
            return id;
        }

        int[] word(String w) {
            List<Integer> ids = new ArrayList<>();
            int[] cps = w.codePoints().toArray();
            int size = 1 + Math.floorMod(w.hashCode(), 3);
            for (int i = 0; i < cps.length; i += size) {
                String piece = new String(cps, i, Math.min(size, cps.length - i));
                ids.add(id(i == 0 ? "\u2581" + piece : piece));
            }
            return ids.stream().mapToInt(Integer::intValue).toArray();
        }

        @Override
        public int[][] tokenize(List<String> words) {
            int[][] out = new int[words.size()][];
            for (int i = 0; i < out.length; i++) {
                out[i] = word(words.get(i));
            }
            return out;
        }

        @Override
        public long[] prefixIds() {
            return new long[0];
        }

        @Override
        public long[] suffixIds() {
            return new long[] {EOS};
        }

        @Override
        public long padId() {
            return PAD;
        }
    }

    /** Scores each prefix with a function of (input, prefix); keeps prefixes per row like a key/value cache would. */
    static final class ScriptedSource implements LogitsSource {
        final int vocabSize;
        final ScoreFunction scores;
        long rows;

        interface ScoreFunction {
            float[] score(int[] input, List<Integer> prefix);
        }

        ScriptedSource(int vocabSize, ScoreFunction scores) {
            this.vocabSize = vocabSize;
            this.scores = scores;
        }

        @Override
        public Session open(int[] inputIds) {
            return new Session() {
                List<List<Integer>> prefixes = List.of();

                @Override
                public float[][] step(int[] parents, int[] tokens) {
                    List<List<Integer>> next = new ArrayList<>();
                    float[][] out = new float[tokens.length][];
                    for (int i = 0; i < tokens.length; i++) {
                        List<Integer> p = new ArrayList<>(parents[i] < 0 ? List.of() : prefixes.get(parents[i]));
                        p.add(tokens[i]);
                        next.add(p);
                        out[i] = scores.score(inputIds, p);
                        if (out[i].length != vocabSize) {
                            throw new IllegalStateException();
                        }
                        rows++;
                    }
                    prefixes = next;
                    return out;
                }

                @Override
                public int vocabSize() {
                    return vocabSize;
                }
            };
        }
    }

    static Function<Integer, Integer> identity() {
        return x -> x;
    }
}
