package org.polyspan.tools;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The soak's report and verdict from given counts, with no node: what passes, what fails and how it is printed. */
class SoakReportTest {
    private static final long MIB = 1 << 20;

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final SoakResults results = new SoakResults();
    private final SoakReport report = new SoakReport(new PrintStream(printed, true, StandardCharsets.UTF_8), results);

    /** Records {@code indexed} well-formed documents indexed and {@code malformed} malformed ones failed by the processor. */
    private void sent(int indexed, int malformed) {
        for (int i = 0; i < indexed; i++) {
            results.ledger.sent(false);
            results.ledger.indexed(false);
        }
        for (int i = 0; i < malformed; i++) {
            results.ledger.sent(true);
            results.ledger.failed(true, "400 illegal_argument_exception: field [body] is of type [Long]");
        }
    }

    private static SoakReport.NodeFigures node(String name, long rssStartMib, long rssEndMib, Long warmFloorMib) {
        return new SoakReport.NodeFigures(name, 4242, new SoakProbes.Memory(100 * MIB, rssStartMib * MIB),
                new SoakProbes.Memory(120 * MIB, rssEndMib * MIB), warmFloorMib == null ? null : warmFloorMib * MIB, 0);
    }

    /** Prints the report of one node without reloads; returns the verdict line. */
    private String verdict(List<String> deaths, long count, long unansweredPresent) {
        List<String> problems = report.print(deaths, List.of(node("n1", 1000, 1010, null)), count, unansweredPresent);
        boolean passed = report.verdict(problems);
        List<String> lines = lines();
        String last = lines.get(lines.size() - 1);
        assertEquals(passed, last.equals("SOAK PASSED"), last);
        return last;
    }

    private List<String> lines() {
        return Arrays.asList(printed.toString(StandardCharsets.UTF_8).split(System.lineSeparator()));
    }

    @Test
    void everyDocumentAccountedForPasses() {
        sent(98, 2);
        assertEquals("SOAK PASSED", verdict(List.of(), 98, 0));
        assertTrue(lines().contains("  sent 100 = indexed 98 + failed 2"), lines()::toString);
        assertTrue(lines().contains("  malformed: sent 2, failed 2, indexed 0"), lines()::toString);
        assertTrue(lines().contains("  failed      2  malformed: 400 illegal_argument_exception: field [body] is of type [Long]"),
                lines()::toString);
        assertTrue(lines().contains("  index count 98 (expected 98): lost 0, unexpected extra 0"), lines()::toString);
        assertTrue(lines().contains("  MET  0 lost documents"), lines()::toString);
        assertTrue(lines().contains("  MET  0 node deaths"), lines()::toString);
    }

    @Test
    void anAcknowledgedDocumentMissingFromTheIndexFails() {
        sent(98, 2);
        assertEquals("SOAK FAILED: 3 acknowledged document(s) missing from the index", verdict(List.of(), 95, 0));
        assertTrue(lines().contains("  index count 95 (expected 98): lost 3, unexpected extra 0"), lines()::toString);
        assertTrue(lines().contains("  MISS 0 lost documents"), lines()::toString);
    }

    @Test
    void aDocumentNeverAcknowledgedFails() {
        sent(98, 2);
        assertEquals("SOAK FAILED: 2 document(s) in the index that were never acknowledged (duplicates?)", verdict(List.of(), 100, 0));
    }

    @Test
    void unansweredDocumentsFoundInTheIndexAreExpectedThere() {
        sent(50, 0);
        for (int i = 0; i < 5; i++) {
            results.ledger.sent(false);
            results.ledger.unanswered(false, "no answer from n1: ConnectException");
        }
        assertEquals("SOAK PASSED", verdict(List.of(), 53, 3));
        assertTrue(lines().contains("  unanswered (counted as failed) 5, of which in the index after all 3"), lines()::toString);
        assertTrue(lines().contains("  index count 53 (expected 53): lost 0, unexpected extra 0"), lines()::toString);
        assertTrue(lines().contains("  failed      5  well-formed: no answer from n1: ConnectException"), lines()::toString);
    }

    @Test
    void deathsComeFirstAndWithoutAnAnsweringNodeEveryAcknowledgedDocumentCountsAsLost() {
        sent(10, 0);
        assertEquals("SOAK FAILED: node n1 died (no answer); 10 acknowledged document(s) missing from the index",
                verdict(List.of("node n1 died (no answer)"), -1, 0));
        assertTrue(lines().contains("  deaths 1"), lines()::toString);
        assertTrue(lines().contains("  index count -1 (expected 10): lost 10, unexpected extra 0"), lines()::toString);
        assertTrue(lines().contains("  MISS 0 node deaths"), lines()::toString);
    }

    @Test
    void aMalformedDocumentIndexedFails() {
        sent(10, 0);
        results.ledger.sent(true);
        results.ledger.indexed(true);
        assertEquals("SOAK FAILED: 1 malformed document(s) indexed", verdict(List.of(), 11, 0));
        assertTrue(lines().contains("  malformed: sent 1, failed 0, indexed 1"), lines()::toString);
    }

    @Test
    void nothingIndexedFails() {
        sent(0, 3);
        assertEquals("SOAK FAILED: nothing was indexed", verdict(List.of(), 0, 0));
    }

