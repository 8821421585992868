package org.polyspan.tools;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What became of every document the soak's bulk clients sent: acknowledged as indexed, failed with a reason (from the
 * bulk item, or the whole request's error), or sent in a request that got no answer. Malformed documents are counted
 * apart, so that one indexed by mistake or a well-formed one that failed shows.
 */
final class SoakLedger {
    final AtomicLong sent = new AtomicLong();
    final AtomicLong indexed = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong unanswered = new AtomicLong();
    final AtomicLong malformedSent = new AtomicLong();
    final AtomicLong malformedFailed = new AtomicLong();
    final AtomicLong malformedIndexed = new AtomicLong();
    private final Map<String, Long> reasons = new TreeMap<>();

    void sent(boolean malformed) {
        sent.incrementAndGet();
        if (malformed) {
            malformedSent.incrementAndGet();
        }
    }

    void indexed(boolean malformed) {
        indexed.incrementAndGet();
        if (malformed) {
            malformedIndexed.incrementAndGet();
        }
    }

    void failed(boolean malformed, String reason) {
        failed.incrementAndGet();
        if (malformed) {
            malformedFailed.incrementAndGet();
        }
        synchronized (reasons) {
            reasons.merge((malformed ? "malformed: " : "well-formed: ") + reason, 1L, Long::sum);
        }
    }

    /** A document of a request that failed as a whole (no answer, or an error status for the whole bulk). */
    void unanswered(boolean malformed, String reason) {
        unanswered.incrementAndGet();
        failed(malformed, reason);
    }

    Map<String, Long> reasons() {
        synchronized (reasons) {
            return new TreeMap<>(reasons);
        }
    }

    /** Well-formed documents that failed: zero when the plugin labelled every document it should. */
    long unexpectedFailures() {
        return failed.get() - malformedFailed.get();
    }
}
