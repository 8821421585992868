package org.polyspan.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the soak's load recorded, from many threads, for the report: every document's fate ({@link SoakLedger}), the
 * latency of each kind of request, the reloads done, the ids of documents whose request got no answer, and the
 * requests other than bulk items that failed, by reason.
 */
final class SoakResults {
    final SoakLedger ledger = new SoakLedger();
    final Latencies bulk = new Latencies();
    final Latencies project = new Latencies();
    /** Plain index and search with nothing else running, before the load: the reference for the figures under load. */
    final Latencies idleIndex = new Latencies();
    final Latencies idleSearch = new Latencies();
    final Latencies plainIndex = new Latencies();
    final Latencies plainSearch = new Latencies();
    final AtomicLong reloads = new AtomicLong();
    private final Map<String, Long> otherFailures = new TreeMap<>();
    private final List<String> unansweredIds = new ArrayList<>();

    /** A request other than a bulk item failed. */
    void otherFailure(String reason) {
        synchronized (otherFailures) {
            otherFailures.merge(reason, 1L, Long::sum);
        }
    }

    /** Failed requests other than bulk items, by reason, in the order of the reasons. */
    Map<String, Long> otherFailures() {
        synchronized (otherFailures) {
            return new TreeMap<>(otherFailures);
        }
    }

    /** Document {@code id} was sent in a request that got no answer (or failed as a whole): it may be in the index or not. */
    void unanswered(String id) {
        synchronized (unansweredIds) {
            unansweredIds.add(id);
        }
    }

    List<String> unansweredIds() {
        synchronized (unansweredIds) {
            return new ArrayList<>(unansweredIds);
        }
    }
}
