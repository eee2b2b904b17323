package org.edgenet.server.service;

import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.FileId;
import org.edgenet.common.message.Operation;
import org.edgenet.server.LogCapture;
import org.edgenet.server.TestServices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MaintenanceTest {
    private static final DeviceName ME = DeviceName.of("supersmartwatch");

    @TempDir
    Path dir;
    private TestServices t;

    @BeforeEach
    void setUp() {
        t = new TestServices(dir);
    }

    @AfterEach
    void tearDown() {
        t.close();
    }

    private Path deviceDir() throws IOException {
        return Files.createDirectories(dir.resolve("data").resolve(ME.value()));
    }

    private Path dataFile(long id, String content) throws IOException {
        Path file = deviceDir().resolve(ME + "-" + id + ".txt");
        Files.writeString(file, content, StandardCharsets.US_ASCII);
        return file;
    }

    private static Path stats(Path dataFile) {
        return dataFile.resolveSibling(dataFile.getFileName() + ".stats");
    }

    private String run(MaintenanceTask task) throws Exception {
        return task.run();
    }

    private MaintenanceTask task(String name) {
        return MaintenanceTasks.standard(t.data, t.messages).stream().filter(x -> x.name().equals(name))
                .findFirst().orElseThrow();
    }

    @Test
    void everyTaskRunsAFailureIsLoggedAndNamedAndTheRunGoesOnInOneSummaryLine() {
        List<String> ran = new java.util.ArrayList<>();
        Maintenance m = Maintenance.every(Duration.ZERO, List.of(
                MaintenanceTask.of("first", () -> {
                    ran.add("first");
                    return "done";
                }),
                MaintenanceTask.of("broken", () -> {
                    throw new IOException("disk gone");
                }),
                MaintenanceTask.of("last", () -> {
                    ran.add("last");
                    return "fine";
                })));
        try (LogCapture log = new LogCapture(Maintenance.class)) {
            String line = m.runOnce();
            assertTrue(line.matches("Maintenance: first: done; broken: failed; last: fine \\(\\d+ ms\\)"), line);
            assertEquals(List.of("first", "last"), ran, "the failure stopped nothing");
            assertEquals(List.of("WARN Maintenance task broken failed: java.io.IOException: disk gone",
                    "INFO " + line), log.lines(), "one warning without a stack trace, one summary");
            assertEquals(List.of("WARN Maintenance task broken failed: java.io.IOException: disk gone"),
                    log.warnings(), "no stack trace");
        } finally {
            m.close();
        }
    }

    @Test
    void runsOnItsOwnThreadEveryInterval() throws Exception {
        CompletableFuture<String> where = new CompletableFuture<>();
        Maintenance m = Maintenance.every(Duration.ofMillis(20), List.of(MaintenanceTask.of("probe", () -> {
            where.complete(Thread.currentThread().getName());
            return "ok";
        })));
        try {
            assertTrue(where.get(20, TimeUnit.SECONDS).startsWith("maintenance"), where.join());
        } finally {
            m.close();
        }
    }

    @Test
    void removesOnlyTempFilesNobodyHasWrittenForAnHour() throws Exception {
        Path stale = deviceDir().resolve(".upload-1-123.tmp");
        Path fresh = deviceDir().resolve(".upload-2-456.tmp");
        Path data = dataFile(3, "1\n");
        Files.writeString(stale, "1\n2");
        Files.writeString(fresh, "1\n2");
        // The server's clock, not the file system's, says what is old.
        Files.setLastModifiedTime(stale, FileTime.from(TestServices.START.minus(Duration.ofHours(2))));
        Files.setLastModifiedTime(fresh, FileTime.from(TestServices.START.minus(Duration.ofMinutes(10))));
        Files.setLastModifiedTime(data, FileTime.from(TestServices.START.minus(Duration.ofDays(2))));
        assertEquals("removed 1", run(task("temp files")));
        assertFalse(Files.exists(stale), "stale: removed");
        assertTrue(Files.exists(fresh), "an upload may still write it");
        assertTrue(Files.exists(data), "data files are no temp files, however old");
        assertEquals("none stale", run(task("temp files")));
    }

    @Test
    void rebuildsAMissingOrWrongSummaryAndLeavesARightOneAndInvalidDataAlone() throws Exception {
        Path missing = dataFile(1, "1\n2\n3\n");
        Path wrong = dataFile(2, "10\n20\n");
        Files.writeString(stats(wrong), "not a summary");
        Path right = dataFile(3, "5\n");
        // Computing once writes a right summary.
        assertEquals("5", t.data.compute(ME, FileId.of(3), Operation.SUM).join());
        String rightSummary = Files.readString(stats(right));
        Path damaged = dataFile(4, "1\nabc\n");

        try (LogCapture log = new LogCapture(FileDataStore.class)) {
            assertEquals("4 checked, 2 rebuilt, 1 not valid data", run(task("summaries")));
            assertEquals(1, log.warnings().size(), log.lines().toString());
            assertTrue(log.warnings().get(0).contains("file 4 for supersmartwatch"), log.warnings().get(0));
        }
        assertTrue(Files.exists(stats(missing)), "the missing summary is written");
        assertEquals("6", t.data.compute(ME, FileId.of(1), Operation.SUM).join(), "from the rebuilt summary");
        assertEquals("30", t.data.compute(ME, FileId.of(2), Operation.SUM).join(), "the wrong one replaced");
        assertEquals(rightSummary, Files.readString(stats(right)), "a right summary is left as it is");
        assertEquals("1\nabc\n", Files.readString(damaged), "invalid data is reported, never changed");
        assertFalse(Files.exists(stats(damaged)), "and gets no summary");

        // A summary made stale by a file changed by hand counts other bytes: rebuilt too.
        Files.writeString(missing, "1\n2\n3\n4\n");
        assertEquals("4 checked, 1 rebuilt, 1 not valid data", run(task("summaries")));
        assertEquals("10", t.data.compute(ME, FileId.of(1), Operation.SUM).join());
    }

    @Test
    void theJournalTaskRunsOnTheWriterAndFailsCleanlyOnceTheStoreIsClosed() throws Exception {
        try (JournalMessageStore small = JournalMessageStore.open(dir.resolve("small"), 10_000, 1L << 30,
                Disk.synced(), t.clock, 1024, Runnable::run, Runnable::run)) {
            long last = -1;
            for (int i = 0; i < 40; i++) {
                last = small.post("alice", "bob", "x".repeat(200)).join();
            }
            var reader = small.reader("bob");
            reader.read(40, 1 << 20).join();
            reader.remove(last).join();
            // The writer compacts after every group until nothing is left: maintenance only catches up.
            assertEquals("nothing to compact", MaintenanceTasks.standard(t.data, small).get(2).run());
        }
        t.messages.close();
        Maintenance m = Maintenance.every(Duration.ZERO, List.of(task("journal")));
        try (LogCapture log = new LogCapture(Maintenance.class)) {
            assertTrue(m.runOnce().startsWith("Maintenance: journal: failed"), log.lines().toString());
            assertEquals(1, log.warnings().size(), "logged, not thrown");
        } finally {
            m.close();
        }
    }
}
