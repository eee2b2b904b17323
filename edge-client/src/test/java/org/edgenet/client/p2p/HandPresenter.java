package org.edgenet.client.p2p;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.message.Ticket;
import org.edgenet.common.p2p.DatagramSeal;
import org.edgenet.common.p2p.Envelope;
import org.edgenet.common.p2p.Fin;
import org.edgenet.common.p2p.Offer;
import org.edgenet.common.p2p.Reject;
import org.edgenet.common.p2p.RejectCode;
import org.edgenet.common.p2p.TransferKeys;
import org.edgenet.common.p2p.UvfCodec;
import org.edgenet.common.p2p.UvfDatagram;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Plays the presenter of one transfer by hand, for handler tests: seals what it sends, opens what it gets. */
final class HandPresenter {
    private static final SecureRandom RANDOM = new SecureRandom();

    final long id;
    final Ticket ticket;
    private final TransferKeys keys;
    private final DatagramSeal out;
    private final DatagramSeal in;
    private int packetNumber;

    HandPresenter(long id, Ticket ticket) {
        this(id, ticket, 0);
    }

    /** Numbers control datagrams from {@code firstPacketNumber}, as a forger guessing high would. */
    HandPresenter(long id, Ticket ticket, int firstPacketNumber) {
        this.id = id;
        this.ticket = ticket;
        this.packetNumber = firstPacketNumber;
        this.keys = TransferKeys.derive(ticket.key(), id);
        this.out = keys.toAudience();
        this.in = keys.toPresenter();
    }

    /** A fresh ticket as the server would issue it: random id and key, 30 s to live. */
    static Ticket ticket(String presenter, String audience) {
        byte[] key = new byte[Ticket.KEY_LENGTH];
        RANDOM.nextBytes(key);
        return new Ticket(RANDOM.nextLong(), DeviceName.of(presenter), DeviceName.of(audience), key, Duration.ofSeconds(30));
    }

    ByteBuf offer(long size, int payload, String fileName) {
        return control(new Offer(id, ticket.id(), size, payload, fileName));
    }

    ByteBuf data(int seq, byte[] payload) {
        ByteBuf buf = Unpooled.buffer();
        // A new seal each time: a real presenter resends the bytes it sealed once, and the JDK
        // refuses to seal twice under one nonce.
        keys.toAudience().sealData(id, seq, ByteBuffer.wrap(payload), buf);
        return buf;
    }

    ByteBuf fin(int count, byte[] sha256) {
        return control(new Fin(id, count, sha256));
    }

    ByteBuf reject(String reason) {
        return control(new Reject(id, RejectCode.ABANDONED, reason));
    }

    /** Seals any control datagram with the next packet number. */
    ByteBuf control(UvfDatagram d) {
        ByteBuf buf = Unpooled.buffer();
        out.seal(d, packetNumber++, buf);
        return buf;
    }

    /** Opens an answer of the audience; it must be sealed for this transfer. */
    UvfDatagram open(ByteBuf datagram) {
        Envelope e = UvfCodec.decode(datagram);
        ByteBuf body = Unpooled.buffer();
        try {
            assertTrue(in.open(e, body), "the answer opens with this transfer's key");
            return UvfCodec.readBody(e, body);
        } finally {
            body.release();
        }
    }
}