    @Test
    void aLedgerThatDoesNotAddUpFails() {
        sent(4, 0);
        results.ledger.sent(false); // sent, then neither indexed nor failed
        assertEquals("SOAK FAILED: sent 5 != indexed 4 + failed 0", verdict(List.of(), 4, 0));
        assertTrue(lines().contains("  sent 5 = indexed 4 + failed 0  MISMATCH"), lines()::toString);
    }

    @Test
    void theTargetsAreReportedNotEnforced() {
        sent(10, 0);
        List<String> problems = report.print(List.of(), List.of(node("n1", 1000, 1050, null), node("n2", 1000, 1200, null),
                new SoakReport.NodeFigures("n3", 1, new SoakProbes.Memory(Long.MAX_VALUE, -1), new SoakProbes.Memory(Long.MAX_VALUE, -1),
                        null, 0)), 10, 0);
        assertEquals(List.of(), problems);
        List<String> lines = lines();
        assertTrue(lines.contains("  MET  RSS growth under 10 % on n1"), lines::toString);
        assertTrue(lines.contains("  MISS RSS growth under 10 % on n2"), lines::toString);
        assertTrue(lines.contains("  MISS RSS growth under 10 % on n3"), lines::toString);
        assertTrue(lines.contains("  MISS plain index median under 0.3 s during the load"), "no plain latency: no median");
        assertTrue(lines.contains("  n3               pid 1       heap after GC n/a -> n/a   RSS n/a -> n/a (n/a)   longest unreachable 0s"),
                lines::toString);
        assertFalse(lines.stream().anyMatch(l -> l.contains("after warm-up")), "no second reload, no warm-up target");
    }

    /** The whole report, line for line: integ-test/run-tests.sh and the README read it. */
    @Test
    void theReportLineForLine() {
        sent(7, 1);
        results.ledger.sent(false);
        results.ledger.unanswered(false, "bulk HTTP 429: es_rejected_execution_exception: queue full");
        results.reloads.set(3);
        results.otherFailure("_reload HTTP 500: boom");
        results.otherFailure("_reload HTTP 500: boom");
        List<String> problems = report.print(List.of(), List.of(node("node-1", 1000, 1150, 1100L), node("node-2", 2000, 2010, 2005L)), 7, 0);
        assertTrue(report.verdict(problems));
        String nan = "n=0  p50 NaNs  p99 NaNs  max NaNs";
        assertEquals(List.of(
                "",
                "== documents",
                "  sent 9 = indexed 7 + failed 2",
                "  malformed: sent 1, failed 1, indexed 0",
                "  failed      1  malformed: 400 illegal_argument_exception: field [body] is of type [Long]",
                "  failed      1  well-formed: bulk HTTP 429: es_rejected_execution_exception: queue full",
                "  unanswered (counted as failed) 1, of which in the index after all 0",
                "  index count 7 (expected 7): lost 0, unexpected extra 0",
                "== nodes",
                "  deaths 0",
                "  node-1           pid 4242    heap after GC 100 MiB -> 120 MiB   RSS 1000 MiB -> 1150 MiB (+15.0 %), lowest after the "
                        + "1st reload 1100 MiB (+4.5 % to the end)   longest unreachable 0s",
                "  node-2           pid 4242    heap after GC 100 MiB -> 120 MiB   RSS 2000 MiB -> 2010 MiB (+0.5 %), lowest after the "
                        + "1st reload 2005 MiB (+0.2 % to the end)   longest unreachable 0s",
                "== latency",
                "  bulk (9 docs)      " + nan,
                "  _project          " + nan,
                "  _reload           3 done",
                "  plain index idle  " + nan,
                "  plain search idle " + nan,
                "  plain index load  " + nan,
                "  plain search load " + nan,
                "  request failed     2  _reload HTTP 500: boom",
                "== targets",
                "  MET  0 lost documents",
                "  MET  0 node deaths",
                "  MISS plain index median under 0.3 s during the load",
                "  MISS plain search median under 0.3 s during the load",
                "  MISS RSS growth under 10 % on node-1",
                "  MET  RSS growth under 10 % on node-2",
                "  MET  RSS growth under 10 % after warm-up (from the lowest RSS after the 1st reload) on node-1",
                "  MET  RSS growth under 10 % after warm-up (from the lowest RSS after the 1st reload) on node-2",
                "SOAK PASSED"), lines());
    }

    @Test
    void theProgressLineAndMemoryFigures() {
        sent(3, 1);
        assertEquals("  ... sent 4, indexed 3, failed 1, bulk n=0  p50 NaNs  p99 NaNs  max NaNs, RSS 1024 MiB, n/a",
                SoakReport.progress(results, List.of(1024 * MIB, -1L)));
        assertEquals("n/a", SoakReport.mib(Long.MAX_VALUE));
        assertEquals("0 MiB", SoakReport.mib(MIB - 1));
        assertEquals("-10.0 %", SoakReport.growth(1000, 900));
        assertEquals("n/a", SoakReport.growth(-1, 900));
        assertEquals("n/a", SoakReport.growth(1000, 0));
    }
}
