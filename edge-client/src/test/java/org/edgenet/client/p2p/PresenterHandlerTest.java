package org.edgenet.client.p2p;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import org.edgenet.common.message.Ticket;
import org.edgenet.common.p2p.Accept;
import org.edgenet.common.p2p.Ack;
import org.edgenet.common.p2p.DatagramSeal;
import org.edgenet.common.p2p.DatagramType;
import org.edgenet.common.p2p.DropReason;
import org.edgenet.common.p2p.Envelope;
import org.edgenet.common.p2p.Offer;
import org.edgenet.common.p2p.Reject;
import org.edgenet.common.p2p.RejectCode;
import org.edgenet.common.p2p.TransferKeys;
import org.edgenet.common.p2p.UvfCodec;
import org.edgenet.common.p2p.UvfDatagram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The presenter handler alone, time frozen: what does not belong to one of its transfers, or does
 * not open with its keys, is dropped and counted; timers run on the channel's ticker.
 */
class PresenterHandlerTest {
    private static final InetSocketAddress ME = new InetSocketAddress(InetAddress.getLoopbackAddress(), 50000);
    private static final InetSocketAddress PEER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 8000);
    private static final long ID = 5;

    @TempDir
    Path dir;

    private final DropCounter drops = new DropCounter();
    private final PresenterHandler handler = new PresenterHandler(drops);
    private final EmbeddedChannel ch = new EmbeddedChannel(new UvfDecoder(drops), handler);
    private final Ticket ticket = HandPresenter.ticket("cam", "watch");
    private final TransferKeys keys = TransferKeys.derive(ticket.key(), ID);
    private final DatagramSeal audienceSeal = keys.toPresenter();
    private int audiencePacket;

    @AfterEach
    void close() {
        ch.finishAndReleaseAll();
    }

    @Test
    void anAckForNoTransferOfOursIsDroppedAndCounted() {
        receive(fromAudience(Ack.cumulative(99, 5, 10)));

        assertDropped(DropReason.UNKNOWN_TRANSFER);
    }

    @Test
    void aTruncatedDatagramIsDroppedAndCounted() {
        receive(Unpooled.wrappedBuffer(new byte[] {(byte) 0xED, 0x75}));

        assertDropped(DropReason.TRUNCATED);
    }

    @Test
    void garbageIsDroppedAndCounted() {
        receive(Unpooled.wrappedBuffer("GET / HTTP/1.1\r\n\r\nplus some more bytes".getBytes()));

        assertDropped(DropReason.BAD_MAGIC);
    }

    @Test
    void anOfferToThePresenterPortIsDroppedAsUnknown() {
        receive(fromAudience(new Offer(1, 2, 10, 1400, "x")));

        assertDropped(DropReason.UNKNOWN_TRANSFER);
    }

    @Test
    void theOfferIsResentOnTheChannelsTickerAndOnlyAGenuineAcceptStartsTheData() throws Exception {
        ch.freezeTime();
        CompletableFuture<Void> done = start(3000);
        assertInstanceOf(Offer.class, sentOne(), "the OFFER at once");

        ch.advanceTimeBy(299, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertNull(ch.readOutbound(), "nothing before the initial time-out");
        ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        Offer again = assertInstanceOf(Offer.class, sentOne(), "the OFFER again after 300 ms");
        assertEquals(ticket.id(), again.ticketId(), "naming the ticket");

        DatagramSeal forger = TransferKeys.derive(new byte[Ticket.KEY_LENGTH], ID).toPresenter();
        ByteBuf forged = Unpooled.buffer();
        forger.seal(new Accept(ID, 1000, 64), 0, forged);
        receive(forged);
        assertEquals(1, drops.count(DropReason.FORGED), "a forged ACCEPT fails to open");
        assertNull(ch.readOutbound(), "and starts nothing");
        ByteBuf altered = fromAudience(new Reject(ID, RejectCode.OTHER, "x"));
        altered.setByte(20, altered.getByte(20) ^ 0x40);
        receive(altered);
        assertEquals(2, drops.count(DropReason.FORGED), "an altered REJECT fails to open");
        assertFalse(done.isDone(), "the transfer goes on");

        receive(fromAudience(new Accept(ID, 1000, 64)));
        ch.runPendingTasks();
        assertEquals(List.of(DatagramType.DATA, DatagramType.DATA, DatagramType.DATA), sentAll(),
                "three DATA once the genuine ACCEPT came");
    }

    @Test
    void aReplayedAcceptOrAckOfTheSameTransferIsIgnored() throws Exception {
        // Frozen, so that no retransmission or tail probe comes due between the two ACCEPTs.
        ch.freezeTime();
        start(3000);
        sentAll();
        ByteBuf accept = fromAudience(new Accept(ID, 1000, 64));
        receive(accept.retainedDuplicate());
        ch.runPendingTasks();
        sentAll();

        receive(accept);
        ch.runPendingTasks();

        assertTrue(sentAll().isEmpty(), "the replayed ACCEPT is stale: nothing sent");
        assertEquals(0, drops.total(), "and not a bad datagram either: a late copy looks the same");
    }

    private CompletableFuture<Void> start(int size) throws IOException {
        Path file = Files.write(dir.resolve("clip.bin"), new byte[size]);
        FileChannel fc = FileChannel.open(file, StandardOpenOption.READ);
        PeerContext context = new PeerContext(PeerOptions.DEFAULTS.withMaxLocalPayload(1000), Runnable::run,
                new RecordingEvents(), drops);
        OutgoingTransfer[] self = new OutgoingTransfer[1];
        OutgoingTransfer t = new OutgoingTransfer(ID, PEER, new OutgoingFile(fc, size, "clip.bin"), ticket, context, ch,
                () -> handler.remove(self[0]));
        self[0] = t;
        handler.start(t);
        return t.future;
    }

    private ByteBuf fromAudience(UvfDatagram d) {
        ByteBuf buf = Unpooled.buffer();
        audienceSeal.seal(d, audiencePacket++, buf);
        return buf;
    }

    private void receive(ByteBuf datagram) {
        ch.writeInbound(new DatagramPacket(datagram, ME, PEER));
        ch.runPendingTasks();
    }

    /** The one datagram sent, a control datagram, opened as the audience would. */
    private UvfDatagram sentOne() {
        DatagramPacket p = ch.readOutbound();
        assertTrue(p != null, "a datagram was sent");
        assertNull(ch.readOutbound(), "only one");
        try {
            Envelope e = UvfCodec.decode(p.content());
            ByteBuf body = Unpooled.buffer();
            try {
                assertTrue(keys.toAudience().open(e, body), "sealed for the audience");
                return UvfCodec.readBody(e, body);
            } finally {
                body.release();
            }
        } finally {
            p.release();
        }
    }

    /** The types of everything sent since the last look. */
    private List<DatagramType> sentAll() {
        List<DatagramType> out = new ArrayList<>();
        for (DatagramPacket p = ch.readOutbound(); p != null; p = ch.readOutbound()) {
            try {
                assertEquals(PEER, p.recipient(), "to the audience");
                out.add(UvfCodec.decode(p.content()).type());
            } finally {
                p.release();
            }
        }
        return out;
    }

    private void assertDropped(DropReason reason) {
        assertEquals(1, drops.count(reason), "drop count for " + reason);
        assertTrue(ch.isOpen(), "the channel stays open");
        assertNull(ch.readOutbound(), "no answer");
    }
}
