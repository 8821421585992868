package org.polyspan.seq2seq;

import org.junit.jupiter.api.Test;
import org.polyspan.labeling.Document;
import org.polyspan.labeling.Span;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How {@link Seq2SeqLabeler} groups windows: batches respect both limits, every window is decoded exactly once, and the
 * spans do not depend on the grouping (scripted scores, no model).
 */
class Seq2SeqBatchingTest {
    private static final List<String> LABELS = List.of("PER", "ORG", "LOC");

    /** Records the inputs of every batch; decodes through the scripted source. */
    private static final class RecordingSource implements LogitsSource {
        final ScriptedModels.ScriptedSource inner;
        final List<int[][]> batches = new ArrayList<>();

        RecordingSource(long seed) {
            this.inner = new ScriptedModels.ScriptedSource(ConstrainedDecodingPropertyTest.VOCAB, (input, prefix) -> {
                Random r = new Random(seed ^ (31L * java.util.Arrays.hashCode(input) + prefix.hashCode()));
                float[] out = new float[ConstrainedDecodingPropertyTest.VOCAB];
                for (int i = 0; i < out.length; i++) {
                    out[i] = (float) r.nextGaussian() * 3;
                }
                return out;
            });
        }

        @Override
        public Session open(int[] inputIds) {
            batches.add(new int[][] {inputIds});
            return inner.open(inputIds);
        }

        @Override
        public BatchSession openBatch(int[][] inputIds) {
            batches.add(inputIds);
            return inner.openBatch(inputIds);
        }
    }

    @Test
    void batchesRespectBothLimitsAndLeaveTheSpansUnchanged() {
        StringBuilder text = new StringBuilder();
        Random rnd = new Random(7);
        String[] words = {"Angela", "Merkel", "met", "Obama", "in", "Berlin", "Москва", "北京", "القاهرة", "und", "Zürich"};
        for (int s = 0; s < 40; s++) {
            int n = 2 + rnd.nextInt(s % 7 == 0 ? 30 : 8); // mostly short sentences, a few longer than a window
            for (int w = 0; w < n; w++) {
                text.append(w == 0 ? "X" : "").append(words[rnd.nextInt(words.length)]).append(' ');
            }
            text.append(". ");
        }
        List<Document> docs = List.of(Document.of(text.toString()), Document.of("Angela Merkel met Obama."), Document.of(" "));
        ScriptedModels.PieceTokenizer tok = new ScriptedModels.PieceTokenizer(ConstrainedDecodingPropertyTest.VOCAB);
        Seq2SeqLabeler.Options options = new Seq2SeqLabeler.Options(LABELS, Seq2SeqLabeler.Options.defaultOpenTags(LABELS),
                Seq2SeqLabeler.Options.defaultCloseTags(LABELS), "", 3, 1.0, 24, ScriptedModels.PAD, ScriptedModels.EOS);

        RecordingSource alone = new RecordingSource(11);
        List<List<Seq2SeqLabeler.Decoded>> reference = new Seq2SeqLabeler(tok, alone, options, 1, Integer.MAX_VALUE).decodeAll(docs);
        int windows = reference.stream().mapToInt(List::size).sum();
        assertEquals(windows, alone.batches.size(), "one window per call when batches hold one window");
        assertTrue(windows > 40, "sentences and long-sentence windows: " + windows);

        for (int[] limits : new int[][] {{4, Integer.MAX_VALUE}, {16, 100}, {64, 60}, {1000, 1000}}) {
            RecordingSource source = new RecordingSource(11);
            List<List<Seq2SeqLabeler.Decoded>> got = new Seq2SeqLabeler(tok, source, options, limits[0], limits[1]).decodeAll(docs);
            int decoded = 0;
            for (int[][] batch : source.batches) {
                int longest = 0;
                for (int[] in : batch) {
                    longest = Math.max(longest, in.length);
                }
                assertTrue(batch.length <= limits[0], "at most " + limits[0] + " windows, got " + batch.length);
                assertTrue(batch.length == 1 || batch.length * longest <= limits[1],
                        "padded tokens " + batch.length * longest + " within " + limits[1]);
                decoded += batch.length;
            }
            assertEquals(windows, decoded, "every window decoded once with limits " + limits[0] + "/" + limits[1]);
            assertTrue(source.batches.size() < windows, "windows share batches with limits " + limits[0] + "/" + limits[1]);
            for (int d = 0; d < docs.size(); d++) {
                assertEquals(reference.get(d).size(), got.get(d).size());
                for (int w = 0; w < got.get(d).size(); w++) {
                    assertEquals(reference.get(d).get(w).spans(), got.get(d).get(w).spans());
                    assertEquals(java.util.Arrays.toString(reference.get(d).get(w).result().tokens()),
                            java.util.Arrays.toString(got.get(d).get(w).result().tokens()));
                }
            }
        }
        List<Span> spans = new Seq2SeqLabeler(tok, new RecordingSource(11), options).label(docs.get(0), "default");
        assertFalse(spans.isEmpty(), "random scores open some tags");
    }
}
