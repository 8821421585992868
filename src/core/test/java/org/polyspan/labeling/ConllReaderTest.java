package org.polyspan.labeling;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConllReaderTest {

    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, content, StandardCharsets.UTF_8);
        return f;
    }

    @Test
    void twoColumnsWithDocstartAndBlankLines() throws IOException {
        Path f = write("a.conll", "-DOCSTART- O\n\nAngela B-PER\nMerkel I-PER\nspoke O\n.\tO\n\n\n\nIn O\nParis B-LOC\n");
        ConllReader reader = new ConllReader(Map.of(), Set.of());
        List<ConllSentence> s = reader.read(f);
        assertEquals(2, s.size());
        assertEquals(List.of("Angela", "Merkel", "spoke", "."), s.get(0).tokens());
        assertEquals(List.of("B-PER", "I-PER", "O", "O"), s.get(0).tags());
        assertEquals(List.of("In", "Paris"), s.get(1).tokens());
        assertEquals(List.of("O", "B-LOC"), s.get(1).tags());
    }

    @Test
    void crlfAndThreeColumns() throws IOException {
        Path f = write("b.tsv", "1\tJohn\tB-PER\r\n2\tSmith\tI-PER\r\n3\tlives\tO\r\n\r\n1\tin\tO\r\n2\tNew\tB-LOC\r\n3\tYork\tI-LOC\r\n");
        List<ConllSentence> s = new ConllReader(Map.of(), Set.of()).read(f);
        assertEquals(2, s.size());
        assertEquals(List.of("John", "Smith", "lives"), s.get(0).tokens());
        assertEquals(List.of("B-PER", "I-PER", "O"), s.get(0).tags());
        assertEquals(List.of("O", "B-LOC", "I-LOC"), s.get(1).tags());
        for (ConllSentence sentence : s) {
            for (String t : sentence.tokens()) {
                assertTrue(!t.contains("\r"), t);
            }
            for (String t : sentence.tags()) {
                assertTrue(!t.contains("\r"), t);
            }
        }
    }

    @Test
    void brokenUtf8IsReplacedAndCounted() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes("Z".getBytes(StandardCharsets.UTF_8));
        bytes.write(0xC3); // a lead byte with no continuation
        bytes.writeBytes("rich B-LOC\nStraße O\n".getBytes(StandardCharsets.UTF_8));
        Path f = dir.resolve("c.conll");
        Files.write(f, bytes.toByteArray());
        ConllReader reader = new ConllReader(Map.of(), Set.of());
        List<ConllSentence> s = reader.read(f);
        assertEquals(List.of("Z\uFFFDrich", "Straße"), s.get(0).tokens());
        assertEquals(List.of("B-LOC", "O"), s.get(0).tags());
        assertTrue(reader.report().contains("malformed-utf8 lines: 1"), reader.report());
    }

    @Test
    void strayInsideTagsAreRepairedAsSeqevalReadsThem() throws IOException {
        Path f = write("d.conll", "a I-PER\nb I-PER\nc O\nd I-LOC\ne B-ORG\nf I-LOC\ng I-LOC\n");
        ConllReader reader = new ConllReader(Map.of(), Set.of());
        List<ConllSentence> s = reader.read(f);
        assertEquals(List.of("B-PER", "I-PER", "O", "B-LOC", "B-ORG", "B-LOC", "I-LOC"), s.get(0).tags());
        assertTrue(reader.report().contains("entities opened by an I-/E-/L- tag (IOB1 or stray): 3"), reader.report());
        assertTrue(reader.repaired());
        // the repair does not change the spans
        assertEquals(TagChunker.chunks(List.of("I-PER", "I-PER", "O", "I-LOC", "B-ORG", "I-LOC", "I-LOC")),
                TagChunker.chunks(s.get(0).tags()));
    }

    /** BIOES and BILOU files: E-/L- end an entity (they were read as B- and split it in two), S-/U- are one word. */
    @Test
    void bioesAndBilouFilesGiveWholeEntities() throws IOException {
        Path bioes = write("bioes.conll", "Angela B-PER\nDorothea I-PER\nMerkel E-PER\nin O\nBerlin S-LOC\nund O\nBonn S-LOC\n");
        assertEquals(List.of("B-PER", "I-PER", "I-PER", "O", "B-LOC", "O", "B-LOC"),
                new ConllReader(Map.of(), Set.of()).read(bioes).get(0).tags());
        Path bilou = write("bilou.conll", "New B-LOC\nYork L-LOC\nand O\nRome U-LOC\nParis U-LOC\n");
        assertEquals(List.of("B-LOC", "I-LOC", "O", "B-LOC", "B-LOC"), new ConllReader(Map.of(), Set.of()).read(bilou).get(0).tags());
    }

    @Test
    void unknownTagsAreReadAsOAndCounted() throws IOException {
        ConllReader reader = new ConllReader(Map.of(), Set.of());
        List<ConllSentence> s = reader.read(write("u.conll", "a B-PER\nb PER\nc I-PER\n"));
        assertEquals(List.of("B-PER", "O", "B-PER"), s.get(0).tags());
        assertTrue(reader.report().contains("unknown tags read as O: 1"), reader.report());
    }

    @Test
    void parseKeepsTagsAsWrittenWithTheirLines() {
        List<ConllSentence> s = ConllReader.parse("-DOCSTART- -X- -X- O\n\nObama S-PER\r\nvisited\n\n\n1\tParis\tU-LOC\n", ConllReader.Columns.LAST_TWO);
        assertEquals(2, s.size());
        assertEquals(List.of("Obama", "visited"), s.get(0).tokens());
        assertEquals(java.util.Arrays.asList("S-PER", null), s.get(0).tags());
        assertEquals(List.of(3, 4), s.get(0).lines());
        assertEquals(List.of("Paris"), s.get(1).tokens());
        assertEquals(List.of("U-LOC"), s.get(1).tags());
        assertEquals(List.of(7), s.get(1).lines());
    }

    @Test
    void typesAreRenamedAndDropped() throws IOException {
        Path f = write("e.conll", "Mon B-DATE\nday I-DATE\nAcme B-COMPANY\nInc I-COMPANY\nBob B-PERSON\nin O\nRome S-LOC\n");
        ConllReader reader = new ConllReader(Map.of("PERSON", "PER", "COMPANY", "ORG"), Set.of("PER", "ORG", "LOC"));
        List<ConllSentence> s = reader.read(f);
        assertEquals(List.of("O", "O", "B-ORG", "I-ORG", "B-PER", "O", "B-LOC"), s.get(0).tags());
    }

    @Test
    void droppingATypeDoesNotLeaveStrayInsideTags() throws IOException {
        // DATE is dropped to O, so the I-PER after it starts a new entity instead of continuing Bob's
        Path f = write("f.conll", "Bob B-PER\nMay B-DATE\nLee I-PER\n");
        List<ConllSentence> s = new ConllReader(Map.of(), Set.of("PER")).read(f);
        assertEquals(List.of("B-PER", "O", "B-PER"), s.get(0).tags());
    }

    @Test
    void unreadableLinesAreSkippedAndCounted() throws IOException {
        Path f = write("g.conll", "lonely\nword O\n   \t \nnext O\n");
        ConllReader reader = new ConllReader(Map.of(), Set.of());
        List<ConllSentence> s = reader.read(f);
        assertEquals(2, s.size());
        assertEquals(List.of("word"), s.get(0).tokens());
        assertEquals(List.of("next"), s.get(1).tokens());
        assertTrue(reader.report().contains("lines without a tag skipped: 1"), reader.report());
    }

    @Test
    void emptyFile() throws IOException {
        assertEquals(List.of(), new ConllReader(Map.of(), Set.of()).read(write("h.conll", "")));
        assertEquals(List.of(), new ConllReader(Map.of(), Set.of()).read(write("i.conll", "-DOCSTART- O\r\n\r\n")));
    }

    @Test
    void firstTwoColumnsForTokenTagExtraFiles() throws Exception {
        Path f = write("absa.tsv", "Una\tO\t-\r\nmaravilla\tB-TARGET\tok\r\n\r\nsi\tO\t-\n");
        List<ConllSentence> s = new ConllReader(Map.of(), Set.of(), ConllReader.Columns.FIRST_TWO).read(f);
        assertEquals(2, s.size());
        assertEquals(List.of("Una", "maravilla"), s.get(0).tokens());
        assertEquals(List.of("O", "B-TARGET"), s.get(0).tags());
    }
}
