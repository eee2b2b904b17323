package org.edgenet.client.p2p;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import org.edgenet.common.p2p.Accept;
import org.edgenet.common.p2p.Ack;
import org.edgenet.common.p2p.Data;
import org.edgenet.common.p2p.Done;
import org.edgenet.common.p2p.DropReason;
import org.edgenet.common.p2p.Fin;
import org.edgenet.common.p2p.Offer;
import org.edgenet.common.p2p.Reject;
import org.edgenet.common.p2p.RejectCode;
import org.edgenet.common.p2p.UvfCodec;
import org.edgenet.common.p2p.UvfDatagram;
import org.edgenet.common.p2p.UvfFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The audience handler alone on an {@link EmbeddedChannel}, with disk work run in place: bad
 * datagrams are dropped and counted without harm, bad names are refused, and a whole transfer
 * stores its file only when the SHA-256 matches.
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
    private EmbeddedChannel ch;

    @BeforeEach
    void open() {
        ch = new EmbeddedChannel(new UvfDecoder(drops),
                new AudienceHandler(dir, new PeerContext(PeerOptions.DEFAULTS, Runnable::run, events, drops)));
    }

    @AfterEach
    void close() {
        ch.finishAndReleaseAll();
    }

    @Test
    void aTruncatedDatagramIsDroppedAndCounted() throws IOException {
        receive(Unpooled.wrappedBuffer(new byte[] {(byte) 0xED, 0x75, 1, 3, 0}));

        assertHarmlessDrop(DropReason.TRUNCATED);
    }

    @Test
    void anOversizeDatagramIsDroppedAndCounted() throws IOException {
        ByteBuf big = Unpooled.buffer();
        UvfCodec.writeDataHeader(big, ID, 0);
        big.writeZero(65_500);

        receive(big);

        assertHarmlessDrop(DropReason.OVERSIZE);
    }

    @Test
    void aDatagramWithTheWrongMagicIsDroppedAndCounted() throws IOException {
        ByteBuf buf = encode(new Done(ID)).setShort(0, 0xCAFE);

        receive(buf);

        assertHarmlessDrop(DropReason.BAD_MAGIC);
    }

    @Test
    void dataForAnUnknownTransferIsCountedAndAnsweredWithAReject() throws IOException {
        receive(data(ID, 0, new byte[PAYLOAD]));

        Reject r = assertInstanceOf(Reject.class, sent(), "answer");
        assertEquals(RejectCode.UNKNOWN_TRANSFER, r.code(), "reject code");
        assertEquals(1, drops.count(DropReason.UNKNOWN_TRANSFER), "drop count");
        assertTrue(ch.isOpen(), "the channel stays open");
        assertEquals(List.of(), listing(), "nothing on disk");
    }

    @Test
    void aSequenceNumberPastTheEndIsDroppedAndNothingIsWritten() throws IOException {
        accept(offer(1000, "clip.bin", "cam"));

        receive(data(ID, 2, new byte[PAYLOAD]));

        assertEquals(1, drops.count(DropReason.PAST_END), "drop count");
        assertTrue(ch.isOpen(), "the channel stays open");
        Path temp = onlyFile();
        assertTrue(temp.getFileName().toString().endsWith(".part"), "only the temp file exists: " + temp);
        assertEquals(0, Files.size(temp), "nothing written");
        assertNull(sentOrNull(), "no answer");
    }

    @Test
    void aPayloadOfTheWrongLengthIsDroppedAndCounted() throws IOException {
        accept(offer(1000, "clip.bin", "cam"));

        receive(data(ID, 0, new byte[PAYLOAD - 1]));

        assertEquals(1, drops.count(DropReason.BAD_LENGTH), "drop count");
        assertEquals(0, Files.size(onlyFile()), "nothing written");
    }

    @ParameterizedTest(name = "file {0} from {1}")
    @CsvSource({"../x, cam", "a/b, cam", "a\\b, cam", "'..', cam", "clip.bin, 'bad name'", "clip.bin, cam/x", "clip.bin, ''"})
    void badNamesAreRefusedAndNothingIsKept(String fileName, String presenter) throws Exception {
        receive(encode(offer(10, fileName, presenter)));

        Reject r = assertInstanceOf(Reject.class, sent(), "answer");
        assertEquals(RejectCode.BAD_NAME, r.code(), "reject code");
        assertEquals(List.of(), listing(), "nothing on disk");
        assertTrue(events.nextFailed().reason().contains("name"), "the console hears why");
        receive(encode(offer(10, fileName, presenter)));
        assertEquals(r, sent(), "a repeated offer gets the same answer");
    }

    @Test
    void anOfferLargerThanTheFreeDiskSpaceIsRefusedAndNothingIsKept() throws Exception {
        long free = Files.getFileStore(dir).getUsableSpace();
        long size = Math.max(free + 1, 1L << 40);
        Offer offer = new Offer(ID, size, UvfFormat.MAX_PAYLOAD, "cam", "huge.bin");

        receive(encode(offer));

        Reject r = assertInstanceOf(Reject.class, sent(), "answer");
        assertEquals(RejectCode.STORAGE_FAILED, r.code(), "reject code");
        assertEquals(List.of(), listing(), "nothing on disk");
        assertTrue(events.nextFailed().reason().contains("disk space"), "the console hears why");
    }

    @Test
    void aWholeTransferIsStoredUnderThePresentersPrefixOnceItsChecksumMatches() throws Exception {
        byte[] file = new byte[PAYLOAD * 2 + 100];
        new Random(5).nextBytes(file);
        accept(offer(file.length, "clip.bin", "cam"));

        receive(data(ID, 2, slice(file, 2)));
        Ack gap = assertInstanceOf(Ack.class, sent(), "ack after a gap");
        receive(data(ID, 0, slice(file, 0)));
        receive(data(ID, 1, slice(file, 1)));
        receive(data(ID, 1, slice(file, 1)));
        receive(encode(new Fin(ID, 3, MessageDigest.getInstance("SHA-256").digest(file))));

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
    void aChecksumMismatchKeepsNothingAndTellsThePresenter() throws Exception {
        byte[] file = new byte[PAYLOAD + 1];
        accept(offer(file.length, "clip.bin", "cam"));

        receive(data(ID, 0, slice(file, 0)));
        receive(data(ID, 1, slice(file, 1)));
        receive(encode(new Fin(ID, 2, new byte[32])));

        Reject r = assertInstanceOf(Reject.class, lastSent(), "answer");
        assertEquals(RejectCode.CHECKSUM_MISMATCH, r.code(), "reject code");
        assertEquals(List.of(), listing(), "nothing kept");
        assertTrue(events.nextFailed().reason().contains("damaged"), "the console hears why");
    }

    @Test
    void anEmptyFileNeedsOnlyAnOfferAndAFin() throws Exception {
        accept(offer(0, "empty.txt", "cam"));

        receive(encode(new Fin(ID, 0, MessageDigest.getInstance("SHA-256").digest())));

        assertEquals(new Done(ID), lastSent(), "answer");
        assertEquals(0, Files.size(dir.resolve("cam_empty.txt")), "stored size");
    }

    @Test
    void aRejectFromThePresenterDeletesTheTempFile() throws Exception {
        accept(offer(1000, "clip.bin", "cam"));
        receive(data(ID, 0, new byte[PAYLOAD]));

        receive(encode(new Reject(ID, RejectCode.ABANDONED, "closing")));

        assertEquals(List.of(), listing(), "nothing kept");
        assertTrue(events.nextFailed().reason().contains("gave up"), "the console hears why");
    }

    private Offer offer(long size, String fileName, String presenter) {
        return new Offer(ID, size, PAYLOAD, presenter, fileName);
    }

    /** Sends the offer and expects the ACCEPT. */
    private void accept(Offer offer) {
        receive(encode(offer));
        Accept a = assertInstanceOf(Accept.class, sent(), "answer to the offer");
        assertEquals(PAYLOAD, a.payloadSize(), "payload size");
    }

    private void receive(ByteBuf datagram) {
        ch.writeInbound(new DatagramPacket(datagram, ME, PRESENTER));
        ch.runPendingTasks();
    }

    private UvfDatagram sent() {
        UvfDatagram d = sentOrNull();
        assertTrue(d != null, "an answer was sent");
        return d;
    }

    private UvfDatagram sentOrNull() {
        DatagramPacket p = ch.readOutbound();
        if (p == null) {
            return null;
        }
        try {
            assertEquals(PRESENTER, p.recipient(), "answers go to the presenter");
            UvfDatagram d = UvfCodec.decode(p.content());
            assertTrue(!(d instanceof Data), "the audience sends no data");
            return d;
        } finally {
            p.release();
        }
    }

    private UvfDatagram lastSent() {
        UvfDatagram last = null;
        for (UvfDatagram d = sentOrNull(); d != null; d = sentOrNull()) {
            last = d;
        }
        return last;
    }

    private void assertHarmlessDrop(DropReason reason) throws IOException {
        assertEquals(1, drops.count(reason), "drop count for " + reason);
        assertEquals(1, drops.total(), "total drops");
        assertTrue(ch.isOpen(), "the channel stays open");
        assertNull(ch.readOutbound(), "no answer");
        assertEquals(List.of(), listing(), "nothing on disk");
    }

    private static ByteBuf encode(UvfDatagram d) {
        ByteBuf buf = Unpooled.buffer();
        UvfCodec.encode(d, buf);
        return buf;
    }

    private static ByteBuf data(long id, int seq, byte[] payload) {
        ByteBuf buf = Unpooled.buffer();
        UvfCodec.writeDataHeader(buf, id, seq);
        return buf.writeBytes(payload);
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
