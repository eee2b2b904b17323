package org.edgenet.client.trace;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import org.edgenet.common.testing.MutableClock;
import org.edgenet.common.trace.Beacon;
import org.edgenet.common.trace.BeaconFault;
import org.edgenet.common.trace.TempId;
import org.edgenet.common.trace.TempIdWindow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The first handler of the UDP port alone, with a frozen clock: valid beacons go to the listener,
 * every other beacon is counted and refused, and UVF datagrams pass on untouched between them.
 */
class BeaconReceiverTest {
    private static final InetSocketAddress FROM = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);
    private static final InetSocketAddress ME = new InetSocketAddress(InetAddress.getLoopbackAddress(), 8000);
    private static final TempIdWindow WINDOW = new TempIdWindow(TempId.of("12345678901234567890"),
            LocalDateTime.of(2020, 9, 24, 10, 31), LocalDateTime.of(2020, 9, 24, 10, 46));

    private final MutableClock clock = new MutableClock(Instant.parse("2020-09-24T10:31:00Z"), ZoneOffset.UTC);
    private final List<Beacon> kept = new ArrayList<>();
    private final List<BeaconFault> refused = new ArrayList<>();
    private final BeaconReceiver receiver = new BeaconReceiver(clock, new BeaconListener() {
        @Override
        public void valid(Beacon beacon, InetSocketAddress from) {
            kept.add(beacon);
        }

        @Override
        public void refused(BeaconFault fault, String detail, InetSocketAddress from, long total) {
            refused.add(fault);
        }
    });
    private final EmbeddedChannel ch = new EmbeddedChannel(receiver);

    @AfterEach
    void close() {
        ch.finishAndReleaseAll();
    }

    @Test
    void keepsABeaconFromTheFirstToTheLastSecondOfItsWindow() {
        receive(beacon());
        clock.advance(Duration.ofMinutes(15));
        receive(beacon());

        assertEquals(List.of(Beacon.of(WINDOW), Beacon.of(WINDOW)), kept, "at the start and at the expiry");
        assertTrue(refused.isEmpty(), "none refused");
    }

    @Test
    void refusesABeaconASecondBeforeItsStart() {
        clock.advance(Duration.ofSeconds(-1));
        receive(beacon());

        assertRefusedAndUvfStillPasses(BeaconFault.NOT_YET_VALID);
    }

    @Test
    void refusesABeaconASecondAfterItsExpiry() {
        clock.advance(Duration.ofMinutes(15).plusSeconds(1));
        receive(beacon());

        assertRefusedAndUvfStillPasses(BeaconFault.EXPIRED);
    }

    @Test
    void refusesADatagramOfTheWrongLength() {
        receive(Unpooled.copiedBuffer("12345", StandardCharsets.US_ASCII));

        assertRefusedAndUvfStillPasses(BeaconFault.WRONG_LENGTH);
    }

    @Test
    void refusesNonDigitsInTheTempId() {
        ByteBuf b = beacon();
        b.setByte(3, 'x');
        receive(b);

        assertRefusedAndUvfStillPasses(BeaconFault.BAD_TEMP_ID);
    }

    @Test
    void refusesAnImpossibleDate() {
        ByteBuf b = beacon();
        b.setCharSequence(20, "30/02/2020", StandardCharsets.US_ASCII);
        receive(b);

        assertRefusedAndUvfStillPasses(BeaconFault.BAD_TIME);
    }

    @Test
    void refusesAnUnknownVersion() {
        ByteBuf b = beacon();
        b.setByte(58, '2');
        receive(b);

        assertRefusedAndUvfStillPasses(BeaconFault.UNKNOWN_VERSION);
    }

    @Test
    void refusesAStartAfterTheExpiry() {
        ByteBuf b = beacon();
        b.setCharSequence(20, "24/09/2020 10:47:00", StandardCharsets.US_ASCII);
        receive(b);

        assertRefusedAndUvfStillPasses(BeaconFault.START_AFTER_EXPIRY);
    }

    private void assertRefusedAndUvfStillPasses(BeaconFault fault) {
        assertEquals(List.of(fault), refused, "refused for its reason");
        assertEquals(1, receiver.count(fault), "counted");
        assertTrue(kept.isEmpty(), "nothing kept");
        assertNull(ch.readInbound(), "the bad beacon goes no further");

        DatagramPacket uvf = new DatagramPacket(Unpooled.wrappedBuffer(new byte[] {(byte) 0xED, 0x75, 2, 1}), ME, FROM);
        ch.writeInbound(uvf);
        DatagramPacket passed = ch.readInbound();
        try {
            assertSame(uvf, passed, "a UVF datagram passes on untouched");
        } finally {
            passed.release();
        }
        assertTrue(ch.isActive(), "the port stays open");
    }

    private static ByteBuf beacon() {
        return Beacon.of(WINDOW).encode(ByteBufAllocator.DEFAULT);
    }

    private void receive(ByteBuf bytes) {
        ch.writeInbound(new DatagramPacket(bytes, ME, FROM));
    }
}
