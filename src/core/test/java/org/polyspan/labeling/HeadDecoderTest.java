package org.polyspan.labeling;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class HeadDecoderTest {
    private static final BioLabels LABELS = new BioLabels(List.of("O", "B-Claim", "I-Claim"));
    private static final int O = 0;
    private static final int B = 1;
    private static final int I = 2;

    /** A head whose only use here is to carry labels, prior and decoding: the decoder never calls its logits. */
    private static TagHead head(SpanDecoding decoding) {
        return new LinearHead("claim", LABELS, new float[3][1], new float[3], LinearHead.Centering.NONE, null, decoding);
    }

    private static float[] row(double o, double b, double i) {
        return new float[] {(float) Math.log(o), (float) Math.log(b), (float) Math.log(i)};
    }

    @Test
    void sentenceScopeStartsASpanAgainInTheNextSentence() {
        Document doc = Document.of("Aa bb . Cc dd");
        int[] starts = {0, 3};
        // every word leans to I: in one sequence it is one span; per sentence the second must open with B
        float[][] lp = {row(0.1, 0.5, 0.4), row(0.1, 0.3, 0.6), row(0.1, 0.3, 0.6), row(0.1, 0.3, 0.6), row(0.1, 0.3, 0.6)};
        HeadDecoder decoder = new HeadDecoder(head(SpanDecoding.WORDS));
        assertArrayEquals(new int[] {B, I, I, I, I}, decoder.decode(doc, lp, starts, SpanScope.FIELD));
        assertArrayEquals(new int[] {B, I, I, B, I}, decoder.decode(doc, lp, starts, SpanScope.SENTENCE));
    }

    @Test
    void outsidePenaltyAndSentenceUnitsDecideWholeSentences() {
        Document doc = Document.of("Aa bb . Cc dd");
        int[] starts = {0, 3};
        // sentence one leans to a span only at its first word; sentence two leans to O at every word but narrowly
        float[][] lp = {row(0.2, 0.7, 0.1), row(0.6, 0.1, 0.3), row(0.6, 0.1, 0.3), row(0.45, 0.1, 0.45), row(0.45, 0.1, 0.45)};
        HeadDecoder words = new HeadDecoder(head(SpanDecoding.WORDS));
        assertArrayEquals(new int[] {B, O, O, O, O}, words.decode(doc, lp, starts, SpanScope.SENTENCE));
        HeadDecoder sentences = new HeadDecoder(head(new SpanDecoding(SpanUnits.SENTENCES, Float.POSITIVE_INFINITY)));
        assertArrayEquals(new int[] {O, O, O, O, O}, sentences.decode(doc, lp, starts, SpanScope.SENTENCE));
        // a penalty of 1 per word left outside tips both sentences into whole spans
        HeadDecoder taxed = new HeadDecoder(head(new SpanDecoding(SpanUnits.SENTENCES, Float.POSITIVE_INFINITY, 1f)));
        assertArrayEquals(new int[] {B, I, I, B, I}, taxed.decode(doc, lp, starts, SpanScope.SENTENCE));
    }
}
