package org.edgenet.client.trace;

import org.edgenet.common.trace.TempId;
import org.edgenet.common.trace.TempIdWindow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The device's contact log with time passed in: what it keeps, for how long, and what its file holds. */
class ContactLogTest {
    private static final Duration RETENTION = Duration.ofMinutes(3);
    private static final Instant T0 = Instant.parse("2020-09-24T10:31:00Z");
    private static final TempIdWindow A = window("11111111111111111111");
    private static final TempIdWindow B = window("22222222222222222222");

    @TempDir
    Path dir;

    private static TempIdWindow window(String id) {
        return new TempIdWindow(TempId.of(id), LocalDateTime.of(2020, 9, 24, 10, 30), LocalDateTime.of(2020, 9, 24, 10, 45));
    }

    private Path file() {
        return dir.resolve("superwristband_contactlog.txt");
    }

    @Test
    void appendsOneLinePerTempIdOfTempIdStartAndExpiry() throws IOException {
        ContactLog log = ContactLog.open(file(), RETENTION);

        assertEquals(ContactLog.Added.NEW, log.add(A, T0), "first beacon of A");
        assertEquals(ContactLog.Added.RENEWED, log.add(A, T0.plusSeconds(5)), "A again");
        assertEquals(ContactLog.Added.NEW, log.add(B, T0.plusSeconds(6)), "B");

        assertEquals("11111111111111111111 24/09/2020 10:30:00 24/09/2020 10:45:00\n"
                + "22222222222222222222 24/09/2020 10:30:00 24/09/2020 10:45:00\n", Files.readString(file()), "the file");
    }

    @Test
    void dropsAnEntryOnceItWasLastHeardTheRetentionAgoAndRewritesTheFile() throws IOException {
        ContactLog log = ContactLog.open(file(), RETENTION);
        log.add(A, T0);
        log.add(B, T0.plusSeconds(30));
        log.add(A, T0.plusSeconds(60));

        assertEquals(0, log.purge(T0.plus(RETENTION)), "A was heard again a minute later");
        assertEquals(1, log.purge(T0.plusSeconds(30).plus(RETENTION)), "B, exactly three minutes after");
        assertEquals(List.of(A), log.entries(), "A stays");
        assertEquals(A.toLine() + "\n", Files.readString(file()), "rewritten without B");
        assertEquals(0, log.purge(T0.plusSeconds(60).plus(RETENTION).minusMillis(1)), "A, a moment before its time");
        assertEquals(1, log.purge(T0.plusSeconds(60).plus(RETENTION)), "A, at its time");
        assertEquals("", Files.readString(file()), "empty");
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temp file left behind");
        }
    }

    @Test
    void readsTheFileBackCountingFromItsLastChangeAndSkipsLinesThatAreNotEntries() throws IOException {
        Files.writeString(file(), A.toLine() + "\nnot an entry\n" + B.toLine() + "\n");
        Files.setLastModifiedTime(file(), FileTime.from(T0));

        ContactLog log = ContactLog.open(file(), RETENTION);

        assertEquals(List.of(A, B), log.entries(), "both entries");
        assertEquals(0, log.purge(T0.plus(RETENTION).minusSeconds(1)), "kept until three minutes after the change");
        assertEquals(2, log.purge(T0.plus(RETENTION)), "then dropped");
    }

    @Test
    void keepsNoMoreThanItsBoundOfEntries() throws IOException {
        ContactLog log = ContactLog.open(file(), RETENTION);
        for (int i = 0; i < ContactLog.MAX_ENTRIES; i++) {
            log.add(window(String.format("%020d", i)), T0);
        }

        assertEquals(ContactLog.Added.FULL, log.add(A, T0), "one more TempID");
        assertEquals(ContactLog.Added.RENEWED, log.add(window(String.format("%020d", 7)), T0), "a known one renews");
        assertEquals(ContactLog.MAX_ENTRIES, Files.readAllLines(file()).size(), "lines");
    }
}
