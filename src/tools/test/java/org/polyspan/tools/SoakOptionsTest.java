package org.polyspan.tools;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The soak's command line: defaults, every option, and the errors for bad ones. */
class SoakOptionsTest {

    private static SoakOptions parse(String... argv) {
        return SoakOptions.parse(argv);
    }

    private static String error(String... argv) {
        return assertThrows(IllegalArgumentException.class, () -> SoakOptions.parse(argv)).getMessage();
    }

    @Test
    void defaultsAndUrlsWithoutTrailingSlashes() {
        SoakOptions o = parse("--urls", "http://127.0.0.1:9280/, http://127.0.0.1:9281//,http://127.0.0.1:9282");
        assertEquals(List.of("http://127.0.0.1:9280", "http://127.0.0.1:9281", "http://127.0.0.1:9282"), o.urls());
        assertEquals(new SoakOptions(o.urls(), 1, "mbert-ner", 4, 10, 20, 1000, 10, Path.of("../shared/data")), o);
    }

    @Test
    void everyOption() {
        SoakOptions o = parse("--urls", "http://h:9200", "--minutes", "2.5", "--model", "tiny-heads", "--clients", "3",
                "--bulk-size", "7", "--reload-seconds", "0", "--project-millis", "0", "--idle-seconds", "1", "--data", "/d");
        assertEquals(new SoakOptions(List.of("http://h:9200"), 2.5, "tiny-heads", 3, 7, 0, 0, 1, Path.of("/d")), o);
    }

    @Test
    void minutesMustBeInRange() {
        assertEquals("--minutes must be in (0, 120], got 0.0", error("--urls", "http://h", "--minutes", "0"));
        assertEquals("--minutes must be in (0, 120], got -1.0", error("--urls", "http://h", "--minutes", "-1"));
        assertEquals("--minutes must be in (0, 120], got 120.5", error("--urls", "http://h", "--minutes", "120.5"));
        assertEquals("--minutes must be in (0, 120], got NaN", error("--urls", "http://h", "--minutes", "NaN"));
        assertEquals(120, parse("--urls", "http://h", "--minutes", "120").minutes());
        assertEquals(0.01, parse("--urls", "http://h", "--minutes", "0.01").minutes());
    }

    @Test
    void unknownIncompleteAndMissingOptions() {
        String known = "options: --urls --minutes --model --clients --bulk-size --reload-seconds --project-millis --idle-seconds --data";
        assertEquals("unknown or incomplete option [--url]; " + known, error("--url", "http://h"));
        assertEquals("unknown or incomplete option [--minutes]; " + known, error("--urls", "http://h", "--minutes"));
        assertEquals("unknown or incomplete option [http://h]; " + known, error("http://h"));
        assertEquals("option --urls is required", error("--minutes", "1"));
        assertEquals("option --urls is required", error());
    }

    @Test
    void numbersMustBeNumbers() {
        assertThrows(NumberFormatException.class, () -> parse("--urls", "http://h", "--clients", "four"));
        assertThrows(NumberFormatException.class, () -> parse("--urls", "http://h", "--minutes", "one"));
        assertThrows(NumberFormatException.class, () -> parse("--urls", "http://h", "--bulk-size", "1.5"));
    }

    @Test
    void theFirstLineDescribesTheLoad() {
        assertEquals("soak: 3 node(s) [n1, n2, n3], model mbert-ner, 4 bulk clients x 10 documents, 1 in 100 malformed, "
                        + "_reload every 20 s, _project every 1000 ms, 1.0 minute(s)",
                parse("--urls", "http://a,http://b,http://c").describe(List.of("n1", "n2", "n3")));
        assertEquals("soak: 1 node(s) [n1], model m, 2 bulk clients x 5 documents, 1 in 100 malformed, "
                        + "_reload every (never), _project every (never), 0.3 minute(s)",
                parse("--urls", "http://a", "--model", "m", "--clients", "2", "--bulk-size", "5", "--reload-seconds", "0",
                        "--project-millis", "0", "--minutes", "0.25").describe(List.of("n1")));
    }
}
