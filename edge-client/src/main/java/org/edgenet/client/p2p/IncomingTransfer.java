package org.edgenet.client.p2p;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The audience's state of one transfer, touched only on the audience channel's event loop (the
 * {@link IncomingFile} it feeds runs on the disk executor). Which datagrams arrived is a ring of
 * flags over the receive window: {@code got[seq % ring]} for {@code cumulative <= seq < cumulative + ring}.
 */
final class IncomingTransfer {
    enum State { OPENING, RECEIVING, FINISHING }

    final TransferKey key;
    final String presenter;
    final String fileName;
    final long size;
    final int payload;
    final int count;
    final int ring;
    final boolean[] got;
    final ProgressGate progress;
    /** Set by the writer when it freed window space the presenter has not heard about yet. */
    final AtomicBoolean windowUpdatePosted = new AtomicBoolean();

    State state = State.OPENING;
    /** Set once on the event loop when the temp file is open; the writer's callback reads it too. */
    volatile IncomingFile file;
    int cumulative;
    int highest = -1;
    long lastHeard;
    boolean ackDue;
    volatile int advertised;

    IncomingTransfer(TransferKey key, String presenter, String fileName, long size, int payload, int ring, long now) {
        this.key = key;
        this.presenter = presenter;
        this.fileName = fileName;
        this.size = size;
        this.payload = payload;
        this.count = (int) ((size + payload - 1) / payload);
        this.ring = ring;
        this.got = new boolean[ring];
        this.progress = new ProgressGate(size);
        this.lastHeard = now;
    }

    /** Bytes datagram {@code seq} must carry: a full payload, or the rest of the file for the last one. */
    int expectedLength(int seq) {
        return (int) Math.min(payload, size - (long) seq * payload);
    }

    /** Records {@code seq} (within the window, not yet seen) and moves the cumulative mark past any run. */
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

    boolean seen(int seq) {
        return seq < cumulative || (seq < cumulative + ring && got[seq % ring]);
    }

    /** Bytes of the file before the first missing datagram. */
    long prefixBytes() {
        return Math.min(size, (long) cumulative * payload);
    }
}
