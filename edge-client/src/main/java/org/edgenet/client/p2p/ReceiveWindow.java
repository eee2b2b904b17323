package org.edgenet.client.p2p;

import org.edgenet.common.p2p.Ack;
import org.edgenet.common.p2p.UvfFormat;

/**
 * The audience's book of which datagrams arrived: everything below the cumulative point, and a ring
 * of flags over {@code [cumulative, cumulative + ring)} for what arrived past it. Plain state, no I/O.
 */
final class ReceiveWindow {
    /** What a DATA sequence number means to this window. */
    enum Arrival {
        /** Not seen yet and within the ring: worth storing. */
        NEW,
        /** Seen before: only worth an acknowledgement. */
        DUPLICATE,
        /** At or past the datagram count: not part of this file. */
        PAST_END,
        /** Too far ahead of the first missing datagram for the ring to hold. */
        BEYOND_WINDOW
    }

    private final int count;
    private final int ring;
    private final boolean[] got;
    private int cumulative;
    private int highest = -1;

    ReceiveWindow(int count, int ring) {
        this.count = count;
        this.ring = ring;
        this.got = new boolean[ring];
    }

    int ring() {
        return ring;
    }

    /** The first missing datagram: every one below it arrived. */
    int cumulative() {
        return cumulative;
    }

    boolean complete() {
        return cumulative == count;
    }

    Arrival classify(int seq) {
        if (seq >= count) {
            return Arrival.PAST_END;
        }
        if (seq < cumulative || (seq < cumulative + ring && got[seq % ring])) {
            return Arrival.DUPLICATE;
        }
        return seq >= cumulative + ring ? Arrival.BEYOND_WINDOW : Arrival.NEW;
    }

    /** Records {@code seq}, which {@link #classify} called new, and moves the cumulative point past any run. */
    void record(int seq) {
        got[seq % ring] = true;
        if (seq > highest) {
            highest = seq;
        }
        while (cumulative < count && got[cumulative % ring]) {
            got[cumulative % ring] = false;
            cumulative++;
        }
    }

    /** The acknowledgement of what arrived: the cumulative point and a SACK bit per datagram after it, up to the highest. */
    Ack ack(long transferId, int window) {
        int bits = Math.max(0, Math.min(Math.min(ring, UvfFormat.MAX_SACK_BITS), highest - cumulative));
        long[] sack = new long[(bits + 63) >>> 6];
        for (int i = 0; i < bits; i++) {
            if (got[(cumulative + 1 + i) % ring]) {
                sack[i >>> 6] |= 1L << (i & 63);
            }
        }
        return new Ack(transferId, cumulative, window, bits, sack);
    }
}
