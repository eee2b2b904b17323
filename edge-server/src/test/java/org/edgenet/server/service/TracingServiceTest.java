package org.edgenet.server.service;

import org.edgenet.common.format.DeviceName;
import org.edgenet.common.message.ExposureNotice;
import org.edgenet.common.trace.TempId;
import org.edgenet.common.trace.TempIdWindow;
import org.edgenet.common.trace.TraceTimes;
import org.edgenet.server.TestServices;
import org.edgenet.server.TracingSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TempIDs, tempIDs.txt and the mapping of uploaded contact logs, with a clock the test moves and
 * every file written in place.
 */
class TracingServiceTest {
    private static final DeviceName WATCH = DeviceName.of("supersmartwatch");
    private static final DeviceName BAND = DeviceName.of("superwristband");
    private static final DeviceName PHONE = DeviceName.of("wei-smartphone");
    private static final Pattern TEMP_ID_LINE =
            Pattern.compile("[^ ]+ \\d{20} \\d\\d/\\d\\d/\\d{4} \\d\\d:\\d\\d:\\d\\d \\d\\d/\\d\\d/\\d{4} \\d\\d:\\d\\d:\\d\\d");

    @TempDir
    Path dir;

    private TestServices t;
    private TracingService tracing;

    @BeforeEach
    void open() {
        t = new TestServices(dir);
        tracing = t.tracing;
    }

    @AfterEach
    void close() {
        t.close();
    }

    @Test
    void issuesTwentyDigitsForFifteenMinutesAndWritesTheLineOf002() {
        TempIdWindow w = tracing.tempId(WATCH).join();

        LocalDateTime now = LocalDateTime.ofInstant(TestServices.START, ZoneOffset.UTC);
        assertEquals(now, w.start(), "valid from now");
        assertEquals(now.plusMinutes(15), w.expiry(), "for 15 minutes");
        assertEquals("supersmartwatch " + w.id() + " 30/09/2022 10:31:13 30/09/2022 10:46:13\n",
                t.read("tempIDs.txt"), "device tempID start expiry");
    }

    @Test
    void givesTheSameTempIdWithinItsLifetimeAndANewOneFromItsExpiry() {
        TempIdWindow first = tracing.tempId(WATCH).join();
        t.clock.advance(Duration.ofMinutes(15).minusSeconds(1));
        assertEquals(first, tracing.tempId(WATCH).join(), "a second before the expiry: the same");

        t.clock.advance(Duration.ofSeconds(1));
        TempIdWindow second = tracing.tempId(WATCH).join();

        assertNotEquals(first.id(), second.id(), "at the expiry: a new one");
        assertEquals(first.expiry(), second.start(), "valid from now");
        assertEquals(2, t.read("tempIDs.txt").lines().count(), "one line per TempID issued");
    }

    @Test
    void givesEachDeviceItsOwnTempId() {
        assertNotEquals(tracing.tempId(WATCH).join().id(), tracing.tempId(BAND).join().id(), "different devices");
    }

    @Test
    void keepsTheMappingAcrossARestartAndMapsExpiredTempIds() throws IOException {
        TempIdWindow band = tracing.tempId(BAND).join();
        t.close();
        t.clock.advance(Duration.ofDays(2));
        try (TracingService again = reopen()) {
            assertEquals(1, again.known(), "read back from tempIDs.txt");
            TracingService.Report r = again.report(WATCH, List.of(band)).join();

            assertEquals(List.of(new TracingService.Issued(BAND, band)), r.contacts(), "an expired TempID still maps");
        }
        t = new TestServices(dir);
    }

    @Test
    void dropsTempIdsPastTheRetentionAtStartAndWhenPurged() throws IOException {
        TempIdWindow old = tracing.tempId(BAND).join();
        t.clock.advance(Duration.ofDays(21));
        TempIdWindow recent = tracing.tempId(WATCH).join();
        assertEquals(0, tracing.purgeExpired().join(), "the first expired 21 days less 15 minutes ago: kept");
        t.clock.advance(Duration.ofMinutes(15).plusSeconds(1));

        assertEquals(1, tracing.purgeExpired().join(), "a second past 21 days after its expiry: dropped");
        assertEquals(1, tracing.known(), "and forgotten");
        assertEquals(List.of(old), tracing.report(PHONE, List.of(old, recent)).join().unknown(), "no longer maps");
        String file = t.read("tempIDs.txt");
        assertTrue(file.startsWith("supersmartwatch " + recent.id()) && file.lines().count() == 1, file);

        Files.writeString(dir.resolve("tempIDs.txt"), "superwristband " + old.toLine() + "\n" + file);
        t.close();
        try (TracingService again = reopen()) {
            assertEquals(1, again.known(), "the old line is dropped at start");
        }
        assertEquals(file, Files.readString(dir.resolve("tempIDs.txt")), "and from the file");
        t = new TestServices(dir);
    }

