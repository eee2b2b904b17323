package org.edgenet.client.p2p;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.edgenet.common.message.Ticket;
import org.edgenet.common.p2p.DatagramSeal;
import org.edgenet.common.p2p.DropReason;
import org.edgenet.common.p2p.Envelope;
import org.edgenet.common.p2p.MalformedDatagramException;
import org.edgenet.common.p2p.TransferKeys;
import org.edgenet.common.p2p.UvfCodec;
import org.edgenet.common.p2p.UvfDatagram;

/**
 * One end's seals of one transfer, used on its event loop: it opens what the other end sends and
 * seals its own control datagrams, numbering them. Control datagrams count as fresh only when their
 * packet number is above every one accepted before, so a replayed or overtaken ACCEPT, ACK, FIN,
 * DONE or REJECT changes nothing; a late one is superseded by a newer one anyway.
 */
final class TransferSeals {
    private final DatagramSeal in;
    private final DatagramSeal out;
    private int nextOut;
    private int highestIn = -1;

    private TransferSeals(DatagramSeal in, DatagramSeal out) {
        this.in = in;
        this.out = out;
    }

    static TransferSeals forAudience(Ticket ticket, long transferId) {
        TransferKeys keys = TransferKeys.derive(ticket.key(), transferId);
        return new TransferSeals(keys.toAudience(), keys.toPresenter());
    }

    static TransferSeals forPresenter(TransferKeys keys) {
        return new TransferSeals(keys.toPresenter(), keys.toAudience());
    }

    /** Seals {@code d} with the next packet number into a new buffer. */
    ByteBuf seal(UvfDatagram d, ByteBufAllocator alloc) {
        if (nextOut == Integer.MAX_VALUE) {
            // 2^31 control datagrams in one transfer: not a real transfer, and a nonce must never repeat.
            throw new IllegalStateException("packet numbers of transfer " + Long.toHexString(d.transferId()) + " ran out");
        }
        ByteBuf buf = alloc.directBuffer(96);
        out.seal(d, nextOut++, buf);
        return buf;
    }

    /** Opens DATA into {@code dst}; false when it was not sealed with this transfer's key. */
    boolean openData(Envelope e, ByteBuf dst) {
        return in.open(e, dst);
    }

    /**
     * Opens a control datagram, using {@code scratch} for its body. Null when it is authentic but
     * not newer than one already accepted.
     *
     * @throws MalformedDatagramException {@link DropReason#FORGED} when it does not open with this
     *                                    transfer's key, {@link DropReason#MALFORMED} when its body is bad
     */
    UvfDatagram openControl(Envelope e, ByteBuf scratch) {
        if (e.packetNumber() <= highestIn) {
            return null;
        }
        scratch.clear();
        if (!in.open(e, scratch)) {
            throw new MalformedDatagramException(DropReason.FORGED, e.type() + " of " + Long.toHexString(e.transferId()));
        }
        UvfDatagram d = UvfCodec.readBody(e, scratch);
        highestIn = e.packetNumber();
        return d;
    }
}
