package org.edgenet.common.p2p;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UvfCodecTest {
    private static final long ID = 0x0123_4567_89AB_CDEFL;

    static Stream<UvfDatagram> everyTypeButData() {
        long[] sack = new long[3];
        sack[0] = 0b1011L;
        sack[2] = 1L << 5;
        return Stream.of(
                new Offer(ID, 1_234_567_890_123L, 1400, "uav-camera", "test ünïcode.mp4"),
                new Accept(ID, 1400, 4096),
                new Ack(ID, 77, 1024, 134, sack),
                Ack.cumulative(ID, 3, 16),
                new Fin(ID, 12, new byte[32]),
                new Done(ID),
                new Reject(ID, RejectCode.BAD_NAME, "the file name contains a path"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyTypeButData")
    void everyTypeRoundTripsThroughItsBytes(UvfDatagram d) {
        ByteBuf buf = encode(d);
        try {
            UvfDatagram back = UvfCodec.decode(buf);
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
        } finally {
            buf.release();
        }
    }

    @Test
    void dataCarriesItsPayloadAsASliceOfTheDatagram() {
        ByteBuf buf = Unpooled.buffer();
        UvfCodec.writeDataHeader(buf, ID, 42);
        buf.writeBytes("hello".getBytes(StandardCharsets.US_ASCII));

        Data d = (Data) UvfCodec.decode(buf);

        assertEquals(ID, d.transferId(), "transfer id");
        assertEquals(42, d.seq(), "sequence number");
        assertEquals("hello", d.payload().toString(StandardCharsets.US_ASCII), "payload");
    }

    @Test
    void theHeaderIsTwelveBytesInNetworkOrder() {
        ByteBuf buf = encode(new Done(ID));

        assertEquals("ed750106" + "0123456789abcdef", ByteBufUtil.hexDump(buf), "DONE bytes");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyTypeButData")
    void everyShorterPrefixIsTruncated(UvfDatagram d) {
        byte[] whole = ByteBufUtil.getBytes(encode(d));
        for (int n = 0; n < whole.length; n++) {
            ByteBuf prefix = Unpooled.wrappedBuffer(whole, 0, n);
            MalformedDatagramException e = assertThrows(MalformedDatagramException.class, () -> UvfCodec.decode(prefix),
                    "prefix of " + n + " bytes");
            assertEquals(DropReason.TRUNCATED, e.reason(), "reason for a prefix of " + n + " bytes");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyTypeButData")
    void aTrailingByteIsMalformed(UvfDatagram d) {
        ByteBuf buf = encode(d).writeByte(0);

        assertEquals(DropReason.MALFORMED, reasonFor(buf), "reason");
    }

    @Test
    void wrongMagicIsRefused() {
        ByteBuf buf = encode(new Done(ID)).setShort(0, 0xED6E);

        assertEquals(DropReason.BAD_MAGIC, reasonFor(buf), "reason");
    }

    @Test
    void anotherVersionIsRefused() {
        ByteBuf buf = encode(new Done(ID)).setByte(2, 2);

        assertEquals(DropReason.BAD_VERSION, reasonFor(buf), "reason");
    }

    @Test
    void unknownTypesAreRefused() {
        for (int type : new int[] {0, 8, 255}) {
            ByteBuf buf = encode(new Done(ID)).setByte(3, type);

            assertEquals(DropReason.UNKNOWN_TYPE, reasonFor(buf), "reason for type " + type);
        }
    }

    @Test
    void aRejectCodeFromANewerPeerReadsAsOtherWithItsReason() {
        ByteBuf buf = encode(new Reject(ID, RejectCode.BAD_NAME, "quota reached"));
        buf.setByte(UvfFormat.HEADER_LENGTH, 200);

        assertEquals(new Reject(ID, RejectCode.OTHER, "quota reached"), UvfCodec.decode(buf), "decoded reject");
    }

    @Test
    void aDatagramLargerThanUdpAllowsIsOversize() {
        ByteBuf buf = Unpooled.buffer();
        UvfCodec.writeDataHeader(buf, ID, 0);
        buf.writeZero(UvfFormat.MAX_PAYLOAD + 1);

        assertEquals(DropReason.OVERSIZE, reasonFor(buf), "reason");
    }

    @Test
    void aSequenceNumberAbove2To31IsMalformed() {
        ByteBuf buf = Unpooled.buffer();
        UvfCodec.writeDataHeader(buf, ID, 0);
        buf.setInt(12, 0x8000_0000);

        assertEquals(DropReason.MALFORMED, reasonFor(buf), "reason");
    }

    @Test
    void aSackBitmapLongerThanTheLimitIsMalformed() {
        ByteBuf buf = encode(Ack.cumulative(ID, 0, 0));
        buf.setShort(20, UvfFormat.MAX_SACK_BITS + 1);

        assertEquals(DropReason.MALFORMED, reasonFor(buf), "reason");
    }

    @Test
    void aNameThatIsNotUtf8IsMalformed() {
        ByteBuf buf = encode(new Offer(ID, 1, 1400, "cam", "ab"));
        buf.setByte(buf.writerIndex() - 1, 0xFF);

        assertEquals(DropReason.MALFORMED, reasonFor(buf), "reason");
    }

    @Test
    void aNegativeFileSizeIsMalformed() {
        ByteBuf buf = encode(new Offer(ID, 1, 1400, "cam", "ab"));
        buf.setLong(12, -1);

        assertEquals(DropReason.MALFORMED, reasonFor(buf), "reason");
    }

    @Test
    void aLongRejectReasonIsCutToFitWithoutSplittingACharacter() {
        String reason = "é".repeat(200);

        Reject back = (Reject) UvfCodec.decode(encode(new Reject(ID, RejectCode.OTHER, reason)));

        assertEquals("é".repeat(127), back.reason(), "cut reason");
    }

    @Test
    void finKeepsItsDigestBytes() {
        byte[] sha = new byte[32];
        for (int i = 0; i < sha.length; i++) {
            sha[i] = (byte) i;
        }

        Fin back = (Fin) UvfCodec.decode(encode(new Fin(ID, 9, sha)));

        assertArrayEquals(sha, back.sha256(), "digest");
        assertTrue(back.toString().contains("9 datagrams"), "toString names the count");
    }

    private static ByteBuf encode(UvfDatagram d) {
        ByteBuf buf = Unpooled.buffer();
        UvfCodec.encode(d, buf);
        return buf;
    }

    private static DropReason reasonFor(ByteBuf buf) {
        return assertThrows(MalformedDatagramException.class, () -> UvfCodec.decode(buf), "decode").reason();
    }
}
