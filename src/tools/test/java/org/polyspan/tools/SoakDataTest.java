package org.polyspan.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the soak sends, read from Europarl-shaped CoNLL files. */
class SoakDataTest {

    private static void conll(Path dir, String language, String text) throws Exception {
        Files.writeString(dir.resolve(language + "-europarl.test.conll02"), text);
    }

    @Test
    void textsOfEveryLanguageAndProjectBodiesOfSentencesWithSpans(@TempDir Path data) throws Exception {
        Path dir = Files.createDirectories(data.resolve("projection/europarl_ner"));
        conll(dir, "en", "Resumption\tO\nof\tO\nsession\tO\n\nAngela\tB-PER\nMerkel\tI-PER\nin\tO\nBerlin\tB-LOC\n.\tO\n");
        conll(dir, "es", "Reanudación\tO\nde\tO\nsesión\tO\n\nAngela\tB-PER\nMerkel\tI-PER\nen\tO\nBerlín\tB-LOC\n.\tO\n");
        conll(dir, "de", "Wiederaufnahme\tO\n\nAngela\tB-PER\nMerkel\tI-PER\n");
        SoakData d = SoakData.load(data, "mbert-ner");
        assertEquals(List.of("Resumption of session", "Angela Merkel in Berlin .", "Wiederaufnahme", "Angela Merkel",
                "Reanudación de sesión", "Angela Merkel en Berlín ."), d.texts());
        assertEquals(List.of("{\"model\":\"mbert-ner\",\"pairs\":[{\"source\":{\"text\":\"Angela Merkel in Berlin .\",\"spans\":["
                + "{\"start\":0,\"end\":13,\"label\":\"PER\"},{\"start\":17,\"end\":23,\"label\":\"LOC\"}]},"
                + "\"target\":{\"text\":\"Angela Merkel en Berlín .\"}}]}"), d.projectBodies());
    }
}
