package org.edgenet.server.service;

import org.edgenet.common.format.DeviceName;
import org.edgenet.common.message.DeviceInfo;
import org.edgenet.common.testing.MutableClock;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;
import org.edgenet.server.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileDeviceRegistryTest {
    private static final String LINE = "^\\d+; \\d{1,2} [A-Z][a-z]+ \\d{4} \\d{2}:\\d{2}:\\d{2}; \\S+; [0-9a-f.:]+; \\d+$";

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2022-09-30T10:31:13Z"), ZoneOffset.UTC);

    private FileDeviceRegistry direct() throws IOException {
        FileDeviceRegistry r = FileDeviceRegistry.open(dir.resolve("edge-device-log.txt"), clock, ZoneOffset.UTC,
                Disk.synced(), Runnable::run);
        r.clear();
        return r;
    }

    private String file() throws IOException {
        return Files.readString(dir.resolve("edge-device-log.txt"));
    }

    @Test
    void clearingAtStartEmptiesAFileThatHadDevices() throws IOException {
        String old = "1; 30 September 2022 10:31:13; old; 1.2.3.4; 5\n";
        Files.writeString(dir.resolve("edge-device-log.txt"), old);
        FileDeviceRegistry opened = FileDeviceRegistry.open(dir.resolve("edge-device-log.txt"), clock, ZoneOffset.UTC,
                Disk.synced());
        opened.close();
        assertEquals(old, file(), "opening alone changes nothing");
        try (FileDeviceRegistry r = direct()) {
            assertEquals("", file());
            assertTrue(r.active().isEmpty(), "no active devices at start");
        }
    }

    @Test
    void aFileLongerThanTheWritersBufferIsWrittenWholeAndNumberedThrough() throws IOException {
        // Some 70 bytes a line: 3,000 lines are three times the 64 KiB the writer fills at a time.
        int devices = 3_000;
        try (FileDeviceRegistry r = direct()) {
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < devices; i++) {
                String name = "device-" + i;
                r.join(DeviceName.of(name), "10.0." + i / 256 + "." + i % 256, 1024 + i).join();
                expected.append(i + 1).append("; 30 September 2022 10:31:13; ").append(name).append("; 10.0.")
                        .append(i / 256).append('.').append(i % 256).append("; ").append(1024 + i).append('\n');
            }
            assertEquals(expected.toString(), file(), "every line, in join order, numbered from 1");

            r.leave(r.active().get(0)).join();
            assertTrue(file().startsWith("1; 30 September 2022 10:31:13; device-1; "), "the rest moved up");
            assertEquals(devices - 1, file().lines().count(), "one line fewer");
        }
    }

    @Test
    void writesTheSpecifiedLineFormat() throws IOException {
        try (FileDeviceRegistry r = direct()) {
            r.join(DeviceName.of("supersmartwatch"), "129.64.31.13", 5432).join();
            clock.advance(Duration.ofSeconds(1240));
            r.join(DeviceName.of("superwristband"), "129.64.128.17", 9000).join();

            assertEquals("1; 30 September 2022 10:31:13; supersmartwatch; 129.64.31.13; 5432\n"
                    + "2; 30 September 2022 10:51:53; superwristband; 129.64.128.17; 9000\n", file());
            for (String line : file().split("\n")) {
                assertTrue(line.matches(LINE), line);
            }
        }
    }

    @Test
    void fiveJoinsAreNumberedOneToFiveAndALeaveRenumbersTheRest() throws IOException {
        try (FileDeviceRegistry r = direct()) {
            List<ActiveDevice> joined = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                joined.add(r.join(DeviceName.of("d" + i), "10.0.0." + i, 8000 + i).join());
                clock.advance(Duration.ofSeconds(1));
            }
            assertEquals(List.of("1 d1", "2 d2", "3 d3", "4 d4", "5 d5"), seqAndNames(file()));

            r.leave(joined.get(2)).join();

            assertEquals(List.of("1 d1", "2 d2", "3 d4", "4 d5"), seqAndNames(file()));
            assertEquals("3; 30 September 2022 10:31:16; d4; 10.0.0.4; 8004", file().split("\n")[2]);
        }
    }

    private static List<String> seqAndNames(String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = line.split("; ");
            out.add(f[0] + " " + f[2]);
        }
        return out;
    }

    @Test
    void joiningAnActiveNameFails() throws IOException {
        try (FileDeviceRegistry r = direct()) {
            r.join(DeviceName.of("supersmartwatch"), "1.1.1.1", 1).join();
            CompletionException e = assertThrows(CompletionException.class,
                    () -> r.join(DeviceName.of("supersmartwatch"), "2.2.2.2", 2).join());
            assertInstanceOf(AlreadyJoinedException.class, e.getCause());
            assertEquals(1, r.active().size(), "one entry");
        }
    }

    @Test
    void aStaleLeaveDoesNotRemoveANewerJoin() throws IOException {
        try (FileDeviceRegistry r = direct()) {
            ActiveDevice first = r.join(DeviceName.of("supersmartwatch"), "1.1.1.1", 1).join();
            r.leave(first).join();
            clock.advance(Duration.ofSeconds(5));
            r.join(DeviceName.of("supersmartwatch"), "2.2.2.2", 2).join();
            r.leave(first).join();
            assertTrue(r.isActive(DeviceName.of("supersmartwatch")), "the second session is still active");
        }
    }

    @Test
    void othersThanExcludesTheAskerAndKeepsJoinOrder() throws IOException {
        try (FileDeviceRegistry r = direct()) {
            r.join(DeviceName.of("a"), "1.1.1.1", 1).join();
            r.join(DeviceName.of("b"), "1.1.1.2", 2).join();
            r.join(DeviceName.of("c"), "1.1.1.3", 3).join();
            assertEquals(List.of("a", "c"),
                    r.othersThan(DeviceName.of("b")).stream().map(d -> d.name().value()).toList());
            assertEquals(List.of(), direct().othersThan(DeviceName.of("a")), "a fresh registry has no one");
        }
    }

    @Test
    void aedEntriesLeaveOutTheAskerAndShowTheOthersInJoinOrderAsTheyJoined() throws IOException {
        try (FileDeviceRegistry r = direct()) {
            ActiveDevice a = r.join(DeviceName.of("a"), "1.1.1.1", 1).join();
            ActiveDevice b = r.join(DeviceName.of("b"), "1.1.1.2", 2).join();
            ActiveDevice c = r.join(DeviceName.of("c"), "1.1.1.3", 3).join();
            assertEquals(List.of(info(a), info(c)), r.othersAsShown(b), "the middle one asks");
            assertEquals(List.of(info(b), info(c)), r.othersAsShown(a), "the first one asks");
            r.leave(c).join();
            assertEquals(List.of(info(b)), r.othersAsShown(a), "one that left is gone");
            assertEquals(List.of(info(a), info(b)), r.othersAsShown(c), "one that left sees everyone");
        }
    }

    private static DeviceInfo info(ActiveDevice d) {
        return new DeviceInfo(d.name(), d.ip(), d.udpPort(), d.since());
    }

    @Test
    void concurrentJoinsAndLeavesLeaveAConsistentFile() throws Exception {
        int threads = 8;
        int perThread = 200;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (FileDeviceRegistry r = FileDeviceRegistry.open(dir.resolve("edge-device-log.txt"), clock, ZoneOffset.UTC,
                new UnsyncedDisk())) {
            List<CompletableFuture<Void>> work = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                work.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < perThread; i++) {
                        ActiveDevice d = r.join(DeviceName.of("t" + thread + "-" + i), "10.0.0.1", 1000 + i).join();
                        // Every odd device leaves again, so joins and leaves interleave.
                        if (i % 2 == 1) {
                            r.leave(d).join();
                        }
                    }
                }, pool));
            }
            CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

            String[] lines = file().split("\n");
            assertEquals(threads * perThread / 2, lines.length, "every even device is listed");
            Set<String> names = new HashSet<>();
            for (int i = 0; i < lines.length; i++) {
                assertTrue(lines[i].matches(LINE), lines[i]);
                assertTrue(lines[i].startsWith((i + 1) + "; "), "numbered in order: " + lines[i]);
                names.add(lines[i].split("; ")[2]);
            }
            for (int t = 0; t < threads; t++) {
                for (int i = 0; i < perThread; i += 2) {
                    assertTrue(names.contains("t" + t + "-" + i), "t" + t + "-" + i + " listed");
                }
            }
            assertEquals(lines.length, r.active().size(), "memory agrees with the file");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aReaderNeverSeesAHalfWrittenFile() throws Exception {
        Path log = dir.resolve("edge-device-log.txt");
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<String> bad = new AtomicReference<>();
        AtomicInteger reads = new AtomicInteger();
        try (FileDeviceRegistry r = FileDeviceRegistry.open(log, clock, ZoneOffset.UTC, new UnsyncedDisk())) {
            r.clear();
            Thread reader = new Thread(() -> {
                while (writing.get() && bad.get() == null) {
                    try {
                        String text = Files.readString(log);
                        reads.incrementAndGet();
                        if (!text.isEmpty() && !text.endsWith("\n")) {
                            bad.set(text);
                        }
                        String[] lines = text.isEmpty() ? new String[0] : text.split("\n");
                        for (int i = 0; i < lines.length; i++) {
                            if (!lines[i].matches(LINE) || !lines[i].startsWith((i + 1) + "; ")) {
                                bad.set(text);
                            }
                        }
                    } catch (IOException e) {
                        bad.set("unreadable: " + e);
                    }
                }
            });
            reader.start();
            List<ActiveDevice> joined = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                joined.add(r.join(DeviceName.of("device-" + i), "192.168.1.1", 5000 + i).join());
            }
            for (ActiveDevice d : joined) {
                r.leave(d).join();
            }
            writing.set(false);
            reader.join();
        }
        assertNull(bad.get(), "a read saw a partial file");
        assertTrue(reads.get() > 0, "the reader read");
        try (var files = Files.list(dir)) {
            assertEquals(List.of(log), files.toList(), "no temp file left behind");
        }
        assertEquals("", Files.readString(log));
    }

    @Test
    void manyJoinsAtOnceCoalesceIntoFewWrites() throws Exception {
        // A writer that only runs when the test says so: everything queued meanwhile is one write.
        List<Runnable> queued = new ArrayList<>();
        try (FileDeviceRegistry r = FileDeviceRegistry.open(dir.resolve("edge-device-log.txt"), clock, ZoneOffset.UTC,
                Disk.synced(), queued::add)) {
            List<CompletableFuture<ActiveDevice>> joins = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                joins.add(r.join(DeviceName.of("d" + i), "10.0.0.1", 1 + i));
            }
            assertEquals(1, queued.size(), "one write queued for a thousand joins");
            assertFalse(joins.get(999).isDone(), "not complete before the file shows it");

            queued.remove(0).run();

            assertTrue(joins.stream().allMatch(CompletableFuture::isDone), "one write completes them all");
            assertEquals(1000, file().split("\n").length);
        }
    }

    @Test
    void aWriteIsMovedIntoPlaceWholeButNotForcedBeforeTheJoinCompletes() throws IOException {
        RecordingDisk disk = new RecordingDisk(dir);
        try (FileDeviceRegistry r = FileDeviceRegistry.open(dir.resolve("edge-device-log.txt"), clock, ZoneOffset.UTC,
                disk, Runnable::run)) {
            r.clear();
            disk.clear();

            r.join(DeviceName.of("supersmartwatch"), "1.1.1.1", 1).thenRun(() -> disk.note("joined")).join();

            assertEquals(List.of(
                    "write edge-device-log.txt.tmp",
                    "move edge-device-log.txt.tmp -> edge-device-log.txt",
                    "(joined)"), disk.steps(), "emptied at every start, so not worth a force");
        }
    }

    @Test
    void aJoinOntoAFullDiskFailsIsForgottenAndLeavesNoTempFile() throws IOException {
        RecordingDisk disk = new RecordingDisk(dir);
        try (FileDeviceRegistry r = FileDeviceRegistry.open(dir.resolve("edge-device-log.txt"), clock, ZoneOffset.UTC,
                disk, Runnable::run)) {
            r.clear();
            r.join(DeviceName.of("superwristband"), "2.2.2.2", 2).join();
            disk.fill();

            List<String> warnings;
            CompletionException e;
            try (LogCapture logs = new LogCapture()) {
                e = assertThrows(CompletionException.class,
                        () -> r.join(DeviceName.of("supersmartwatch"), "1.1.1.1", 1).join());
                warnings = logs.warnings();
            }

            ProtocolException p = assertInstanceOf(ProtocolException.class, e.getCause());
            assertEquals(ErrorCode.OUT_OF_SPACE, p.code());
            assertEquals("the server is out of disk space", p.getMessage());
            assertEquals(List.of("WARN Cannot record that supersmartwatch joined in edge-device-log.txt: "
                    + "the server is out of disk space"), warnings, "one line, no stack trace");
            assertFalse(r.isActive(DeviceName.of("supersmartwatch")), "the join is forgotten");
            assertEquals(List.of("superwristband"), r.active().stream().map(d -> d.name().value()).toList());
            assertFalse(Files.exists(dir.resolve("edge-device-log.txt.tmp")), "no temp file");
            assertEquals("1; 30 September 2022 10:31:13; superwristband; 2.2.2.2; 2\n", file(), "file as it was");

            disk.free();
            r.join(DeviceName.of("supersmartwatch"), "1.1.1.1", 1).join();
            assertEquals(2, file().split("\n").length, "the device joins once space is back");
        }
    }

    @Test
    void aLeaveOntoAFullDiskStandsAndTheNextWriteRecordsIt() throws IOException {
        RecordingDisk disk = new RecordingDisk(dir);
        try (FileDeviceRegistry r = FileDeviceRegistry.open(dir.resolve("edge-device-log.txt"), clock, ZoneOffset.UTC,
                disk, Runnable::run)) {
            r.clear();
            ActiveDevice watch = r.join(DeviceName.of("supersmartwatch"), "1.1.1.1", 1).join();
            r.join(DeviceName.of("superwristband"), "2.2.2.2", 2).join();
            disk.fill();

            List<String> warnings;
            try (LogCapture logs = new LogCapture()) {
                r.leave(watch).join();
                warnings = logs.warnings();
            }

            assertEquals(List.of("WARN Cannot record that supersmartwatch left in edge-device-log.txt: "
                    + "the server is out of disk space"), warnings);
            assertFalse(r.isActive(DeviceName.of("supersmartwatch")), "gone from the live set");
            assertEquals(List.of("superwristband"),
                    r.othersThan(DeviceName.of("nobody")).stream().map(d -> d.name().value()).toList(),
                    "not offered as a peer");
            assertEquals(2, file().split("\n").length, "the file is behind until the next write");
            assertFalse(Files.exists(dir.resolve("edge-device-log.txt.tmp")), "no temp file");

            disk.free();
            r.join(DeviceName.of("wei-smartphone"), "3.3.3.3", 3).join();
            assertEquals(List.of("1 superwristband", "2 wei-smartphone"), seqAndNames(file()));
        }
    }
}
