package org.edgenet.server.service;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.FileId;
import org.edgenet.common.message.Operation;
import org.edgenet.common.testing.MutableClock;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;
import org.edgenet.server.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileDataStoreTest {
    private static final DeviceName WATCH = DeviceName.of("supersmartwatch");
    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2022-09-30T10:31:13Z"), ZoneOffset.UTC);

    private FileDataStore open() throws IOException {
        return open(Disk.synced());
    }

    private FileDataStore open(Disk disk) throws IOException {
        return new FileDataStore(dir.resolve("data"),
                ActivityLog.open(dir.resolve("upload-log.txt"), disk, Runnable::run),
                ActivityLog.open(dir.resolve("deletion-log.txt"), disk, Runnable::run), KeyedSerialExecutor.direct(),
                disk, clock, ZoneOffset.UTC);
    }

    private static long store(FileDataStore store, String device, long fileId, String text) {
        DataStore.Upload u = store.beginUpload(DeviceName.of(device), FileId.of(fileId)).join();
        u.append(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII)).join();
        return u.finish().join();
    }

    private Path dataFile(String device, long fileId) {
        return dir.resolve("data").resolve(device).resolve(device + "-" + fileId + ".txt");
    }

    @Test
    void summariesSurviveARestart() throws IOException {
        store(open(), "supersmartwatch", 1, "1\n2\n3\n4\n");
        FileDataStore restarted = open();
        assertEquals("10", restarted.compute(WATCH, FileId.of(1), Operation.SUM).join());
        assertEquals("2.5", restarted.compute(WATCH, FileId.of(1), Operation.AVERAGE).join());
    }

    @Test
    void aFileWithoutItsSummaryIsReadOnceAndAnswered() throws IOException {
        FileDataStore store = open();
        Path file = dataFile("supersmartwatch", 2);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "5\n-7\n");
        assertEquals("-7", store.compute(WATCH, FileId.of(2), Operation.MIN).join());
        assertTrue(Files.exists(file.resolveSibling(file.getFileName() + ".stats")), "summary written for next time");
    }

    @Test
    void aSummaryThatNoLongerMatchesTheFileIsRecomputedAtTheMaintenanceCheckOrARestart() throws IOException {
        FileDataStore store = open();
        store(store, "supersmartwatch", 3, "1\n");
        Files.writeString(dataFile("supersmartwatch", 3), "100\n200\n");
        assertEquals("1", store.compute(WATCH, FileId.of(3), Operation.SUM).join(),
                "answered from memory: a change by hand is not looked for at every request");

        assertEquals(new FileDataStore.SummaryCheck(1, 1, 0), store.checkSummaries());
        assertEquals("300", store.compute(WATCH, FileId.of(3), Operation.SUM).join(), "seen by the check");

        Files.writeString(dataFile("supersmartwatch", 3), "7\n");
        assertEquals("7", open().compute(WATCH, FileId.of(3), Operation.SUM).join(), "seen after a restart");
    }

    @Test
    void leftoverTempFilesAreRemovedAtStart() throws IOException {
        Path deviceDir = Files.createDirectories(dir.resolve("data").resolve("supersmartwatch"));
        Path leftover = Files.writeString(deviceDir.resolve(".upload-1-123.tmp"), "1\n");
        Path kept = Files.writeString(deviceDir.resolve("supersmartwatch-1.txt"), "1\n");
        FileDataStore store = open();
        assertTrue(Files.exists(leftover), "opening alone changes nothing");
        store.removeLeftoverUploads();
        assertFalse(Files.exists(leftover), "temp file of a crashed upload removed");
        assertTrue(Files.exists(kept), "data kept");
    }

    @Test
    void aDevicesFileIsADirectChildOfItsDirectoryInTheDataDirectory() throws IOException {
        FileDataStore store = open();
        assertEquals(dir.resolve("data").resolve("x").resolve("x-5.txt").toAbsolutePath(),
                store.dataFile(DeviceName.of("x"), FileId.of(5)));
        assertEquals(dir.resolve("data").resolve("..a").resolve("..a-0.txt").toAbsolutePath(),
                store.dataFile(DeviceName.of("..a"), FileId.of(0)), "dots inside a name are only dots");
    }

    @Test
    void deletingAMissingFileFailsWithNoSuchFile() throws IOException {
        CompletionException e = assertThrows(CompletionException.class,
                () -> open().delete(WATCH, FileId.of(1)).join());
        assertEquals(ErrorCode.NO_SUCH_FILE, assertInstanceOf(ProtocolException.class, e.getCause()).code());
        assertEquals("", Files.readString(dir.resolve("deletion-log.txt")), "nothing logged");
    }

    @Test
    void everyResultAfterABadChunkReportsThatChunksLine() throws IOException {
        FileDataStore store = open();
        DataStore.Upload u = store.beginUpload(WATCH, FileId.of(1)).join();
        ByteBuf later = Unpooled.copiedBuffer("3\n", StandardCharsets.US_ASCII);

        String first = failure(u.append(Unpooled.copiedBuffer("1\nx\n", StandardCharsets.US_ASCII)));

        assertEquals("line 2: not an integer (unexpected 'x')", first);
        assertEquals(first, failure(u.append(later)), "a chunk queued behind the bad one");
        assertEquals(0, later.refCnt(), "its buffer released");
        assertEquals(first, failure(u.finish()), "the end of the upload");
        assertFalse(Files.exists(dataFile("supersmartwatch", 1)), "nothing stored");
        assertEquals("", Files.readString(dir.resolve("upload-log.txt")), "nothing logged");
    }

    private static String failure(CompletableFuture<?> result) {
        CompletionException e = assertThrows(CompletionException.class, result::join);
        ProtocolException p = assertInstanceOf(ProtocolException.class, e.getCause());
        assertEquals(ErrorCode.INVALID_DATA, p.code());
        return p.getMessage();
    }

    @Test
    void logsAppendAcrossRestarts() throws IOException {
        store(open(), "supersmartwatch", 1, "1\n");
        store(open(), "supersmartwatch", 2, "1\n2\n");
        assertEquals("supersmartwatch; 30 September 2022 10:31:13; 1; 1\n"
                + "supersmartwatch; 30 September 2022 10:31:13; 2; 2\n", Files.readString(dir.resolve("upload-log.txt")));
    }

    // Durability: the order of the steps that decides what a power loss keeps.

    @Test
    void anUploadIsForcedMovedAndItsDirectorySyncedBeforeItsForcedLogLineConfirmsIt() throws IOException {
        RecordingDisk disk = new RecordingDisk(dir);
        FileDataStore store = open(disk);
        disk.clear();

        DataStore.Upload u = store.beginUpload(WATCH, FileId.of(1)).join();
        u.append(Unpooled.copiedBuffer("1\n2\n", StandardCharsets.US_ASCII)).join();
        u.finish().thenRun(() -> disk.note("confirmed")).join();

        assertEquals(List.of(
                "sync data",
                "write data/supersmartwatch/.upload-1-*.tmp",
                "force data/supersmartwatch/.upload-1-*.tmp",
                "write data/supersmartwatch/.upload-stats-*.tmp",
                "force data/supersmartwatch/.upload-stats-*.tmp",
                "delete data/supersmartwatch/supersmartwatch-1.txt.stats",
                "move data/supersmartwatch/.upload-1-*.tmp -> data/supersmartwatch/supersmartwatch-1.txt",
                "move data/supersmartwatch/.upload-stats-*.tmp -> data/supersmartwatch/supersmartwatch-1.txt.stats",
                "sync data/supersmartwatch",
                "write upload-log.txt",
                "force upload-log.txt",
                "(confirmed)"), disk.steps(), "the new device directory's name, data, sidecar, names, log");
    }

    @Test
    void aDeletionSyncsItsDirectoryBeforeItsForcedLogLineConfirmsIt() throws IOException {
        RecordingDisk disk = new RecordingDisk(dir);
        FileDataStore store = open(disk);
        store(store, "supersmartwatch", 1, "1\n");
        disk.clear();

        store.delete(WATCH, FileId.of(1)).thenRun(() -> disk.note("confirmed")).join();

        assertEquals(List.of(
                "delete data/supersmartwatch/supersmartwatch-1.txt",
                "delete data/supersmartwatch/supersmartwatch-1.txt.stats",
                "sync data/supersmartwatch",
                "write deletion-log.txt",
                "force deletion-log.txt",
                "(confirmed)"), disk.steps());
    }

    @Test
    void aRewrittenSummaryIsForcedBeforeItIsMovedIntoPlace() throws IOException {
        RecordingDisk disk = new RecordingDisk(dir);
        FileDataStore store = open(disk);
        Path file = dataFile("supersmartwatch", 2);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "5\n-7\n");
        disk.clear();

        assertEquals("-2", store.compute(WATCH, FileId.of(2), Operation.SUM).join());

        assertEquals(List.of(
                "write data/supersmartwatch/.upload-stats-*.tmp",
                "force data/supersmartwatch/.upload-stats-*.tmp",
                "move data/supersmartwatch/.upload-stats-*.tmp -> data/supersmartwatch/supersmartwatch-2.txt.stats",
                "sync data/supersmartwatch"), disk.steps());
    }

    // A full disk

    /**
     * Whichever step meets the full disk, the device is told so, one warning without a stack
     * trace is logged, no temp file and no log line stay, and the next upload after space is
     * freed works. A failure after the data was moved leaves it in place, not confirmed.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "write data/supersmartwatch/.upload-1-, false",
            "force data/supersmartwatch/.upload-1-, false",
            "write data/supersmartwatch/.upload-stats-, false",
            "force data/supersmartwatch/.upload-stats-, false",
            "move data/supersmartwatch/.upload-1-, false",
            "move data/supersmartwatch/.upload-stats-, true",
            "sync data/supersmartwatch, true",
            "write upload-log.txt, true",
            "force upload-log.txt, true"})
    void anUploadThatMeetsAFullDiskIsRefusedAndLeavesNoTempFileOrLogLine(String failingStep, boolean dataInPlace)
            throws IOException {
        RecordingDisk disk = new RecordingDisk(dir);
        FileDataStore store = open(disk);
        Files.createDirectories(dataFile("supersmartwatch", 1).getParent());
        disk.failWhen(step -> step.startsWith(failingStep));

        List<String> warnings;
        ProtocolException refused;
        try (LogCapture logs = new LogCapture()) {
            DataStore.Upload u = store.beginUpload(WATCH, FileId.of(1)).join();
            CompletableFuture<Void> chunk = u.append(Unpooled.copiedBuffer("1\n2\n", StandardCharsets.US_ASCII));
            CompletionException e = assertThrows(CompletionException.class,
                    () -> chunk.thenCompose(v -> u.finish()).join());
            refused = assertInstanceOf(ProtocolException.class, e.getCause());
            warnings = logs.warnings();
        }

        assertEquals(ErrorCode.OUT_OF_SPACE, refused.code());
        assertEquals("the server is out of disk space", refused.getMessage());
        assertEquals(List.of("WARN Cannot store file 1 for supersmartwatch: the server is out of disk space"), warnings,
                "one line, no stack trace");
        assertEquals(List.of(), tempFiles(), "no temp file left");
        assertEquals("", Files.readString(dir.resolve("upload-log.txt")), "nothing logged, not even part of a line");
        assertEquals(dataInPlace, Files.exists(dataFile("supersmartwatch", 1)), "data in place");

        disk.free();
        assertEquals(3, store(store, "supersmartwatch", 1, "4\n5\n6\n"), "stored once space is back");
        assertEquals("15", store.compute(WATCH, FileId.of(1), Operation.SUM).join());
        assertEquals("supersmartwatch; 30 September 2022 10:31:13; 1; 3\n",
                Files.readString(dir.resolve("upload-log.txt")));
    }

    @Test
    void anOldSummaryNeverStaysBesideNewDataOfTheSameSize() throws IOException {
        RecordingDisk disk = new RecordingDisk(dir);
        FileDataStore store = open(disk);
        store(store, "supersmartwatch", 1, "1\n");
        disk.failWhen(step -> step.startsWith("move data/supersmartwatch/.upload-stats-"));
        try (LogCapture logs = new LogCapture()) {
            DataStore.Upload u = store.beginUpload(WATCH, FileId.of(1)).join();
            u.append(Unpooled.copiedBuffer("2\n", StandardCharsets.US_ASCII)).join();
            assertThrows(CompletionException.class, () -> u.finish().join());
            assertEquals(1, logs.warnings().size(), "the failure is logged");
        }
        disk.free();

        assertEquals("2", store.compute(WATCH, FileId.of(1), Operation.SUM).join(),
                "the same size, yet the old summary is not taken for the new data");
    }

    @Test
    void aSummaryThatCannotBeSavedOnAFullDiskStillAnswers() throws IOException {
        RecordingDisk disk = new RecordingDisk(dir);
        FileDataStore store = open(disk);
        Path file = dataFile("supersmartwatch", 2);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "5\n-7\n");
        disk.fill();

        List<String> warnings;
        try (LogCapture logs = new LogCapture()) {
            assertEquals("-7", store.compute(WATCH, FileId.of(2), Operation.MIN).join(), "the sidecar only saves work");
            warnings = logs.warnings();
        }

        assertEquals(List.of("WARN Cannot save the summary of file 2 for supersmartwatch: the server is out of disk space"),
                warnings);
        assertEquals(List.of(), tempFiles(), "no temp file left");
        assertFalse(Files.exists(file.resolveSibling(file.getFileName() + ".stats")), "no sidecar");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "sync data/supersmartwatch, delete",
            "write deletion-log.txt, record the deletion of",
            "force deletion-log.txt, record the deletion of"})
    void aDeletionThatCannotBeMadeDurableIsNotConfirmed(String failingStep, String what) throws IOException {
        RecordingDisk disk = new RecordingDisk(dir);
        FileDataStore store = open(disk);
        store(store, "supersmartwatch", 1, "1\n");
        disk.failWhen(step -> step.startsWith(failingStep));

        List<String> warnings;
        CompletionException e;
        try (LogCapture logs = new LogCapture()) {
            e = assertThrows(CompletionException.class, () -> store.delete(WATCH, FileId.of(1)).join());
            warnings = logs.warnings();
        }

        assertEquals(ErrorCode.OUT_OF_SPACE, assertInstanceOf(ProtocolException.class, e.getCause()).code());
        assertEquals(List.of("WARN Cannot " + what + " file 1 for supersmartwatch: the server is out of disk space"),
                warnings);
        assertEquals("", Files.readString(dir.resolve("deletion-log.txt")), "not recorded");
        assertFalse(Files.exists(dataFile("supersmartwatch", 1)), "a removal cannot be taken back");
    }

    /** Temp files anywhere under the data directory. */
    private List<Path> tempFiles() throws IOException {
        try (Stream<Path> files = Files.walk(dir.resolve("data"))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }
}
