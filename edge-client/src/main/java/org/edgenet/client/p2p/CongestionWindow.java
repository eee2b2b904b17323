package org.edgenet.client.p2p;

/**
 * How many datagrams a presenter may have in flight: starts at {@link #INITIAL} datagrams, doubles
 * per round trip (slow start) until the first loss, then grows by one datagram per round trip and is
 * multiplied by {@link #BETA} on a round with losses. One cut per round: only the loss of a datagram
 * sent after the last cut cuts again. Never below {@link #MIN}, never above the ring of the send window.
 */
final class CongestionWindow {
    static final double INITIAL = 16;
    static final double MIN = 4;
    static final double BETA = 0.7;

    private final int ceiling;
    private double cwnd = INITIAL;
    private double ssthresh = Double.MAX_VALUE;
    private boolean cutOnce;
    private long lastCut;

    CongestionWindow(int ceiling) {
        this.ceiling = ceiling;
    }

    /** Datagrams that may be in flight now. */
    int window() {
        return (int) Math.min(cwnd, ceiling);
    }

    /** {@code n} datagrams newly acknowledged. */
    void acked(int n) {
        cwnd += cwnd < ssthresh ? n : (double) n / cwnd;
        cwnd = Math.min(cwnd, ceiling);
    }

    /** A datagram sent at {@code sentAt} is presumed lost at {@code now}. */
    void lost(long sentAt, long now) {
        if (!cutOnce || sentAt - lastCut > 0) {
            cwnd = Math.max(MIN, cwnd * BETA);
            ssthresh = cwnd;
            lastCut = now;
            cutOnce = true;
        }
    }
}