    @Test
    void skipsLinesThatAreNotTempIdRecordsAndLeavesThemInTheFile() throws IOException {
        t.close();
        String text = "superwristband 12345678901234567890 31/02/2022 10:00:00 30/09/2022 10:15:00\nnonsense\n"
                + "superwristband 12345678901234567891 30/09/2022 10:00:00 30/09/2022 10:15:00\n";
        Files.writeString(dir.resolve("tempIDs.txt"), text);
        try (TracingService again = reopen()) {
            assertEquals(1, again.known(), "only the good line");
        }
        assertEquals(text, Files.readString(dir.resolve("tempIDs.txt")), "nothing lost");
        t = new TestServices(dir);
    }

    @Test
    void mapsAContactLogToDevicesWithTheirOwnWindowsAndLogsTheBlock() {
        TempIdWindow band = tracing.tempId(BAND).join();
        TempIdWindow own = tracing.tempId(WATCH).join();
        TempIdWindow unknown = new TempIdWindow(TempId.of("00000000000000000042"), band.start(), band.expiry());
        t.clock.advance(Duration.ofMinutes(1));

        TracingService.Report r = tracing.report(WATCH, List.of(band, band, own, unknown)).join();

        assertEquals(4, r.received(), "every entry counted");
        assertEquals(List.of(new TracingService.Issued(BAND, band)), r.contacts(), "a device once, never itself");
        assertEquals(List.of(unknown), r.unknown(), "unknown");
        assertEquals("reporter supersmartwatch 30/09/2022 10:32:13 entries 4\n"
                + "contact superwristband 30/09/2022 10:31:13 30/09/2022 10:46:13\n"
                + "unknown 00000000000000000042 30/09/2022 10:31:13 30/09/2022 10:46:13\n",
                t.read("contact-trace-log.txt"), "reporter, time, one line per contact");
    }

    @Test
    void tellsAJoinedContactAtOnceAndLeavesANoticeInTheMailboxOfOneThatIsNot() {
        TempIdWindow band = tracing.tempId(BAND).join();
        TempIdWindow phone = tracing.tempId(PHONE).join();
        List<ExposureNotice> pushed = new ArrayList<>();
        tracing.attend(BAND, n -> {
            pushed.add(n);
            return CompletableFuture.completedFuture(null);
        });

        tracing.notifyContacts(tracing.report(WATCH, List.of(band, phone)).join());

        assertEquals(List.of(new ExposureNotice(band.start(), band.expiry())), pushed, "the joined device, at once");
        assertEquals(0, t.messages.waiting(BAND.value()), "nothing stored for it");
        var stored = t.messages.reader(PHONE.value()).read(10, 1 << 20).join().messages();
        assertEquals(1, stored.size(), "one message for the device that was not joined");
        assertEquals(TracingService.NOTICE_SENDER, stored.get(0).sender(), "from the health authority");
        assertEquals("Exposure notice: you were near a device that reported positive between "
                + TraceTimes.format(phone.start()) + " and " + TraceTimes.format(phone.expiry()),
                stored.get(0).text(), "the notice");
    }

    @Test
    void storesTheNoticeWhenTheJoinedDeviceCannotTakeIt() {
        TempIdWindow band = tracing.tempId(BAND).join();
        tracing.attend(BAND, n -> CompletableFuture.failedFuture(new IllegalStateException("not writable")));

        tracing.notifyContacts(tracing.report(WATCH, List.of(band)).join());

        assertEquals(1, t.messages.waiting(BAND.value()), "in the mailbox instead");
    }

    @Test
    void writesTempIdLinesInTheFormatOfTheSpecification() {
        tracing.tempId(WATCH).join();
        tracing.tempId(BAND).join();

        t.read("tempIDs.txt").lines().forEach(l -> assertTrue(TEMP_ID_LINE.matcher(l).matches(), l));
    }

    private TracingService reopen() throws IOException {
        return TracingService.open(TracingSettings.defaults().in(dir), Disk.synced(), t.clock, ZoneOffset.UTC,
                t.messages, Runnable::run);
    }
}
