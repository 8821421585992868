package org.polyspan;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GoldDataTest {

    @Test
    void aMissingFileSkipsNamingItOrFailsWhereTheDataIsRequired(@TempDir Path root) {
        TestAbortedException skipped = assertThrows(TestAbortedException.class, () -> GoldData.file(root, "ner/x/test.tsv", false));
        assertTrue(skipped.getMessage().contains(root.resolve("ner/x/test.tsv").toString()), skipped.getMessage());
        AssertionFailedError failed = assertThrows(AssertionFailedError.class, () -> GoldData.file(root, "ner/x/test.tsv", true));
        assertTrue(failed.getMessage().contains(root.resolve("ner/x/test.tsv").toString()), failed.getMessage());
        assertTrue(failed.getMessage().contains(GoldData.REQUIRE_ENV), failed.getMessage());
    }

    @Test
    void aPresentFileIsReturned(@TempDir Path root) throws Exception {
        Path file = Files.createDirectories(root.resolve("ner")).resolve("test.tsv");
        Files.writeString(file, "a O\n");
        assertEquals(file, GoldData.file(root, "ner/test.tsv", true));
        assertEquals(file, GoldData.file(root, "ner/test.tsv", false));
    }
}
