package org.edgenet.client.p2p;

import java.util.concurrent.TimeUnit;

/**
 * RACK's reordering allowance (RFC 8985): how much later than a delivered datagram another must
 * have been sent before its absence counts as a loss rather than reordering. A quarter of the
 * minimum round trip at first; a retransmission that proves spurious (acknowledged faster than any
 * round trip could bring it back, so the original had arrived) adds another quarter, up to 16. Never
 * more than the smoothed round trip, never less than {@link #MIN_ALLOWANCE}. Times in nanoseconds.
 */
final class ReorderWindow {
    static final long MIN_ALLOWANCE = TimeUnit.MICROSECONDS.toNanos(500);
    private static final int MAX_QUARTERS = 16;

    private long minRtt;
    private boolean measured;
    private int quarters = 1;

    void sample(long rtt) {
        if (rtt >= 0) {
            minRtt = measured ? Math.min(minRtt, rtt) : rtt;
            measured = true;
        }
    }

    /** Whether {@code elapsed} since a retransmission is too short for it to have made the round trip. */
    boolean fasterThanAnyRoundTrip(long elapsed) {
        return measured && elapsed < minRtt;
    }

    /** A retransmission proved spurious: allow more reordering from now on. */
    void spurious() {
        quarters = Math.min(MAX_QUARTERS, quarters + 1);
    }

    long allowance(long srtt) {
        long q = measured ? quarters * (minRtt / 4) : 0;
        return Math.max(MIN_ALLOWANCE, Math.min(q, srtt));
    }
}
