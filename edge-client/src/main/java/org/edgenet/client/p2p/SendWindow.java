package org.edgenet.client.p2p;

import org.edgenet.common.p2p.Ack;

/**
 * The presenter's book of the datagrams past the first unacknowledged one, {@code [base, base + ring)}:
 * when each was last sent, whether it was sent more than once, whether it is acknowledged, whether
 * it is presumed lost; lost ones queue to be sent again before any new one. Plain state, no I/O and
 * no clock: every call takes the time it happens at.
 *
 * <p>Loss detection is RACK (RFC 8985): the most recently sent datagram known delivered marks as lost
 * every outstanding one sent before it by more than the reordering allowance, counting the time
 * since that delivery was learnt, so a hole is found either by a later acknowledgement or by the
 * deadline {@link #detectLosses} returns.
 */
final class SendWindow {
    private final int count;
    private final int ring;
    private final CongestionWindow congestion;
    private final ReorderWindow reorder;
    private final long[] sentAt;
    private final boolean[] retransmitted;
    private final boolean[] acked;
    private final boolean[] lost;
    /** Sequence numbers presumed lost, oldest first; entries acknowledged since are skipped. */
    private final int[] lostQueue;
    private int lostHead;
    private int lostQueued;
    private int lostCount;

    private int base;
    private int nextSeq;
    private int pipe;
    private int rwnd;
    private boolean lastTakenAgain;

    /** The most recently sent datagram known delivered, and when that became known. */
    private boolean rackSet;
    private long rackSentAt;
    private int rackSeq;
    private long rackAckedAt;

    /** The round trip of the last ACK's most recently sent new delivery, or -1 (Karn's rule). */
    private long rttSample = -1;

    SendWindow(int count, int ring, int rwnd, CongestionWindow congestion, ReorderWindow reorder) {
        this.count = count;
        this.ring = ring;
        this.rwnd = rwnd;
        this.congestion = congestion;
        this.reorder = reorder;
        this.sentAt = new long[ring];
        this.retransmitted = new boolean[ring];
        this.acked = new boolean[ring];
        this.lost = new boolean[ring];
        this.lostQueue = new int[2 * ring];
    }

    int base() {
        return base;
    }

    int nextSeq() {
        return nextSeq;
    }

    /** Datagrams sent, neither acknowledged nor presumed lost. */
    int inFlight() {
        return pipe;
    }

    int lostCount() {
        return lostCount;
    }

    boolean allAcked() {
        return base == count;
    }

    /** Whether the audience's advertised window keeps the next new datagram back. */
    boolean shutByReceiver() {
        return nextSeq < count && nextSeq >= (long) base + rwnd;
    }

    /**
     * The datagram to send next, recorded as sent at {@code now}, or -1: a lost one first, else a
     * new one that the congestion window, the audience's window, the ring and what is read
     * ({@code loaded}) all allow.
     */
    int take(long now, int loaded) {
        if (pipe >= congestion.window()) {
            return -1;
        }
        int s = nextLost();
        if (s >= 0) {
            sent(s, now, true);
            return s;
        }
        if (nextSeq < loaded && nextSeq < (long) base + rwnd && nextSeq < (long) base + ring) {
            sent(nextSeq, now, false);
            return nextSeq++;
        }
        return -1;
    }

    /** A new datagram as a probe, beyond the congestion and receive windows; -1 when none is read. */
    int takeProbe(long now, int loaded) {
        if (nextSeq < loaded && nextSeq < (long) base + ring) {
            sent(nextSeq, now, false);
            return nextSeq++;
        }
        return -1;
    }

    /** The highest outstanding datagram sent again as a probe; -1 when nothing is outstanding. */
    int takeTail(long now) {
        for (int s = nextSeq - 1; s >= base; s--) {
            int i = s % ring;
            if (!acked[i]) {
                if (lost[i]) {
                    lost[i] = false;
                    lostCount--;
                    pipe++;
                }
                sentAt[i] = now;
                retransmitted[i] = true;
                lastTakenAgain = true;
                return s;
            }
        }
        return -1;
    }

    /** Whether the last datagram taken was sent before. */
    boolean lastTakenAgain() {
        return lastTakenAgain;
    }

    private void sent(int s, long now, boolean again) {
        int i = s % ring;
        if (!again) {
            acked[i] = false;
            lost[i] = false;
            retransmitted[i] = false;
        } else {
            retransmitted[i] = true;
        }
        sentAt[i] = now;
        pipe++;
        lastTakenAgain = again;
    }

