package org.polyspan.translation;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the real Apertium engine with its Debian English-Spanish pair. {@code integ-test/run-tests.sh} installs both
 * and sets {@code POLYSPAN_REQUIRE_APERTIUM}, so there a missing engine fails instead of skipping.
 */
class ApertiumTranslatorTest {
    private static ApertiumTranslator apertium;

    @BeforeAll
    static void detect() {
        try {
            apertium = ApertiumTranslator.detect("apertium", System.getenv("PATH"), 60);
        } catch (TranslationException e) {
            apertium = null;
        }
        boolean required = System.getenv("POLYSPAN_REQUIRE_APERTIUM") != null;
        if (required) {
            assertNotNull(apertium, "POLYSPAN_REQUIRE_APERTIUM is set but apertium is not installed");
        }
        assumeTrue(apertium != null && apertium.supports("en", "es"), "apertium with apertium-eng-spa is not installed");
    }

    @Test
    void translatesABatchOneLinePerText() throws Exception {
        List<String> out = apertium.translate(List.of("Barack Obama visited Paris yesterday.",
                "The European Commission met\nin Brussels.", "Zorglub lives in London."), "en", "es");
        assertEquals(3, out.size());
        assertEquals("Barack Obama visitó París ayer.", out.get(0));
        assertTrue(out.get(1).contains("Bruselas"), out.get(1));
        assertTrue(out.get(2).startsWith("Zorglub "), "unknown words are copied without a * mark: " + out.get(2));
    }

    @Test
    void wordsNeverMoveBetweenTextsOfABatch() throws Exception {
        // With plain line breaks Apertium answers "La Comisión" / "europea cumplió": the adjective crosses the line.
        List<String> texts = List.of("the European", "Commission met.", "the red", "house is big");
        List<String> batch = apertium.translate(texts, "en", "es");
        for (int i = 0; i < texts.size(); i++) {
            assertEquals(apertium.translate(List.of(texts.get(i)), "en", "es").get(0), batch.get(i), texts.get(i));
        }
        assertFalse(batch.get(0).contains("Comisi"), batch.get(0));
    }

    @Test
    void directionsUseTwoOrThreeLetterCodes() {
        assertTrue(apertium.supports("en", "es"));
        assertTrue(apertium.supports("eng", "spa"));
        assertTrue(apertium.supports("es", "en"));
        assertFalse(apertium.supports("en", "de"), "Debian has no English-German pair");
        assertFalse(apertium.supports("en", "xx"));
        assertTrue(apertium.directions().contains("eng-spa"));
    }

    @Test
    void missingDirectionIsAnError() {
        TranslationException e = assertThrows(TranslationException.class, () -> apertium.translate(List.of("a"), "en", "de"));
        assertTrue(e.getMessage().contains("eng-spa"), e.getMessage());
    }

    @Test
    void emptyBatchNeedsNoProcess() throws Exception {
        assertEquals(List.of(), apertium.translate(List.of(), "en", "es"));
    }

    @Test
    void absentCommandIsNotDetected() {
        TranslationException onPath = assertThrows(TranslationException.class,
                () -> ApertiumTranslator.detect("no-such-apertium-command", System.getenv("PATH"), 5));
        assertTrue(onPath.getMessage().contains("not on PATH"), onPath.getMessage());
        assertThrows(TranslationException.class, () -> ApertiumTranslator.detect("/nonexistent/apertium", null, 5));
    }
}
