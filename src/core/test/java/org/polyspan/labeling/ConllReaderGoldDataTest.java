package org.polyspan.labeling;

import org.junit.jupiter.api.Test;
import org.polyspan.GoldData;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The reader on real gold files of {@code ../shared/data} (skipped, naming the file, when it is missing; required by
 * run-tests.sh and CI). The expected sentence, token and entity counts are those the evaluation read before the
 * reader and the chunker were unified, so IOB2 evaluation figures do not move.
 */
class ConllReaderGoldDataTest {

    private static void assertCounts(String file, ConllReader.Columns columns, int sentences, int tokens, Map<String, Integer> entities)
            throws Exception {
        Path path = GoldData.file(file);
        List<ConllSentence> read = new ConllReader(Map.of(), Set.of(), columns).read(path);
        Map<String, Integer> counted = new TreeMap<>();
        int tokenCount = 0;
        for (ConllSentence s : read) {
            tokenCount += s.tokens().size();
            TagChunker.chunks(s.tags()).forEach(c -> counted.merge(c.type(), 1, Integer::sum));
        }
        assertEquals(sentences, read.size(), file);
        assertEquals(tokens, tokenCount, file);
        assertEquals(new TreeMap<>(entities), counted, file);
        // writing IOB2 never changes the spans the file's own tags form
        String text = new String(Files.readAllBytes(path), StandardCharsets.UTF_8);
        List<ConllSentence> raw = ConllReader.parse(text, columns);
        assertEquals(read.size(), raw.size(), file);
        for (int i = 0; i < raw.size(); i++) {
            assertEquals(TagChunker.chunks(raw.get(i).tags()), TagChunker.chunks(read.get(i).tags()), file + " sentence " + i);
        }
    }

    @Test
    void conll2003EnglishTest() throws Exception {
        assertCounts("ner/conll2003/en.conll.test.tsv", ConllReader.Columns.LAST_TWO, 3453, 46435,
                Map.of("LOC", 1668, "MISC", 702, "ORG", 1661, "PER", 1617));
    }

    /** 52 stray I- tags over MasakhaNER's splits: each starts an entity, as seqeval reads it. */
    @Test
    void masakhanerYorubaTrainWithStrayInsideTags() throws Exception {
        assertCounts("ner/masakhaner2/yor/train.txt", ConllReader.Columns.LAST_TWO, 6876, 175835,
                Map.of("DATE", 1702, "LOC", 3890, "ORG", 2313, "PER", 3686));
    }

    @Test
    void wikineuralEnglishTestWithAnIndexColumn() throws Exception {
        assertCounts("ner/wikineural/en/test.conllu", ConllReader.Columns.LAST_TWO, 11597, 267155,
                Map.of("LOC", 5955, "MISC", 5061, "ORG", 3449, "PER", 5210));
    }

    @Test
    void absaProjectionWithAQualityColumn() throws Exception {
        assertCounts("projection/absa_ote/manual_projections/en2es/DeepL.Iker.test.tsv", ConllReader.Columns.FIRST_TWO, 676, 9058,
                Map.of("TARGET", 605));
    }
}
