package org.edgenet.common.p2p;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sealed datagrams on bytes: round trips, the clear header, and every way a datagram is refused. */
class UvfCodecTest {
    private static final long ID = 0x0123_4567_89AB_CDEFL;
    private static final byte[] TICKET_KEY = new byte[32];
    private static final TransferKeys KEYS = TransferKeys.derive(TICKET_KEY, ID);

    static Stream<UvfDatagram> everyControlType() {
        long[] sack = new long[3];
        sack[0] = 0b1011L;
        sack[2] = 1L << 5;
        return Stream.of(
                new Offer(ID, 0x7777L, 1_234_567_890_123L, 1400, "test ünïcode.mp4"),
                new Accept(ID, 1400, 4096),
                new Ack(ID, 77, 1024, 134, sack),
                Ack.cumulative(ID, 3, 16),
                new Fin(ID, 12, new byte[32]),
                new Done(ID),
                new Reject(ID, RejectCode.BAD_NAME, "the file name contains a path"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyControlType")
    void everyControlTypeRoundTripsThroughItsSealedBytes(UvfDatagram d) {
        UvfDatagram back = open(seal(d, 5), KEYS.toAudience());

        if (d instanceof Ack a) {
            Ack b = (Ack) back;
            assertEquals(List.of(a.transferId(), a.cumulative(), a.window(), a.sackBits()),
                    List.of(b.transferId(), b.cumulative(), b.window(), b.sackBits()), "ack fields");
            for (int i = 0; i < a.sackBits() + 8; i++) {
                assertEquals(a.sacked(i), b.sacked(i), "sack bit " + i);
            }
        } else {
            assertEquals(d, back, "decoded datagram");
        }
    }

    @Test
    void dataRoundTripsWithThirtyTwoBytesOfOverheadAndItsPayloadEncrypted() {
        byte[] payload = "hello, hello, hello".getBytes(StandardCharsets.US_ASCII);
        ByteBuf buf = Unpooled.buffer();
        KEYS.toAudience().sealData(ID, 42, ByteBuffer.wrap(payload), buf);

        Envelope e = UvfCodec.decode(buf);
        ByteBuf plain = Unpooled.buffer();
        assertTrue(KEYS.toAudience().open(e, plain), "opens");

        assertEquals(UvfFormat.DATA_OVERHEAD + payload.length, buf.readableBytes(), "datagram length");
        assertEquals(List.of(DatagramType.DATA, ID, 42), List.of(e.type(), e.transferId(), e.packetNumber()), "header");
        assertArrayEquals(payload, ByteBufUtil.getBytes(plain), "payload");
        assertFalse(ByteBufUtil.hexDump(buf).contains(ByteBufUtil.hexDump(payload)), "the payload is not in clear");
    }

    @Test
    void oneSealOpensLargeAndSmallDataFromDirectBuffersInTurnAndLeavesAForgeryOut() {
        DatagramSeal sealer = KEYS.toAudience();
        DatagramSeal opener = KEYS.toAudience();
        byte[] large = new byte[32 * 1024];
        new Random(7).nextBytes(large);
        byte[] small = "the last few bytes".getBytes(StandardCharsets.US_ASCII);
        ByteBuf plain = Unpooled.directBuffer();
        ByteBuf first = Unpooled.directBuffer();
        ByteBuf second = Unpooled.directBuffer();
        try {
            ByteBuffer direct = ByteBuffer.allocateDirect(large.length).put(large).flip();
            sealer.sealData(ID, 0, direct, first);
            sealer.sealData(ID, 1, ByteBuffer.wrap(small), second);
            assertEquals(0, direct.remaining(), "the payload is consumed");

            assertTrue(opener.open(UvfCodec.decode(first), plain), "the large datagram opens");
            assertArrayEquals(large, ByteBufUtil.getBytes(plain), "the large payload");
            plain.clear();
            ByteBuf forged = second.copy();
            forged.setByte(forged.writerIndex() - 1, forged.getByte(forged.writerIndex() - 1) ^ 1);
            assertFalse(opener.open(UvfCodec.decode(forged), plain), "a forged tag does not open");
            assertEquals(0, plain.writerIndex(), "nothing of the forgery is written");
            forged.release();
            assertTrue(opener.open(UvfCodec.decode(second), plain), "the small datagram opens after the large one");
            assertArrayEquals(small, ByteBufUtil.getBytes(plain), "the small payload");
        } finally {
            plain.release();
            first.release();
            second.release();
        }
    }

    @Test
    void theHeaderIsSixteenBytesInNetworkOrderFollowedByTheTag() {
        ByteBuf buf = seal(new Done(ID), 0x0102);

        assertEquals("ed750206" + "0123456789abcdef" + "00000102", ByteBufUtil.hexDump(buf, 0, 16), "DONE header");
        assertEquals(UvfFormat.HEADER_LENGTH + UvfFormat.TAG_LENGTH, buf.readableBytes(), "DONE is header and tag");
    }

    @Test
    void anOfferCarriesItsTicketInClearAfterTheHeader() {
        Envelope e = UvfCodec.decode(seal(new Offer(ID, 0x7777L, 10, 1400, "x"), 0));

        assertEquals(0x7777L, e.ticketId(), "ticket id");
        assertEquals(UvfFormat.OFFER_HEADER_LENGTH, e.header().readableBytes(), "authenticated header");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyControlType")
    void anyFlippedBitMakesTheDatagramBadOrUnopenable(UvfDatagram d) {
        byte[] whole = ByteBufUtil.getBytes(seal(d, 9));
        for (int i = 0; i < whole.length; i++) {
            byte[] bent = whole.clone();
            bent[i] ^= 0x10;
            assertFalse(opens(Unpooled.wrappedBuffer(bent), KEYS.toAudience()), "byte " + i + " flipped");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyControlType")
    void everyShorterPrefixIsTruncatedOrUnopenable(UvfDatagram d) {
        byte[] whole = ByteBufUtil.getBytes(seal(d, 9));
        for (int n = 0; n < whole.length; n++) {
            assertFalse(opens(Unpooled.wrappedBuffer(whole, 0, n), KEYS.toAudience()), "prefix of " + n + " bytes");
        }
        assertEquals(DropReason.TRUNCATED, reasonFor(Unpooled.wrappedBuffer(whole, 0, 31)), "shorter than header and tag");
    }

    @Test
    void aDatagramSealedForAnotherTransferDirectionOrTicketDoesNotOpen() {
        ByteBuf sealed = seal(new Done(ID), 1);
        byte[] otherKey = new byte[32];
        otherKey[0] = 1;

        assertFalse(opens(sealed.duplicate(), KEYS.toPresenter()), "other direction");
        assertFalse(opens(sealed.duplicate(), TransferKeys.derive(TICKET_KEY, ID + 1).toAudience()), "other transfer id");
        assertFalse(opens(sealed.duplicate(), TransferKeys.derive(otherKey, ID).toAudience()), "other ticket");
        assertTrue(opens(sealed.duplicate(), KEYS.toAudience()), "its own");
    }

    @Test
    void theSameBodyUnderTwoPacketNumbersSealsDifferently() {
        byte[] a = ByteBufUtil.getBytes(seal(Ack.cumulative(ID, 3, 16), 1));
        byte[] b = ByteBufUtil.getBytes(seal(Ack.cumulative(ID, 3, 16), 2));

        assertNotEquals(ByteBufUtil.hexDump(a, 16, a.length - 16), ByteBufUtil.hexDump(b, 16, b.length - 16),
                "another nonce, another ciphertext and tag");
    }

    @Test
    void wrongMagicIsRefused() {
        assertEquals(DropReason.BAD_MAGIC, reasonFor(seal(new Done(ID), 0).setShort(0, 0xED6E)), "reason");
    }

    @Test
    void anotherVersionIsRefused() {
        assertEquals(DropReason.BAD_VERSION, reasonFor(seal(new Done(ID), 0).setByte(2, 1)), "reason for version 1");
    }

    @Test
    void unknownTypesAreRefused() {
        for (int type : new int[] {0, 8, 255}) {
            assertEquals(DropReason.UNKNOWN_TYPE, reasonFor(seal(new Done(ID), 0).setByte(3, type)), "reason for type " + type);
        }
    }

    @Test
    void aPacketNumberAbove2To31IsMalformed() {
        assertEquals(DropReason.MALFORMED, reasonFor(seal(new Done(ID), 0).setInt(12, 0x8000_0000)), "reason");
    }

    @Test
    void aDatagramLargerThanUdpAllowsIsOversize() {
        ByteBuf buf = Unpooled.buffer();
        KEYS.toAudience().sealData(ID, 0, ByteBuffer.allocate(UvfFormat.MAX_PAYLOAD + 1), buf);

        assertEquals(DropReason.OVERSIZE, reasonFor(buf), "reason");
    }

    @Test
    void aRejectCodeFromANewerPeerReadsAsOtherWithItsReason() {
        ByteBuf body = Unpooled.buffer().writeByte(200).writeByte(13).writeBytes("quota reached".getBytes(StandardCharsets.US_ASCII));

        assertEquals(new Reject(ID, RejectCode.OTHER, "quota reached"), open(sealBody(DatagramType.REJECT, body), KEYS.toAudience()),
                "decoded reject");
    }

    @Test
    void aTrailingByteIsMalformed() {
        ByteBuf body = Unpooled.buffer().writeShort(1400).writeInt(16).writeByte(0);

        assertEquals(DropReason.MALFORMED, bodyReasonFor(sealBody(DatagramType.ACCEPT, body)), "reason");
    }

    @Test
    void aSackBitmapLongerThanTheLimitIsMalformed() {
        ByteBuf body = Unpooled.buffer().writeInt(0).writeInt(0).writeShort(UvfFormat.MAX_SACK_BITS + 1);

        assertEquals(DropReason.MALFORMED, bodyReasonFor(sealBody(DatagramType.ACK, body)), "reason");
    }

    @Test
    void aNameThatIsNotUtf8IsMalformed() {
        ByteBuf body = Unpooled.buffer().writeLong(1).writeShort(1400).writeByte(2).writeByte('a').writeByte(0xFF);

        assertEquals(DropReason.MALFORMED, bodyReasonFor(sealBody(DatagramType.OFFER, body)), "reason");
    }

    @Test
    void aNegativeFileSizeIsMalformed() {
        ByteBuf body = Unpooled.buffer().writeLong(-1).writeShort(1400).writeByte(1).writeByte('a');

        assertEquals(DropReason.MALFORMED, bodyReasonFor(sealBody(DatagramType.OFFER, body)), "reason");
    }

    @Test
    void aBodyCutShortIsTruncated() {
        ByteBuf body = Unpooled.buffer().writeInt(3);

        assertEquals(DropReason.TRUNCATED, bodyReasonFor(sealBody(DatagramType.FIN, body)), "FIN without its digest");
    }

    @Test
    void aLongRejectReasonIsCutToFitWithoutSplittingACharacter() {
        Reject back = (Reject) open(seal(new Reject(ID, RejectCode.OTHER, "é".repeat(200)), 0), KEYS.toAudience());

        assertEquals("é".repeat(127), back.reason(), "cut reason");
    }

    @Test
    void finKeepsItsDigestBytes() {
        byte[] sha = new byte[32];
        for (int i = 0; i < sha.length; i++) {
            sha[i] = (byte) i;
        }

        Fin back = (Fin) open(seal(new Fin(ID, 9, sha), 0), KEYS.toAudience());

        assertArrayEquals(sha, back.sha256(), "digest");
        assertTrue(back.toString().contains("9 datagrams"), "toString names the count");
    }

    @Test
    void derivedKeysDependOnTheTicketKeyAndTheTransferIdAlone() {
        ByteBuf sealed = seal(new Done(ID), 3);

        assertTrue(opens(sealed, TransferKeys.derive(TICKET_KEY.clone(), ID).toAudience()), "derived again, same keys");
    }

    private static ByteBuf seal(UvfDatagram d, int packetNumber) {
        ByteBuf buf = Unpooled.buffer();
        KEYS.toAudience().seal(d, packetNumber, buf);
        return buf;
    }

    private static ByteBuf sealBody(DatagramType type, ByteBuf body) {
        ByteBuf buf = Unpooled.buffer();
        KEYS.toAudience().sealBody(type, ID, 0, 0, body.nioBuffer(), buf);
        return buf;
    }

    private static UvfDatagram open(ByteBuf datagram, DatagramSeal seal) {
        Envelope e = UvfCodec.decode(datagram);
        ByteBuf plain = Unpooled.buffer();
        assertTrue(seal.open(e, plain), "the datagram opens");
        return UvfCodec.readBody(e, plain);
    }

    /** Whether the datagram decodes, opens and reads as a whole valid datagram. */
    private static boolean opens(ByteBuf datagram, DatagramSeal seal) {
        try {
            Envelope e = UvfCodec.decode(datagram);
            ByteBuf plain = Unpooled.buffer();
            if (!seal.open(e, plain)) {
                return false;
            }
            if (e.type() != DatagramType.DATA) {
                UvfCodec.readBody(e, plain);
            }
            return true;
        } catch (MalformedDatagramException e) {
            return false;
        }
    }

    private static DropReason reasonFor(ByteBuf buf) {
        return assertThrows(MalformedDatagramException.class, () -> UvfCodec.decode(buf), "decode").reason();
    }

    private static DropReason bodyReasonFor(ByteBuf buf) {
        Envelope e = UvfCodec.decode(buf);
        ByteBuf plain = Unpooled.buffer();
        assertTrue(KEYS.toAudience().open(e, plain), "authentic, only malformed");
        return assertThrows(MalformedDatagramException.class, () -> UvfCodec.readBody(e, plain), "read body").reason();
    }
}
