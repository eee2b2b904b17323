package org.edgenet.common.trace;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The 59-byte beacon on bytes: its layout, and one test per way a datagram fails to be one. */
class BeaconTest {
    private static final String GOOD = "12345678901234567890" + "24/09/2020 10:31:00" + "24/09/2020 10:46:00" + "1";

    @Test
    void encodesTempIdStartExpiryAndVersionIn59AsciiBytes() {
        Beacon b = Beacon.of(new TempIdWindow(TempId.of("12345678901234567890"),
                LocalDateTime.of(2020, 9, 24, 10, 31), LocalDateTime.of(2020, 9, 24, 10, 46)));
        ByteBuf bytes = b.encode(ByteBufAllocator.DEFAULT);
        try {
            assertEquals(GOOD, bytes.toString(StandardCharsets.US_ASCII), "002's layout");
            assertEquals(59, bytes.readableBytes(), "length");
            assertEquals(b, Beacon.decode(bytes), "round trip");
            assertEquals(0, bytes.readerIndex(), "decoding consumes nothing");
        } finally {
            bytes.release();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 58, 60, 1500})
    void refusesADatagramOfAnyOtherLength(int length) {
        String text = (GOOD + "x".repeat(1500)).substring(0, length);

        assertFault(BeaconFault.WRONG_LENGTH, text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1234567890123456789a", "-1234567890123456789", "1234567890 123456789", "１２３４５６７８９０１２３４５６７８"})
    void refusesATempIdThatIsNotTwentyDecimalDigits(String id) {
        byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        ByteBuf b = Unpooled.buffer();
        b.writeBytes(idBytes, 0, Math.min(20, idBytes.length));
        b.writeCharSequence(GOOD.substring(20), StandardCharsets.US_ASCII);
        if (b.readableBytes() == 59) {
            assertFault(BeaconFault.BAD_TEMP_ID, b);
        } else {
            assertFault(BeaconFault.WRONG_LENGTH, b);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"31/02/2020 10:31:00", "24/13/2020 10:31:00", "24/09/2020 24:00:00", "24/09/2020 10:60:00",
            "2020-09-24T10:31:00", "24/09/20 10:31:00xx", "24.09.2020 10:31:00", "29/02/2021 00:00:00"})
    void refusesABadOrImpossibleStartTime(String start) {
        assertFault(BeaconFault.BAD_TIME, GOOD.substring(0, 20) + start + GOOD.substring(39));
    }

    @Test
    void refusesABadExpiryTime() {
        assertFault(BeaconFault.BAD_TIME, GOOD.substring(0, 39) + "24/09/2020 10:4?:00" + "1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "2", "9", "\u0001", "A"})
    void refusesAnUnknownVersion(String version) {
        assertFault(BeaconFault.UNKNOWN_VERSION, GOOD.substring(0, 58) + version);
    }

    @Test
    void refusesAStartAfterTheExpiry() {
        assertFault(BeaconFault.START_AFTER_EXPIRY,
                GOOD.substring(0, 20) + "24/09/2020 10:46:01" + "24/09/2020 10:46:00" + "1");
    }

    @Test
    void acceptsAWindowOfOneSecond() {
        Beacon b = decode(GOOD.substring(0, 20) + "24/09/2020 10:46:00" + "24/09/2020 10:46:00" + "1");

        assertEquals(b.window().start(), b.window().expiry(), "start and expiry may be the same second");
    }

    @Test
    void tellsUvfDatagramsApartByTheirFirstByte() {
        assertTrue(Beacon.isUvf(Unpooled.wrappedBuffer(new byte[] {(byte) 0xED, 0x75, 2})), "UVF magic");
        assertFalse(Beacon.isUvf(Unpooled.copiedBuffer(GOOD, StandardCharsets.US_ASCII)), "a beacon");
        assertFalse(Beacon.isUvf(Unpooled.EMPTY_BUFFER), "an empty datagram is a (bad) beacon");
    }

    @Test
    void isValidFromItsStartToItsExpiryBothIncluded() {
        TempIdWindow w = decode(GOOD).window();

        assertFalse(w.validAt(LocalDateTime.of(2020, 9, 24, 10, 30, 59)), "a second before the start");
        assertTrue(w.validAt(LocalDateTime.of(2020, 9, 24, 10, 31, 0)), "the start");
        assertTrue(w.validAt(LocalDateTime.of(2020, 9, 24, 10, 46, 0, 999_000_000)), "within the expiry second");
        assertFalse(w.validAt(LocalDateTime.of(2020, 9, 24, 10, 46, 1)), "a second after the expiry");
    }

    private static Beacon decode(String text) {
        return Beacon.decode(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
    }

    private static void assertFault(BeaconFault expected, String text) {
        assertFault(expected, Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
    }

    private static void assertFault(BeaconFault expected, ByteBuf bytes) {
        MalformedBeaconException e = assertThrows(MalformedBeaconException.class, () -> Beacon.decode(bytes));
        assertEquals(expected, e.fault(), "fault: " + e.getMessage());
    }
}
