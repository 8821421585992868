package org.polyspan.tools;

import org.junit.jupiter.api.Test;
import org.polyspan.labeling.LinearHead;
import org.polyspan.model.HeadFiles;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The opt-in heads of {@code models/extra-heads} read as a node reads a head, with the decoding they were chosen with. */
class ExtraHeadsTest {

    @Test
    void nerAfricaReadsAsTheDefaultModelsHeads() throws Exception {
        Path json = ReadmeLayoutTest.repositoryRoot().resolve("models/extra-heads/ner_africa.json");
        LinearHead head = HeadFiles.read(json);
        assertEquals(List.of("O", "B-ORG", "I-ORG", "B-MISC", "I-MISC", "B-PER", "I-PER", "B-LOC", "I-LOC"), head.labels().tags());
        assertEquals(3072, head.weights()[0].length); // mBERT layers 9-12, as the default model's encoder emits them
        assertEquals(0.5f, head.decoding().outsidePenalty()); // chosen on MasakhaNER development data
        assertEquals(LinearHead.Centering.NONE, head.centering());
    }
}
