package org.edgenet.client.p2p;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import org.edgenet.common.p2p.Ack;
import org.edgenet.common.p2p.DropReason;
import org.edgenet.common.p2p.Offer;
import org.edgenet.common.p2p.UvfCodec;
import org.edgenet.common.p2p.UvfDatagram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The presenter handler alone: what does not belong to one of its transfers is dropped and counted. */
class PresenterHandlerTest {
    private static final InetSocketAddress ME = new InetSocketAddress(InetAddress.getLoopbackAddress(), 50000);
    private static final InetSocketAddress PEER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 8000);

    private final DropCounter drops = new DropCounter();
    private final EmbeddedChannel ch = new EmbeddedChannel(new UvfDecoder(drops), new PresenterHandler(drops));

    @AfterEach
    void close() {
        ch.finishAndReleaseAll();
    }

    @Test
    void anAckForNoTransferOfOursIsDroppedAndCounted() {
        receive(encode(Ack.cumulative(99, 5, 10)));

        assertDropped(DropReason.UNKNOWN_TRANSFER);
    }

    @Test
    void aTruncatedDatagramIsDroppedAndCounted() {
        receive(Unpooled.wrappedBuffer(new byte[] {(byte) 0xED, 0x75}));

        assertDropped(DropReason.TRUNCATED);
    }

    @Test
    void garbageIsDroppedAndCounted() {
        receive(Unpooled.wrappedBuffer("GET / HTTP/1.1\r\n\r\n".getBytes()));

        assertDropped(DropReason.BAD_MAGIC);
    }

    @Test
    void anOfferToThePresenterPortIsDroppedAsUnknown() {
        receive(encode(new Offer(1, 10, 1400, "cam", "x")));

        assertDropped(DropReason.UNKNOWN_TRANSFER);
    }

    private void receive(ByteBuf datagram) {
        ch.writeInbound(new DatagramPacket(datagram, ME, PEER));
        ch.runPendingTasks();
    }

    private void assertDropped(DropReason reason) {
        assertEquals(1, drops.count(reason), "drop count for " + reason);
        assertTrue(ch.isOpen(), "the channel stays open");
        assertNull(ch.readOutbound(), "no answer");
    }

    private static ByteBuf encode(UvfDatagram d) {
        ByteBuf buf = Unpooled.buffer();
        UvfCodec.encode(d, buf);
        return buf;
    }
}
