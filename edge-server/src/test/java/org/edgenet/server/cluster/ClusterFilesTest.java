package org.edgenet.server.cluster;

import io.netty.buffer.Unpooled;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.FileId;
import org.edgenet.common.message.Operation;
import org.edgenet.common.testing.MutableClock;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;
import org.edgenet.server.service.ActivityLog;
import org.edgenet.server.service.DataStore;
import org.edgenet.server.service.Disk;
import org.edgenet.server.service.FileDataStore;
import org.edgenet.server.service.KeyedSerialExecutor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three members in this JVM with one data directory, as on shared storage, and each its own
 * working directory with its upload and deletion logs. Each test uses device names of its own.
 */
class ClusterFilesTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final Pattern LOG_LINE = Pattern.compile(
            "files-log-\\d; \\d{1,2} [A-Z][a-z]+ \\d{4} \\d\\d:\\d\\d:\\d\\d; \\d+; 2");
    private static final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T08:00:00Z"), ZoneOffset.UTC);
    private static List<ClusterNode> nodes;
    private static final List<FileDataStore> stores = new ArrayList<>();
    private static final List<ActivityLog> logs = new ArrayList<>();

    @TempDir
    static Path dir;

    @BeforeAll
    static void startCluster() throws Exception {
        nodes = new ClusterMembers(28300, 3).startAll();
        for (int i = 0; i < nodes.size(); i++) {
            ActivityLog uploads = ActivityLog.open(work(i).resolve("upload-log.txt"), Disk.synced());
            ActivityLog deletions = ActivityLog.open(work(i).resolve("deletion-log.txt"), Disk.synced());
            logs.add(uploads);
            logs.add(deletions);
            stores.add(new FileDataStore(dir.resolve("data"), uploads, deletions,
                    KeyedSerialExecutor.threads(4, "lanes" + i), Disk.synced(), clock, ZoneOffset.UTC,
                    nodes.get(i).sharedFiles()));
        }
    }

    @AfterAll
    static void stopCluster() {
        stores.forEach(FileDataStore::close);
        logs.forEach(ActivityLog::close);
        nodes.forEach(ClusterNode::close);
    }

    private static Path work(int member) {
        return dir.resolve("node" + member);
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Uploads {@code lines} through {@code member} in one chunk per line. */
    private static CompletableFuture<Long> upload(int member, DeviceName device, long fileId, String... lines) {
        CompletableFuture<DataStore.Upload> started = stores.get(member).beginUpload(device, FileId.of(fileId));
        CompletableFuture<DataStore.Upload> sent = started;
        for (String line : lines) {
            sent = sent.thenCompose(u -> u.append(Unpooled.copiedBuffer(line + "\n", StandardCharsets.US_ASCII))
                    .thenApply(v -> u));
        }
        return sent.thenCompose(DataStore.Upload::finish);
    }

    private static String sum(int member, DeviceName device, long fileId) throws Exception {
        return await(stores.get(member).compute(device, FileId.of(fileId), Operation.SUM));
    }

    private static Path dataFile(DeviceName device, long fileId) {
        return dir.resolve("data").resolve(device.value()).resolve(device.value() + "-" + fileId + ".txt");
    }

    @Test
    void aFileUploadedThroughOneMemberIsSummedThroughEveryOther() throws Exception {
        DeviceName device = DeviceName.of("files-upload");
        assertEquals(3L, await(upload(0, device, 1, "1", "2", "3")));
        assertEquals("6", sum(1, device, 1), "SCS on the second member");
        assertEquals("6", sum(2, device, 1), "SCS on the third member");
    }

    @Test
    void aFileReplacedThroughAnotherMemberIsSummedAnewWhereItWasFirstStored() throws Exception {
        DeviceName device = DeviceName.of("files-replace");
        await(upload(0, device, 2, "1", "2"));
        assertEquals("3", sum(0, device, 2));
        await(upload(1, device, 2, "100", "200"));
        assertEquals("300", sum(0, device, 2), "the first member answers what the second stored");
        assertEquals("300", sum(2, device, 2));
    }

    @Test
    void aFileDeletedThroughOneMemberIsNoSuchFileOnEveryOther() throws Exception {
        DeviceName device = DeviceName.of("files-delete");
        await(upload(0, device, 3, "5"));
        assertEquals("5", sum(0, device, 3));
        assertEquals(1L, await(stores.get(2).delete(device, FileId.of(3))));
        ExecutionException e = assertThrows(ExecutionException.class, () -> sum(0, device, 3));
        assertEquals(ErrorCode.NO_SUCH_FILE, assertInstanceOf(ProtocolException.class, e.getCause()).code());
        assertTrue(Files.readString(work(2).resolve("deletion-log.txt")).contains("files-delete; "),
                "the deletion is in the log of the member that made it");
    }

    @Test
    void everyMemberCountsTheStoredBytesOfUploadsAndDeletionsThroughAnyOther() throws Exception {
        DeviceName device = DeviceName.of("files-bytes");
        long[] before = stores.stream().mapToLong(FileDataStore::storedBytes).toArray();
        await(upload(0, device, 7, "12", "345"));
        long size = Files.size(dataFile(device, 7));
        eventually("every member counts the upload", () -> IntStream.range(0, stores.size())
                .allMatch(i -> stores.get(i).storedBytes() == before[i] + size));

        await(stores.get(2).delete(device, FileId.of(7)));
        eventually("every member counts the deletion", () -> IntStream.range(0, stores.size())
                .allMatch(i -> stores.get(i).storedBytes() == before[i]));
    }

    private static void eventually(String what, BooleanSupplier condition) {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, "timed out waiting until " + what);
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
    }

    @Test
    void aFileRemovedByHandIsForgottenEverywhereAtTheMaintenanceCheckOfAnyMember() throws Exception {
        DeviceName device = DeviceName.of("files-by-hand");
        await(upload(0, device, 6, "4"));
        assertEquals("4", sum(1, device, 6));
        Path file = dataFile(device, 6);
        Files.delete(file.resolveSibling(file.getFileName() + ".stats"));
        Files.delete(file);
        assertEquals("4", sum(2, device, 6), "answered from the cluster's memory until the check");

        stores.get(1).checkSummaries();

        ExecutionException e = assertThrows(ExecutionException.class, () -> sum(2, device, 6));
        assertEquals(ErrorCode.NO_SUCH_FILE, assertInstanceOf(ProtocolException.class, e.getCause()).code());
    }

    @Test
    void aDeviceHeldByOneMembersLaneHoldsAnotherMembersLaneForItUntilReleased() throws Exception {
        DeviceName device = DeviceName.of("files-held");
        await(upload(0, device, 4, "7"));
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> nodes.get(0).sharedFiles().exclusive(device, () -> {
            held.countDown();
            try {
                return release.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }), "holder");
        holder.start();
        assertTrue(held.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS), "the first member holds the device");

        CompletableFuture<Long> deleted = stores.get(1).delete(device, FileId.of(4));
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!laneWaitsForTheLock("lanes1-")) {
            assertTrue(System.nanoTime() < end, "the second member's lane never waited for the device");
            Thread.onSpinWait();
        }
        assertFalse(deleted.isDone(), "nothing deleted while the device is held elsewhere");
        assertTrue(Files.exists(dataFile(device, 4)), "the file is still there");

        release.countDown();
        assertEquals(1L, await(deleted), "deleted once released");
        holder.join(DEADLINE.toMillis());
        assertFalse(Files.exists(dataFile(device, 4)));
    }

    /** Whether a lane thread of the member is blocked taking a device's lock. */
    private static boolean laneWaitsForTheLock(String lanePrefix) {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(t -> t.getKey().getName().startsWith(lanePrefix))
                .anyMatch(t -> Arrays.stream(t.getValue()).anyMatch(f -> f.getClassName().equals(
                        ClusterFiles.class.getName()) && f.getMethodName().equals("exclusive"))
                        && Arrays.stream(t.getValue()).anyMatch(f -> f.getMethodName().equals("lock")));
    }

    @Test
    void concurrentUploadsOfOneFileThroughTwoMembersLeaveOneWholeUploadWithItsSummary() throws Exception {
        DeviceName device = DeviceName.of("files-race");
        String[] ones = new String[40];
        String[] twos = new String[25];
        Arrays.fill(ones, "1");
        Arrays.fill(twos, "2");
        for (int round = 0; round < 10; round++) {
            CompletableFuture<Long> a = upload(0, device, 5, ones);
            CompletableFuture<Long> b = upload(1, device, 5, twos);
            assertEquals(40L, await(a));
            assertEquals(25L, await(b));
            String stored = Files.readString(dataFile(device, 5));
            assertTrue(stored.equals("1\n".repeat(40)) || stored.equals("2\n".repeat(25)),
                    "round " + round + ": the file is one whole upload, not a mix");
            String expected = stored.startsWith("1") ? "40" : "50";
            for (int member = 0; member < 3; member++) {
                assertEquals(expected, sum(member, device, 5), "round " + round + ": the summary is the file's");
            }
        }
    }

    @Test
    void theUploadLogsOfTheMembersHoldEveryUploadOnceInWholeLines() throws Exception {
        List<CompletableFuture<Long>> uploads = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            uploads.add(upload(i % 3, DeviceName.of("files-log-" + (i % 5)), 100 + i, "1", "2"));
        }
        for (CompletableFuture<Long> u : uploads) {
            assertEquals(2L, await(u));
        }
        List<String> lines = new ArrayList<>();
        for (int member = 0; member < 3; member++) {
            Files.readAllLines(work(member).resolve("upload-log.txt")).stream()
                    .filter(l -> l.startsWith("files-log-")).forEach(lines::add);
        }
        assertEquals(30, lines.size(), "one line per upload: " + lines);
        for (String line : lines) {
            assertTrue(LOG_LINE.matcher(line).matches(), "a whole line: " + line);
        }
        assertEquals(30, lines.stream().map(l -> l.split("; ")[2]).distinct().count(), "every file once");
    }
}
