package org.polyspan.translation;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Starts the real APY service (Debian {@code apertium-apy}) on a free port and checks that it translates exactly as
 * the command-line engine does, chunked and separated. {@code POLYSPAN_REQUIRE_APERTIUM} turns a skip into a failure.
 */
class ApertiumApyTranslatorTest {
    private static Process apy;
    private static ApertiumApyTranslator service;
    private static ApertiumTranslator command;

    @BeforeAll
    static void start() throws Exception {
        Path exe = ApertiumTranslator.locate("apertium-apy", System.getenv("PATH"));
        boolean installed = exe != null && Files.isDirectory(Path.of("/usr/share/apertium/modes"));
        if (System.getenv("POLYSPAN_REQUIRE_APERTIUM") != null) {
            assertTrue(installed, "POLYSPAN_REQUIRE_APERTIUM is set but apertium-apy is not installed");
        }
        assumeTrue(installed, "apertium-apy is not installed");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        apy = new ProcessBuilder(exe.toString(), "-p", String.valueOf(port), "/usr/share/apertium/modes")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        TranslationException last = null;
        while (service == null && System.nanoTime() < deadline) {
            try {
                service = ApertiumApyTranslator.connect("http://127.0.0.1:" + port, Duration.ofSeconds(60));
            } catch (TranslationException e) {
                last = e;
                Thread.sleep(300);
            }
        }
        String why = String.valueOf(last);
        assertNotNull(service, () -> "APY did not come up: " + why);
        command = ApertiumTranslator.detect("apertium", System.getenv("PATH"), 60);
    }

    @AfterAll
    static void stop() {
        if (apy != null) {
            apy.destroyForcibly();
        }
    }

    @Test
    void translatesLikeTheCommandAcrossChunks() throws Exception {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < ApertiumApyTranslator.CHUNK + 5; i++) {
            texts.add(i % 2 == 0 ? "the European" : "Commission met in Brussels on day " + i + ".");
        }
        List<String> viaService = service.translate(texts, "en", "es");
        assertEquals(texts.size(), viaService.size());
        assertEquals(command.translate(texts, "en", "es"), viaService);
        assertEquals("El europeo", viaService.get(0));
        assertTrue(viaService.get(1).contains("Bruselas"), viaService.get(1));
    }

    @Test
    void listsDirectionsAndRejectsMissingOnes() {
        assertTrue(service.supports("en", "es"));
        assertTrue(service.directions().contains("eng-spa"));
        TranslationException e = assertThrows(TranslationException.class, () -> service.translate(List.of("a"), "en", "de"));
        assertTrue(e.getMessage().contains("eng-spa"), e.getMessage());
    }

    @Test
    void unreachableServiceIsAnError() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        assertThrows(TranslationException.class, () -> ApertiumApyTranslator.connect("http://127.0.0.1:" + port, Duration.ofSeconds(2)));
    }
}
