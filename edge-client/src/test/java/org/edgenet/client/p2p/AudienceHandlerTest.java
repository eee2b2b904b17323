package org.edgenet.client.p2p;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.message.Ticket;
import org.edgenet.common.p2p.Accept;
import org.edgenet.common.p2p.Ack;
import org.edgenet.common.p2p.Done;
import org.edgenet.common.p2p.DropReason;
import org.edgenet.common.p2p.Reject;
import org.edgenet.common.p2p.RejectCode;
import org.edgenet.common.p2p.UvfDatagram;
import org.edgenet.common.p2p.UvfFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The audience handler alone on an {@link EmbeddedChannel}, with disk work run in place and time
 * frozen: only an OFFER proving a ticket starts a transfer, every datagram after it must open with
 * the transfer's keys, bad datagrams are dropped and counted without harm, bad names are refused,
 * and a whole transfer stores its file only when the SHA-256 matches.
 */
class AudienceHandlerTest {
    private static final InetSocketAddress ME = new InetSocketAddress(InetAddress.getLoopbackAddress(), 8000);
    private static final InetSocketAddress PRESENTER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);
    private static final int PAYLOAD = 512;
    private static final long ID = 77;

    @TempDir
    Path dir;

    private final RecordingEvents events = new RecordingEvents();
    private final DropCounter drops = new DropCounter();
    private AudienceHandler handler;
    private EmbeddedChannel ch;
    private Ticket ticket;
    private HandPresenter cam;

    @BeforeEach
    void open() {
        handler = new AudienceHandler(dir, new PeerContext(PeerOptions.DEFAULTS, Runnable::run, events, drops));
        ch = new EmbeddedChannel(new UvfDecoder(drops), handler);
        ch.freezeTime();
        ticket = HandPresenter.ticket("cam", "me");
        handler.admit(ticket);
        cam = new HandPresenter(ID, ticket);
    }

    @AfterEach
    void close() {
        ch.finishAndReleaseAll();
    }

    @Test
    void aTruncatedDatagramIsDroppedAndCounted() throws IOException {
        receive(Unpooled.wrappedBuffer(new byte[] {(byte) 0xED, 0x75, 2, 3, 0}));

        assertHarmlessDrop(DropReason.TRUNCATED);
    }

    @Test
    void anOversizeDatagramIsDroppedAndCounted() throws IOException {
        receive(cam.data(0, new byte[UvfFormat.MAX_PAYLOAD + 1]));

        assertHarmlessDrop(DropReason.OVERSIZE);
    }

    @Test
    void aDatagramWithTheWrongMagicIsDroppedAndCounted() throws IOException {
        receive(cam.offer(10, PAYLOAD, "clip.bin").setShort(0, 0xCAFE));

        assertHarmlessDrop(DropReason.BAD_MAGIC);
    }

    @Test
    void anOfferWithoutAValidTicketIsDroppedSilentlyAndTakesNothing() throws IOException {
        HandPresenter stranger = new HandPresenter(ID, HandPresenter.ticket("supersensor", "me"));

        receive(stranger.offer(10, PAYLOAD, "evil.txt"));

        assertHarmlessDrop(DropReason.UNKNOWN_TICKET);
        assertTrue(events.failed.isEmpty() && events.received.isEmpty(), "the console hears nothing");
    }

    @Test
    void anOfferNamingARealTicketButSealedWithAnotherKeyIsDroppedAndTheTicketStillWorks() throws Exception {
        byte[] wrongKey = new byte[Ticket.KEY_LENGTH];
        Ticket forged = new Ticket(ticket.id(), DeviceName.of("supersensor"), DeviceName.of("me"), wrongKey,
                ticket.lifetime());

        receive(new HandPresenter(ID, forged).offer(10, PAYLOAD, "evil.txt"));

        assertHarmlessDrop(DropReason.FORGED);
        accept(cam.offer(10, PAYLOAD, "clip.bin"));
    }

    @Test
    void aTicketLetsOneOfferInAndNoOther() throws IOException {
        accept(cam.offer(10, PAYLOAD, "clip.bin"));

        receive(new HandPresenter(ID + 1, ticket).offer(10, PAYLOAD, "again.bin"));

        assertEquals(1, drops.count(DropReason.UNKNOWN_TICKET), "a second transfer id under the same ticket");
        assertNull(ch.readOutbound(), "no answer");
        assertEquals(1, listing().size(), "only the first transfer's temp file");
    }

    @Test
    void anExpiredTicketLetsNothingIn() throws IOException {
        ch.advanceTimeBy(30, TimeUnit.SECONDS);

        receive(cam.offer(10, PAYLOAD, "clip.bin"));

        assertHarmlessDrop(DropReason.UNKNOWN_TICKET);
    }

    @Test
    void theAudienceHoldsAtMostABoundedNumberOfTickets() {
        for (int i = 0; i < TicketBook.MAX_TICKETS + 50; i++) {
            handler.admit(HandPresenter.ticket("cam", "me"));
        }

        receive(cam.offer(10, PAYLOAD, "clip.bin"));

        assertEquals(1, drops.count(DropReason.UNKNOWN_TICKET), "the oldest ticket made room for newer ones");
    }

    @Test
    void dataForAnUnknownTransferIsCountedAndNotAnswered() throws IOException {
        receive(cam.data(0, new byte[PAYLOAD]));

        assertHarmlessDrop(DropReason.UNKNOWN_TRANSFER);
    }

    @Test
    void aSequenceNumberPastTheEndIsDroppedAndNothingIsWritten() throws IOException {
        accept(cam.offer(1000, PAYLOAD, "clip.bin"));

        receive(cam.data(2, new byte[PAYLOAD]));

        assertEquals(1, drops.count(DropReason.PAST_END), "drop count");
        Path temp = onlyFile();
        assertTrue(temp.getFileName().toString().endsWith(".part"), "only the temp file exists: " + temp);
        assertEquals(0, Files.size(temp), "nothing written");
        assertNull(ch.readOutbound(), "no answer");
    }

    @Test
    void aPayloadOfTheWrongLengthIsDroppedAndCounted() throws IOException {
        accept(cam.offer(1000, PAYLOAD, "clip.bin"));

        receive(cam.data(0, new byte[PAYLOAD - 1]));

        assertEquals(1, drops.count(DropReason.BAD_LENGTH), "drop count");
        assertEquals(0, Files.size(onlyFile()), "nothing written");
    }

    @ParameterizedTest(name = "file {0}")
    @ValueSource(strings = {"../x", "a/b", "a\\b", "..", ".", "bell\u0007.bin"})
    void badFileNamesAreRefusedAndNothingIsKept(String fileName) throws Exception {
        receive(cam.offer(10, PAYLOAD, fileName));

        Reject r = assertInstanceOf(Reject.class, sent(), "answer");
        assertEquals(RejectCode.BAD_NAME, r.code(), "reject code");
        assertEquals(List.of(), listing(), "nothing on disk");
        assertTrue(events.nextFailed().reason().contains("name"), "the console hears why");
        receive(cam.offer(10, PAYLOAD, fileName));
        assertEquals(r, sent(), "a repeated offer gets the same answer");
    }

    @Test
    void anOfferLargerThanTheFreeDiskSpaceIsRefusedAndNothingIsKept() throws Exception {
        long free = Files.getFileStore(dir).getUsableSpace();
        long size = Math.max(free + 1, 1L << 40);

        receive(cam.offer(size, UvfFormat.MAX_PAYLOAD, "huge.bin"));

        Reject r = assertInstanceOf(Reject.class, sent(), "answer");
        assertEquals(RejectCode.STORAGE_FAILED, r.code(), "reject code");
        assertEquals(List.of(), listing(), "nothing on disk");
        assertTrue(events.nextFailed().reason().contains("disk space"), "the console hears why");
    }

    @Test
    void aWholeTransferIsStoredUnderTheVouchedPresentersPrefixOnceItsChecksumMatches() throws Exception {
        byte[] file = randomBytes(PAYLOAD * 2 + 100);
        accept(cam.offer(file.length, PAYLOAD, "clip.bin"));

        receive(cam.data(2, slice(file, 2)));
        Ack gap = assertInstanceOf(Ack.class, sent(), "ack after a gap");
        receive(cam.data(0, slice(file, 0)));
        receive(cam.data(1, slice(file, 1)));
        receive(cam.data(1, slice(file, 1)));
        receive(cam.fin(3, sha256(file)));

        assertEquals(0, gap.cumulative(), "first missing before the others came");
        assertTrue(gap.sacked(1), "datagram 2 acknowledged selectively");
        assertEquals(new Done(ID), lastSent(), "the presenter hears DONE");
        Path stored = dir.resolve("cam_clip.bin");
        assertArrayEquals(file, Files.readAllBytes(stored), "stored bytes");
        assertEquals(List.of(stored), listing(), "no temp file left");
        assertEquals(new RecordingEvents.Received("clip.bin", "cam", stored), events.nextReceived(), "event");
        assertEquals(0, drops.total(), "a duplicate is not a bad datagram");
    }

    @Test
    void forgedRejectAckAndFinMidTransferChangeNothing() throws Exception {
        byte[] file = randomBytes(PAYLOAD * 2);
        accept(cam.offer(file.length, PAYLOAD, "clip.bin"));
        receive(cam.data(0, slice(file, 0)));
        lastSent();
        HandPresenter forger = new HandPresenter(ID, HandPresenter.ticket("cam", "me"), 1000);

        receive(forger.reject("closing"));
        receive(forger.fin(2, sha256(file)));
        receive(forger.control(Ack.cumulative(ID, 2, 16)));
        receive(forger.data(1, new byte[PAYLOAD]));

        assertEquals(3, drops.count(DropReason.FORGED), "REJECT, FIN and DATA fail to open");
        assertEquals(1, drops.count(DropReason.WRONG_DIRECTION), "an ACK is not for the audience");
        assertNull(ch.readOutbound(), "no answer to any of them");
        receive(cam.data(1, slice(file, 1)));
        receive(cam.fin(2, sha256(file)));
        assertEquals(new Done(ID), lastSent(), "the real transfer completes");
        assertArrayEquals(file, Files.readAllBytes(dir.resolve("cam_clip.bin")), "stored bytes");
        assertTrue(events.failed.isEmpty(), "the console heard of no failure");
    }

    @Test
    void aDataDatagramWithOneFlippedByteIsDroppedAndItsResendIsStored() throws Exception {
        byte[] file = randomBytes(PAYLOAD * 2);
        accept(cam.offer(file.length, PAYLOAD, "clip.bin"));
        ByteBuf bent = cam.data(1, slice(file, 1));
        bent.setByte(UvfFormat.HEADER_LENGTH + 100, bent.getByte(UvfFormat.HEADER_LENGTH + 100) ^ 1);

        receive(cam.data(0, slice(file, 0)));
        receive(bent);
        Ack afterBent = assertInstanceOf(Ack.class, lastSent(), "ack");
        receive(cam.data(1, slice(file, 1)));
        receive(cam.fin(2, sha256(file)));

        assertEquals(1, drops.count(DropReason.FORGED), "the altered datagram");
        assertEquals(1, afterBent.cumulative(), "datagram 1 was not taken");
        assertEquals(new Done(ID), lastSent(), "DONE once the genuine one came");
        assertArrayEquals(file, Files.readAllBytes(dir.resolve("cam_clip.bin")), "identical file");
    }

    @Test
    void datagramsReplayedFromAnEarlierTransferAreDropped() throws Exception {
        byte[] first = randomBytes(PAYLOAD);
        accept(cam.offer(first.length, PAYLOAD, "one.bin"));
        ByteBuf oldData = cam.data(0, first);
        ByteBuf oldFin = cam.fin(1, sha256(first));
        receive(oldData.retainedDuplicate());
        receive(oldFin.retainedDuplicate());
        assertEquals(new Done(ID), lastSent(), "first transfer done");

        Ticket second = HandPresenter.ticket("cam", "me");
        handler.admit(second);
        HandPresenter again = new HandPresenter(ID + 1, second);
        cam = again;
        byte[] next = randomBytes(PAYLOAD);
        accept(again.offer(next.length, PAYLOAD, "two.bin"));
        ByteBuf replayed = oldData.copy();
        oldData.release();
        replayed.setLong(4, ID + 1);
        receive(replayed);
        receive(oldFin);

        assertEquals(1, drops.count(DropReason.FORGED), "old DATA under the new transfer's id fails to open");
        assertNull(ch.readOutbound(), "the old FIN, already answered, is stale: no answer");
        receive(again.data(0, next));
        receive(again.fin(1, sha256(next)));
        assertEquals(new Done(ID + 1), lastSent(), "the second transfer completes");
        assertArrayEquals(next, Files.readAllBytes(dir.resolve("cam_two.bin")), "with its own bytes");
    }

    @Test
    void aChecksumMismatchKeepsNothingAndTellsThePresenter() throws Exception {
        byte[] file = new byte[PAYLOAD + 1];
        accept(cam.offer(file.length, PAYLOAD, "clip.bin"));

        receive(cam.data(0, slice(file, 0)));
        receive(cam.data(1, slice(file, 1)));
        receive(cam.fin(2, new byte[32]));

        Reject r = assertInstanceOf(Reject.class, lastSent(), "answer");
        assertEquals(RejectCode.CHECKSUM_MISMATCH, r.code(), "reject code");
        assertEquals(List.of(), listing(), "nothing kept");
        assertTrue(events.nextFailed().reason().contains("damaged"), "the console hears why");
    }

    @Test
    void anEmptyFileNeedsOnlyAnOfferAndAFin() throws Exception {
        accept(cam.offer(0, PAYLOAD, "empty.txt"));

        receive(cam.fin(0, sha256(new byte[0])));

        assertEquals(new Done(ID), lastSent(), "answer");
        assertEquals(0, Files.size(dir.resolve("cam_empty.txt")), "stored size");
    }

    @Test
    void aRejectFromThePresenterDeletesTheTempFile() throws Exception {
        accept(cam.offer(1000, PAYLOAD, "clip.bin"));
        receive(cam.data(0, new byte[PAYLOAD]));

        receive(cam.reject("closing"));

        assertEquals(List.of(), listing(), "nothing kept");
        assertTrue(events.nextFailed().reason().contains("gave up"), "the console hears why");
    }

    @Test
    void aSilentPresentersTransferIsAbandonedAfterTheIdleTimeOut() throws Exception {
        accept(cam.offer(1000, PAYLOAD, "clip.bin"));

        ch.advanceTimeBy(PeerOptions.DEFAULTS.idleTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();

        assertEquals("the presenter stopped sending", events.nextFailed().reason(), "the console hears why");
        assertEquals(List.of(), listing(), "the temp file is gone");
    }

    /** Sends the offer and expects the ACCEPT. */
    private void accept(ByteBuf offer) {
        receive(offer);
        Accept a = assertInstanceOf(Accept.class, sent(), "answer to the offer");
        assertEquals(PAYLOAD, a.payloadSize(), "payload size");
    }

    private void receive(ByteBuf datagram) {
        ch.writeInbound(new DatagramPacket(datagram, ME, PRESENTER));
        ch.runPendingTasks();
    }

    private UvfDatagram sent() {
        ByteBuf p = nextPacket();
        assertTrue(p != null, "an answer was sent");
        try {
            return cam.open(p);
        } finally {
            p.release();
        }
    }

    private ByteBuf nextPacket() {
        DatagramPacket p = ch.readOutbound();
        if (p == null) {
            return null;
        }
        assertEquals(PRESENTER, p.recipient(), "answers go to the presenter");
        return p.content();
    }

    private ByteBuf lastPacket() {
        ByteBuf last = null;
        for (ByteBuf p = nextPacket(); p != null; p = nextPacket()) {
            if (last != null) {
                last.release();
            }
            last = p;
        }
        return last;
    }

    private UvfDatagram lastSent() {
        ByteBuf p = lastPacket();
        try {
            return p == null ? null : cam.open(p);
        } finally {
            if (p != null) {
                p.release();
            }
        }
    }

    private void assertHarmlessDrop(DropReason reason) throws IOException {
        assertEquals(1, drops.count(reason), "drop count for " + reason);
        assertEquals(1, drops.total(), "total drops");
        assertTrue(ch.isOpen(), "the channel stays open");
        assertNull(ch.readOutbound(), "no answer");
        assertEquals(List.of(), listing(), "nothing on disk");
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private static byte[] sha256(byte[] file) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(file);
    }

    private static byte[] slice(byte[] file, int seq) {
        int from = seq * PAYLOAD;
        byte[] part = new byte[Math.min(PAYLOAD, file.length - from)];
        System.arraycopy(file, from, part, 0, part.length);
        return part;
    }

    private Path onlyFile() throws IOException {
        List<Path> all = listing();
        assertEquals(1, all.size(), "files: " + all);
        return all.get(0);
    }

    private List<Path> listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
