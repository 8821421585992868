package org.polyspan.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.polyspan.labeling.BioLabels;
import org.polyspan.labeling.ConllSentence;
import org.polyspan.labeling.LinearHead;
import org.polyspan.labeling.SpanDecoding;
import org.polyspan.labeling.SpanUnits;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TrainHeadTest {
    private static final BioLabels LABELS = new BioLabels(List.of("O", "B-Claim", "I-Claim"));

    /** One sentence whose gold span is the whole sentence; feature 0 marks its first word, feature 1 the rest. */
    private static TrainHead.Features oneClaim() {
        float[][] x = {{1, 0}, {0, 1}, {0, 1}, {0, 1}};
        return TrainHead.Features.of(x, new float[4][2], new int[] {1, 2, 2, 2}, new int[] {0, 4});
    }

    private static List<ConllSentence> sentences() {
        return List.of(new ConllSentence(List.of("Aa", "bb", "cc", "."), List.of("B-Claim", "I-Claim", "I-Claim", "I-Claim"),
                List.of(1, 2, 3, 4)));
    }

    @Test
    void developmentF1DecodesAsTheHeadWill() {
        // the first word is surely B; every other word leans to O (0.6 against 0.4 for I)
        float[][] w = {{0, (float) Math.log(0.6)}, {0, -20}, {-20, (float) Math.log(0.4)}};
        float[] b = {0, 0, 0};
        TrainHead.DevSet words = new TrainHead.DevSet("dev", sentences(), oneClaim(), LABELS, null, SpanDecoding.WORDS);
        assertEquals(0.0, words.f1(w, b, LinearHead.Centering.NONE), 1e-9); // "Aa" alone: a wrong span
        TrainHead.DevSet wholeSentences = new TrainHead.DevSet("dev", sentences(), oneClaim(), LABELS, null,
                new SpanDecoding(SpanUnits.SENTENCES, Float.POSITIVE_INFINITY, 0.5f));
        assertEquals(1.0, wholeSentences.f1(w, b, LinearHead.Centering.NONE), 1e-9);
    }

    @Test
    void keepsTheEpochWithTheBestDevelopmentF1() {
        TrainHead.Features f = oneClaim();
        TrainHead.DevSet dev = new TrainHead.DevSet("dev", sentences(), f, LABELS, null, SpanDecoding.WORDS);
        TrainHead.Trained t = TrainHead.train(LinearHead.Centering.NONE, f, new TrainHead.DevSets(List.of(dev)), LABELS, 40, 0.05, 0, 7);
        assertEquals(1.0, t.devF1(), 1e-9);
        assertEquals(1.0, dev.f1(t.w(), t.b(), LinearHead.Centering.NONE), 1e-9); // the weights kept are the ones scored
        TrainHead.Trained noDev = TrainHead.train(LinearHead.Centering.NONE, f, null, LABELS, 3, 0.05, 0, 7);
        assertEquals(3, noDev.epoch());
        assertEquals(-1, noDev.devF1());
    }

    @Test
    void dumpedFeaturesReadBackRowByRow(@TempDir Path dir) throws Exception {
        TrainHead.dumpFeatures(oneClaim(), dir.resolve("train"));
        FloatBuffer x = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("train.x"))).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        assertEquals(8, x.remaining());
        assertEquals(1f, x.get(0));
        assertEquals(1f, x.get(3)); // the second word's second feature
        assertEquals(List.of("1", "2", "2", "2"), Files.readAllLines(dir.resolve("train.y")));
        assertEquals(List.of("0", "4"), Files.readAllLines(dir.resolve("train.s")));
    }
}
