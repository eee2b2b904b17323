package org.edgenet.client.p2p;

/**
 * The retransmission time-out of RFC 6298: SRTT and RTTVAR from round-trip samples (the caller
 * applies Karn's rule and samples only datagrams sent once), RTO = SRTT + max(G, 4 RTTVAR) kept
 * between a floor and a ceiling, doubled on every time-out until a new sample arrives.
 * All times are in nanoseconds.
 */
final class RttEstimator {
    private static final long CLOCK_GRANULARITY = 1_000_000;

    private final long minRto;
    private final long maxRto;
    private long srtt = -1;
    private long rttvar;
    private long rto;
    private int backoff;

    RttEstimator(long initialRto, long minRto, long maxRto) {
        this.minRto = minRto;
        this.maxRto = maxRto;
        this.rto = clamp(initialRto);
    }

    void sample(long rtt) {
        if (rtt < 0) {
            return;
        }
        if (srtt < 0) {
            srtt = rtt;
            rttvar = rtt / 2;
        } else {
            rttvar = (3 * rttvar + Math.abs(srtt - rtt)) / 4;
            srtt = (7 * srtt + rtt) / 8;
        }
        backoff = 0;
        rto = clamp(srtt + Math.max(CLOCK_GRANULARITY, 4 * rttvar));
    }

    /** A time-out happened: the next one waits twice as long (up to the ceiling). */
    void backOff() {
        if (backoff < 16) {
            backoff++;
        }
    }

    /** New data was acknowledged: back-off ends even without a sample (RFC 6298 5.7 spirit). */
    void resetBackOff() {
        backoff = 0;
    }

    long rto() {
        return Math.min(maxRto, rto << backoff);
    }

    /** Smoothed round trip, or {@code fallback} before the first sample. */
    long srtt(long fallback) {
        return srtt < 0 ? fallback : srtt;
    }

    private long clamp(long v) {
        return Math.max(minRto, Math.min(maxRto, v));
    }
}
