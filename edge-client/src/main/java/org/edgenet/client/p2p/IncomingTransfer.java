package org.edgenet.client.p2p;

import org.edgenet.common.p2p.UvfFormat;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The audience's state of one transfer, touched only on the audience channel's event loop (the
 * {@link IncomingFile} it feeds runs on the disk executor). What arrived is its {@link ReceiveWindow}.
 */
final class IncomingTransfer {
    enum State { OPENING, RECEIVING, FINISHING }

    final TransferKey key;
    /** The presenter's name as the ticket vouches for it. */
    final String presenter;
    final String fileName;
    final long size;
    final int payload;
    final ReceiveWindow window;
    final TransferSeals seals;
    final ProgressGate progress;
    /** Set by the writer when it freed window space the presenter has not heard about yet. */
    final AtomicBoolean windowUpdatePosted = new AtomicBoolean();

    State state = State.OPENING;
    /** Set once on the event loop when the temp file is open; the writer's callback reads it too. */
    volatile IncomingFile file;
    long lastHeard;
    boolean ackDue;
    volatile int advertised;

    IncomingTransfer(TransferKey key, TransferSeals seals, String presenter, String fileName, long size, int payload,
                     int ring, long now) {
        this.key = key;
        this.seals = seals;
        this.presenter = presenter;
        this.fileName = fileName;
        this.size = size;
        this.payload = payload;
        this.window = new ReceiveWindow((int) UvfFormat.datagramCount(size, payload), ring);
        this.progress = new ProgressGate(size, now);
        this.lastHeard = now;
    }

    /** Bytes datagram {@code seq} must carry: a full payload, or the rest of the file for the last one. */
    int expectedLength(int seq) {
        return (int) Math.min(payload, size - (long) seq * payload);
    }

    /** Bytes of the file before the first missing datagram. */
    long prefixBytes() {
        return Math.min(size, (long) window.cumulative() * payload);
    }
}