    /**
     * Takes an ACK: the cumulative point and the SACK bitmap mark datagrams delivered, the window is
     * the audience's. Returns how many datagrams it newly acknowledged; {@link #rttSample()} then
     * holds the round trip it measured.
     */
    int ack(long now, Ack a) {
        int cum = Math.min(a.cumulative(), nextSeq);
        int newly = 0;
        boolean newestFound = false;
        long newestSentAt = 0;
        boolean newestAgain = true;
        rttSample = -1;
        for (int s = base; s < cum; s++) {
            int i = s % ring;
            if (!acked[i]) {
                deliver(s, i, now);
                newly++;
                if (!newestFound || sentAt[i] - newestSentAt > 0) {
                    newestFound = true;
                    newestSentAt = sentAt[i];
                    newestAgain = retransmitted[i];
                }
            }
        }
        if (cum > base) {
            base = cum;
        }
        int limit = Math.min(a.sackBits(), nextSeq - cum - 1);
        // An ACK overtaken by a later one may still name datagrams below base, whose slots are reused.
        for (int b = Math.max(0, base - cum - 1); b < limit; b++) {
            if (a.sacked(b)) {
                int s = cum + 1 + b;
                int i = s % ring;
                if (!acked[i]) {
                    deliver(s, i, now);
                    newly++;
                    if (!newestFound || sentAt[i] - newestSentAt > 0) {
                        newestFound = true;
                        newestSentAt = sentAt[i];
                        newestAgain = retransmitted[i];
                    }
                }
            }
        }
        rwnd = a.window();
        if (newestFound && !newestAgain) {
            rttSample = now - newestSentAt;
        }
        return newly;
    }

    long rttSample() {
        return rttSample;
    }

    private void deliver(int s, int i, long now) {
        boolean spurious = retransmitted[i] && reorder.fasterThanAnyRoundTrip(now - sentAt[i]);
        if (spurious) {
            // The original arrived, only late: allow more reordering. Its send time is unknown, so
            // it cannot tell RACK which datagrams were sent before it (RFC 8985, step 2).
            reorder.spurious();
        }
        acked[i] = true;
        if (lost[i]) {
            lost[i] = false;
            lostCount--;
        } else {
            pipe--;
        }
        if (spurious) {
            return;
        }
        if (!rackSet || sentAt[i] - rackSentAt > 0 || (sentAt[i] == rackSentAt && s > rackSeq)) {
            rackSet = true;
            rackSentAt = sentAt[i];
            rackSeq = s;
        }
        rackAckedAt = now;
    }

    /**
     * Marks lost every outstanding datagram sent before the most recently delivered one by at least
     * {@code allowance}, counting the time since that delivery was learnt. Returns the time at which
     * the next outstanding one would qualify, or {@code now} when none is waiting for that.
     */
    long detectLosses(long now, long allowance) {
        long wake = now;
        if (!rackSet) {
            return wake;
        }
        long elapsed = now - rackAckedAt;
        for (int s = base; s < nextSeq; s++) {
            int i = s % ring;
            if (acked[i] || lost[i]) {
                continue;
            }
            long ahead = rackSentAt - sentAt[i];
            if (ahead < 0 || (ahead == 0 && s >= rackSeq)) {
                continue;
            }
            long left = allowance - ahead - elapsed;
            if (left <= 0) {
                markLost(s, i, now);
            } else if (wake == now || now + left - wake < 0) {
                wake = now + left;
            }
        }
        return wake;
    }

    /** The retransmission time-out expired: everything outstanding is presumed lost. */
    void allLost(long now) {
        for (int s = base; s < nextSeq; s++) {
            int i = s % ring;
            if (!acked[i] && !lost[i]) {
                markLost(s, i, now);
            }
        }
    }

    private void markLost(int s, int i, long now) {
        lost[i] = true;
        pipe--;
        lostCount++;
        if (lostQueued == lostQueue.length) {
            compactLostQueue();
        }
        lostQueue[(lostHead + lostQueued) % lostQueue.length] = s;
        lostQueued++;
        congestion.lost(sentAt[i], now);
    }

    /** Drops entries no longer lost. At most {@code ring} entries are live, so this always makes room. */
    private void compactLostQueue() {
        int kept = 0;
        int[] live = new int[lostQueue.length];
        for (int k = 0; k < lostQueued; k++) {
            int s = lostQueue[(lostHead + k) % lostQueue.length];
            if (s >= base && lost[s % ring]) {
                live[kept++] = s;
            }
        }
        System.arraycopy(live, 0, lostQueue, 0, kept);
        lostHead = 0;
        lostQueued = kept;
    }

    private int nextLost() {
        while (lostQueued > 0) {
            int s = lostQueue[lostHead];
            lostHead = (lostHead + 1) % lostQueue.length;
            lostQueued--;
            int i = s % ring;
            if (s >= base && lost[i]) {
                lost[i] = false;
                lostCount--;
                return s;
            }
        }
        return -1;
    }
}
