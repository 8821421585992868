package org.polyspan.labeling;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TagChunkerTest {

    private static List<String> tags(String s) {
        return s.isEmpty() ? List.of() : List.of(s.split(" "));
    }

    private static TagChunker.Chunk c(String type, int start, int end) {
        return new TagChunker.Chunk(type, start, end);
    }

    private static List<TagChunker.Chunk> chunks(String s) {
        return TagChunker.chunks(tags(s));
    }

    @Test
    void iob2() {
        assertEquals(List.of(c("PER", 0, 2), c("LOC", 3, 4)), chunks("B-PER I-PER O B-LOC"));
        assertEquals(List.of(c("PER", 0, 1), c("PER", 1, 2)), chunks("B-PER B-PER"));
        assertEquals(List.of(c("LOC", 2, 4)), chunks("O O B-LOC I-LOC"), "a span at the end is closed");
        assertEquals(List.of(), chunks(""));
        assertEquals(List.of(), chunks("O O"));
    }

    @Test
    void iob1AndStrayInsideTagsStartASpan() {
        // IOB1: I- opens a span after O or at the start; B- only separates two touching spans of one type
        assertEquals(List.of(c("PER", 0, 2), c("LOC", 3, 4), c("LOC", 4, 5)), chunks("I-PER I-PER O I-LOC B-LOC"));
        // I-X after B-Y or I-Y: a new X span (seqeval's default mode)
        assertEquals(List.of(c("PER", 0, 1), c("LOC", 1, 2)), chunks("B-PER I-LOC"));
        assertEquals(List.of(c("PER", 0, 2), c("LOC", 2, 3)), chunks("I-PER I-PER I-LOC"));
    }

    @Test
    void bioes() {
        assertEquals(List.of(c("PER", 0, 3), c("LOC", 3, 4), c("ORG", 4, 6), c("PER", 7, 8)),
                chunks("B-PER I-PER E-PER S-LOC B-ORG E-ORG O S-PER"));
        // E- closes: what follows starts anew, even of the same type
        assertEquals(List.of(c("PER", 0, 1), c("PER", 1, 2)), chunks("E-PER E-PER"));
        assertEquals(List.of(c("PER", 0, 2), c("PER", 2, 3)), chunks("B-PER E-PER I-PER"));
        // S- inside an open span ends it and is a span of its own
        assertEquals(List.of(c("PER", 0, 1), c("PER", 1, 2), c("PER", 2, 3)), chunks("B-PER S-PER I-PER"));
        // E-X after a Y span: Y ends, X is one word
        assertEquals(List.of(c("PER", 0, 1), c("LOC", 1, 2)), chunks("B-PER E-LOC"));
        assertEquals(List.of(c("LOC", 1, 2)), chunks("O E-LOC"));
    }

    @Test
    void bilou() {
        assertEquals(List.of(c("PER", 0, 3), c("LOC", 3, 4), c("LOC", 4, 5)), chunks("B-PER I-PER L-PER U-LOC U-LOC"));
        assertEquals(List.of(c("ORG", 1, 2), c("ORG", 2, 4)), chunks("O U-ORG B-ORG L-ORG"));
    }

    @Test
    void unknownTagsNameTheirPosition() {
        for (String bad : List.of("PER", "X-PER", "B-", "B_PER", "o", "")) {
            List<String> t = Arrays.asList("O", bad);
            TagChunker.BadTagException e = assertThrows(TagChunker.BadTagException.class, () -> TagChunker.chunks(t), bad);
            assertEquals(1, e.index());
            assertTrue(e.getMessage().contains("unknown tag [" + bad + "]"), e.getMessage());
            assertFalse(TagChunker.valid(bad));
        }
        TagChunker.BadTagException nul = assertThrows(TagChunker.BadTagException.class,
                () -> TagChunker.chunks(Arrays.asList("B-X", null)));
        assertEquals(1, nul.index());
        assertEquals("is null", nul.getMessage());
    }

    @Test
    void iob2WritesChunksBack() {
        assertEquals(tags("B-PER I-PER O B-LOC B-LOC"), TagChunker.iob2(5, List.of(c("PER", 0, 2), c("LOC", 3, 4), c("LOC", 4, 5))));
        assertEquals(tags("O O"), TagChunker.iob2(2, List.of()));
    }

    /** Whatever the scheme, writing the chunks as IOB2 and reading them again gives the same chunks. */
    @Test
    void everySchemeRoundTripsThroughIob2() {
        String[] prefixes = {"B", "I", "E", "S", "L", "U"};
        Random rnd = new Random(13);
        for (int iter = 0; iter < 2000; iter++) {
            List<String> t = new ArrayList<>();
            int n = rnd.nextInt(12);
            for (int i = 0; i < n; i++) {
                t.add(rnd.nextInt(4) == 0 ? "O" : prefixes[rnd.nextInt(prefixes.length)] + "-" + (rnd.nextBoolean() ? "A" : "B"));
            }
            List<TagChunker.Chunk> chunks = TagChunker.chunks(t);
            int covered = 0;
            int end = 0;
            for (TagChunker.Chunk ch : chunks) {
                assertTrue(ch.start() >= end && ch.end() > ch.start(), t + " -> " + chunks);
                end = ch.end();
                covered += ch.end() - ch.start();
            }
            assertEquals(n - t.stream().filter("O"::equals).count(), covered, () -> "every tagged word is in a chunk: " + t);
            assertEquals(chunks, TagChunker.chunks(TagChunker.iob2(n, chunks)), t::toString);
        }
    }
}
