package org.polyspan.tools;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The short forms of answers the soak prints. */
class SoakHttpTest {

    @Test
    void errorAnswersAreShortenedToTypeAndReason() {
        assertEquals("es_rejected_execution_exception: queue full", SoakHttp.errorType(
                "{\"error\":{\"type\":\"es_rejected_execution_exception\",\"reason\":\"queue full\"},\"status\":429}"));
        assertEquals("<html>Bad Gateway</html>", SoakHttp.errorType("<html>Bad Gateway</html>"));
        assertEquals("{\"error\":\"no handler\"}", SoakHttp.errorType("{\"error\":\"no handler\"}"));
        String reason = "r".repeat(200);
        assertEquals("t: " + "r".repeat(160) + "...", SoakHttp.errorType("{\"error\":{\"type\":\"t\",\"reason\":\"" + reason + "\"}}"));
        assertEquals("x".repeat(160), SoakHttp.shorten("x".repeat(160)));
        assertEquals("\"say \\\"hi\\\"\\n\"", SoakHttp.quote("say \"hi\"\n"));
    }
}
