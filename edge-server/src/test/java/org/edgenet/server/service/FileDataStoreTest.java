package org.edgenet.server.service;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.edgenet.common.message.Operation;
import org.edgenet.common.testing.MutableClock;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileDataStoreTest {
    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2022-09-30T10:31:13Z"), ZoneOffset.UTC);

    private FileDataStore open() throws IOException {
        return new FileDataStore(dir.resolve("data"), ActivityLog.open(dir.resolve("upload-log.txt"), Runnable::run),
                ActivityLog.open(dir.resolve("deletion-log.txt"), Runnable::run), Lanes.direct(), clock, ZoneOffset.UTC);
    }

    private static long store(FileDataStore store, String device, long fileId, String text) {
        DataStore.Upload u = store.beginUpload(device, fileId).join();
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
        assertEquals("10", restarted.compute("supersmartwatch", 1, Operation.SUM).join());
        assertEquals("2.5", restarted.compute("supersmartwatch", 1, Operation.AVERAGE).join());
    }

    @Test
    void aFileWithoutItsSummaryIsReadOnceAndAnswered() throws IOException {
        FileDataStore store = open();
        Path file = dataFile("supersmartwatch", 2);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "5\n-7\n");
        assertEquals("-7", store.compute("supersmartwatch", 2, Operation.MIN).join());
        assertTrue(Files.exists(file.resolveSibling(file.getFileName() + ".stats")), "summary written for next time");
    }

    @Test
    void aSummaryThatNoLongerMatchesTheFileIsRecomputed() throws IOException {
        FileDataStore store = open();
        store(store, "supersmartwatch", 3, "1\n");
        Files.writeString(dataFile("supersmartwatch", 3), "100\n200\n");
        assertEquals("300", store.compute("supersmartwatch", 3, Operation.SUM).join());
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
    void devicesAndFileIdsNeverLeaveTheDataDirectory() throws IOException {
        FileDataStore store = open();
        assertThrows(IllegalArgumentException.class, () -> store.dataFile("..", 1));
        assertThrows(IllegalArgumentException.class, () -> store.dataFile("a/b", 1));
        ProtocolException e = assertThrows(ProtocolException.class, () -> store.dataFile("a", -1));
        assertEquals(ErrorCode.BAD_ARGUMENT, e.code());
        assertEquals(dir.resolve("data").resolve("x").resolve("x-5.txt").toAbsolutePath(), store.dataFile("x", 5));
    }

    @Test
    void deletingAMissingFileFailsWithNoSuchFile() throws IOException {
        CompletionException e = assertThrows(CompletionException.class,
                () -> open().delete("supersmartwatch", 1).join());
        assertEquals(ErrorCode.NO_SUCH_FILE, assertInstanceOf(ProtocolException.class, e.getCause()).code());
        assertEquals("", Files.readString(dir.resolve("deletion-log.txt")), "nothing logged");
    }

    @Test
    void everyResultAfterABadChunkReportsThatChunksLine() throws IOException {
        FileDataStore store = open();
        DataStore.Upload u = store.beginUpload("supersmartwatch", 1).join();
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
}
