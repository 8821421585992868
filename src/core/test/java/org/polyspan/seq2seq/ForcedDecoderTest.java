package org.polyspan.seq2seq;

import org.junit.jupiter.api.Test;
import org.polyspan.TinyModels;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Teacher-forced scoring on the tiny M2M100-style export: splitting the rows over many decoder calls, padding rows
 * next to longer ones, and sharing an encoded input among rows must not change any log-probability.
 */
class ForcedDecoderTest {
    private static final int PAD = 1;
    private static final int EOS = 2;
    // tiny-m2m100: eng_Latn 508, spa_Latn 509; other ids are ordinary pieces

    static Path dir() {
        return TinyModels.fixture("tiny-m2m100", "config.json");
    }

    @Test
    void batchingAndSplittingChangeNothing() throws Exception {
        try (OnnxSeq2SeqModel model = new OnnxSeq2SeqModel(dir(), false, 1)) {
            ForcedDecoder whole = new ForcedDecoder(model, PAD);
            ForcedDecoder rowByRow = new ForcedDecoder(model, PAD, 1);
            int[][] inputs = {{508, 27, 19, EOS}, {508, 24, 25, 31, 32, 30, EOS}, {509, 69, EOS}};
            int[][] outputs = {{EOS, 509, 69}, {EOS, 509, 50, 70, 71, 77, 78}, {EOS, 508, 27, 19}, {EOS, 509, 160}};
            int[] rows = {0, 1, 2, 0};
            int[][] labels = new int[outputs.length][];
            for (int r = 0; r < outputs.length; r++) {
                labels[r] = new int[outputs[r].length];
                System.arraycopy(outputs[r], 1, labels[r], 0, outputs[r].length - 1);
                labels[r][labels[r].length - 1] = EOS;
            }
            double[][] batched = whole.logProbs(whole.encode(inputs), rows, outputs, labels);
            double[][] split = rowByRow.logProbs(rowByRow.encode(inputs), rows, outputs, labels);
            for (int r = 0; r < outputs.length; r++) {
                // each row alone: its own input encoded alone, no padding anywhere
                double[][] alone = whole.logProbs(whole.encode(new int[][] {inputs[rows[r]]}), new int[] {0},
                        new int[][] {outputs[r]}, new int[][] {labels[r]});
                assertEquals(labels[r].length, batched[r].length);
                for (int t = 0; t < labels[r].length; t++) {
                    assertTrue(batched[r][t] < 0, "a log-probability");
                    assertEquals(alone[0][t], batched[r][t], 1e-4, "row " + r + " position " + t + " batched vs alone");
                    assertEquals(batched[r][t], split[r][t], 1e-5, "row " + r + " position " + t + " one call vs many");
                }
            }
        }
    }
}
