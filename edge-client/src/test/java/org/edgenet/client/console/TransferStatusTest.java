package org.edgenet.client.console;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The status line of transfers, with a clock the test moves. */
class TransferStatusTest {
    private static final long MIB = 1024 * 1024;

    private Instant now = Instant.parse("2026-11-30T08:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };
    private final TransferStatus status = new TransferStatus(clock);

    @Test
    void showsTheShareDoneThenTheRateAndTheTimeLeft() {
        status.update("k", "UVF big.bin to uav-camera", 100 * MIB, 1024 * MIB);
        assertEquals("UVF big.bin to uav-camera: 9% of 1.0 GiB", status.line(), "no rate before a second report");
        now = now.plusSeconds(2);
        status.update("k", "UVF big.bin to uav-camera", 300 * MIB, 1024 * MIB);
        assertEquals("UVF big.bin to uav-camera: 29% of 1.0 GiB, 100.0 MiB/s, 8 s left", status.line(),
                "200 MiB in 2 s, 724 MiB to go");
    }

    @Test
    void joinsSeveralTransfersOnOneLineAndDropsOnesThatEnded() {
        status.update("a", "UVF a.bin to x", 1, 4);
        status.update("b", "DLD d-1.txt", 2, 4);
        assertEquals("UVF a.bin to x: 25% of 4 B  |  DLD d-1.txt: 50% of 4 B", status.line(), "both");
        status.end("a");
        status.update("b", "DLD d-1.txt", 4, 4);
        assertEquals("", status.line(), "one ended, the other reported all its bytes");
    }

    @Test
    void ignoresALastReportThatArrivesJustAfterTheEnd() {
        status.update("a", "UVF a.bin to x", 1, 4);
        status.end("a");
        status.update("a", "UVF a.bin to x", 3, 4);
        assertEquals("", status.line(), "the report of another thread that lost the race with the end");
        now = now.plus(TransferStatus.AFTER_END).plusSeconds(1);
        status.update("a", "UVF a.bin to x", 1, 4);
        assertEquals("UVF a.bin to x: 25% of 4 B", status.line(), "the same file sent again later shows");
    }

    @Test
    void showsANameFromAnotherDeviceOnlyAsPrintableText() {
        status.update("a", "UVF a\u001b[2J.bin from x", 1, 4);
        assertEquals("UVF a\uFFFD[2J.bin from x: 25% of 4 B", status.line(), "no escape sequence reaches the terminal");
    }

    @Test
    void forgetsATransferThatStoppedReporting() {
        status.update("a", "UVF a.bin to x", 1, 4);
        now = now.plus(TransferStatus.STALE).plusSeconds(1);
        assertEquals("", status.line(), "a report that raced with the end leaves no line for ever");
    }

    @Test
    void showsAtMostAFixedNumberOfTransfers() {
        for (int i = 0; i < TransferStatus.MAX_SHOWN + 5; i++) {
            status.update("k" + i, "T" + i, 1, 2);
        }
        assertEquals(TransferStatus.MAX_SHOWN, status.line().split("  \\|  ").length, "bounded");
    }

    @Test
    void writesSizesAndDurationsAsPeopleReadThem() {
        assertEquals("17 B", TransferStatus.bytes(17), "bytes");
        assertEquals("1.5 KiB", TransferStatus.bytes(1536), "KiB");
        assertEquals("42 s", TransferStatus.duration(42), "seconds");
        assertEquals("3 min 5 s", TransferStatus.duration(185), "minutes");
        assertEquals("2 h 10 min", TransferStatus.duration(Duration.ofMinutes(130).toSeconds()), "hours");
    }
}
