package org.edgenet.server.http;

import io.netty.buffer.Unpooled;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.FileId;
import org.edgenet.common.testing.MutableClock;
import org.edgenet.server.service.ActivityLog;
import org.edgenet.server.service.DataStore;
import org.edgenet.server.service.Disk;
import org.edgenet.server.service.FileDataStore;
import org.edgenet.server.service.KeyedSerialExecutor;
import org.edgenet.server.service.StoredFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the dashboard learns from a real data store: the latest uploads and deletions, and the stored files. */
class RecentActivityTest {
    private static final DeviceName WATCH = DeviceName.of("watch");
    private static final DeviceName FRIDGE = DeviceName.of("fridge");

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T08:00:00Z"), ZoneOffset.UTC);
    private final RecentActivity recent = new RecentActivity(clock, ZoneOffset.UTC);
    private FileDataStore files;
    private DataStore data;

    @BeforeEach
    void open() throws Exception {
        files = new FileDataStore(dir.resolve("data"),
                ActivityLog.open(dir.resolve("upload-log.txt"), Disk.synced(), Runnable::run),
                ActivityLog.open(dir.resolve("deletion-log.txt"), Disk.synced(), Runnable::run),
                KeyedSerialExecutor.direct(), Disk.synced(), clock, ZoneOffset.UTC);
        data = recent.observe(files);
    }

    @AfterEach
    void close() {
        data.close();
    }

    private long store(DeviceName device, long fileId, String text) {
        DataStore.Upload u = data.beginUpload(device, FileId.of(fileId)).join();
        u.append(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII)).join();
        return u.finish().join();
    }

    @Test
    void notesEachUploadAndDeletionThatSucceedsNewestFirst() {
        store(WATCH, 1, "5\n7\n");
        store(FRIDGE, 2, "1\n");
        data.delete(WATCH, FileId.of(1)).join();
        assertEquals(List.of(new RecentActivity.Entry("fridge", 2, 1, "30 November 2026 08:00:00"),
                new RecentActivity.Entry("watch", 1, 2, "30 November 2026 08:00:00")), recent.uploads());
        assertEquals(List.of(new RecentActivity.Entry("watch", 1, 2, "30 November 2026 08:00:00")), recent.deletions());
        assertEquals(3, recent.version());
    }

    @Test
    void notesNothingThatFailed() {
        DataStore.Upload bad = data.beginUpload(WATCH, FileId.of(1)).join();
        assertThrows(CompletionException.class,
                () -> bad.append(Unpooled.copiedBuffer("x\n", StandardCharsets.US_ASCII)).join());
        bad.abort().join();
        assertThrows(CompletionException.class, () -> data.delete(WATCH, FileId.of(9)).join());
        assertEquals(List.of(), recent.uploads());
        assertEquals(List.of(), recent.deletions());
        assertEquals(0, recent.version());
    }

    @Test
    void keepsOnlyTheLatestTwenty() {
        for (int i = 1; i <= RecentActivity.KEPT + 5; i++) {
            store(WATCH, i, "1\n");
        }
        List<RecentActivity.Entry> kept = recent.uploads();
        assertEquals(RecentActivity.KEPT, kept.size());
        assertEquals(RecentActivity.KEPT + 5, kept.get(0).fileId(), "newest first");
        assertEquals(6, kept.get(RecentActivity.KEPT - 1).fileId());
    }

    @Test
    void listsStoredFilesInOrderWithTheirSummariesAndOneMoreWhenThereAreMore() throws Exception {
        store(WATCH, 10, "4\n-2\n");
        store(WATCH, 2, "1\n");
        store(FRIDGE, 5, "3\n");
        List<StoredFile> all = files.storedFiles(10);
        assertEquals(List.of("fridge-5", "watch-2", "watch-10"),
                all.stream().map(f -> f.device() + "-" + f.fileId()).toList());
        StoredFile ten = all.get(2);
        assertEquals(5, ten.bytes());
        assertEquals(2, ten.summary().orElseThrow().count());
        assertEquals(BigInteger.TWO, ten.summary().orElseThrow().sum());
        assertEquals(-2, ten.summary().orElseThrow().min());

        assertEquals(2, files.storedFiles(1).size(), "the one asked for and one to say there are more");
    }

    @Test
    void aFileWhoseSummaryIsMissingOrStaleIsListedWithoutOne() throws Exception {
        store(WATCH, 1, "1\n");
        store(WATCH, 2, "2\n");
        Path one = dir.resolve("data/watch/watch-1.txt");
        Files.delete(one.resolveSibling("watch-1.txt.stats"));
        Files.writeString(dir.resolve("data/watch/watch-2.txt"), "2\n3\n");
        List<StoredFile> all = files.storedFiles(10);
        assertTrue(all.stream().allMatch(f -> f.summary().isEmpty()), all.toString());
        assertEquals(4, all.get(1).bytes());
    }
}
