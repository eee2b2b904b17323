package org.edgenet.server.service;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.FileId;
import org.edgenet.common.message.Operation;
import org.edgenet.common.testing.MutableClock;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SCS from summaries kept in memory by the files' lanes: answered at once when known, never stale
 * or partial around an upload or a deletion of the same file, bounded in size. The lane here is a
 * queue the test runs by hand, so each test decides exactly where a change stands when SCS asks.
 */
class SummaryInMemoryTest {
    private static final DeviceName WATCH = DeviceName.of("supersmartwatch");
    private static final FileId ONE = FileId.of(1);

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2022-09-30T10:31:13Z"), ZoneOffset.UTC);
    private final Deque<Runnable> lane = new ArrayDeque<>();
    private final List<FileDataStore> opened = new ArrayList<>();

    @AfterEach
    void closeStores() {
        opened.forEach(FileDataStore::close);
    }

    private FileDataStore open(KeyedSerialExecutor lanes) throws IOException {
        FileDataStore store = new FileDataStore(dir.resolve("data"),
                ActivityLog.open(dir.resolve("upload-log.txt"), Disk.synced(), Runnable::run),
                ActivityLog.open(dir.resolve("deletion-log.txt"), Disk.synced(), Runnable::run), lanes,
                Disk.synced(), clock, ZoneOffset.UTC);
        opened.add(store);
        return store;
    }

    /** A store whose file work waits in {@link #lane} until {@link #runLane()}. */
    private FileDataStore queued() throws IOException {
        return open(KeyedSerialExecutor.on(lane::add));
    }

    private void runLane() {
        while (!lane.isEmpty()) {
            lane.poll().run();
        }
    }

    private static ByteBuf ascii(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }

    /** Uploads {@code text} as file 1, running the lane to the end. */
    private void store(FileDataStore store, String text) {
        DataStore.Upload u = store.beginUpload(WATCH, ONE).join();
        CompletableFuture<Void> chunk = u.append(ascii(text));
        CompletableFuture<Long> finished = u.finish();
        runLane();
        chunk.join();
        finished.join();
    }

    private Path dataFile() {
        return dir.resolve("data").resolve("supersmartwatch").resolve("supersmartwatch-1.txt");
    }

    private static String answer(CompletableFuture<String> result) {
        assertTrue(result.isDone(), "answered at once, without the lane");
        return result.join();
    }

    @Test
    void scsOnAKnownSummaryIsAnsweredAtOnceWithoutTheLaneOrTheDisk() throws IOException {
        FileDataStore store = queued();
        store(store, "1\n2\n3\n4\n");
        // Gone behind the server's back: a disk check would notice, the summary in memory does not.
        Files.delete(dataFile());

        assertEquals("10", answer(store.compute(WATCH, ONE, Operation.SUM)));
        assertEquals("2.5", answer(store.compute(WATCH, ONE, Operation.AVERAGE)));
        assertEquals("4", answer(store.compute(WATCH, ONE, Operation.MAX)));
        assertEquals("1", answer(store.compute(WATCH, ONE, Operation.MIN)));
        assertTrue(lane.isEmpty(), "nothing handed to the lane");
    }

    @Test
    void anEmptyFilesRefusalComesAtOnceToo() throws IOException {
        FileDataStore store = queued();
        store(store, "");

        CompletableFuture<String> max = store.compute(WATCH, ONE, Operation.MAX);

        assertTrue(max.isDone(), "refused at once");
        CompletionException e = assertThrows(CompletionException.class, max::join);
        assertEquals(ErrorCode.EMPTY_FILE, assertInstanceOf(ProtocolException.class, e.getCause()).code());
        assertEquals("0", answer(store.compute(WATCH, ONE, Operation.SUM)));
    }

    @Test
    void aFileFirstAskedAfterARestartIsReadOnceByItsLaneThenKnown() throws IOException {
        store(queued(), "5\n-7\n");
        FileDataStore restarted = queued();

        CompletableFuture<String> first = restarted.compute(WATCH, ONE, Operation.SUM);
        assertFalse(first.isDone(), "unknown after a restart: the lane reads the sidecar");
        runLane();
        assertEquals("-2", first.join());

        assertEquals("-7", answer(restarted.compute(WATCH, ONE, Operation.MIN)));
    }

    @Test
    void whileAReplacementIsUnderWayScsSeesTheOldFileAndOnceConfirmedTheNewOne() throws IOException {
        FileDataStore store = queued();
        store(store, "1\n2\n");

        DataStore.Upload u = store.beginUpload(WATCH, ONE).join();
        CompletableFuture<Void> chunk = u.append(ascii("10\n20\n30\n"));
        assertEquals("3", answer(store.compute(WATCH, ONE, Operation.SUM)), "chunk queued");
        lane.poll().run();
        chunk.join();
        assertEquals("3", answer(store.compute(WATCH, ONE, Operation.SUM)), "chunk written to the temp file");

        CompletableFuture<Long> finished = u.finish();
        assertEquals("3", answer(store.compute(WATCH, ONE, Operation.SUM)), "end queued, not run");
        runLane();

        assertEquals(3L, finished.join());
        assertEquals("60", answer(store.compute(WATCH, ONE, Operation.SUM)), "confirmed: the new file at once");
        assertEquals("20", answer(store.compute(WATCH, ONE, Operation.AVERAGE)), "count and sum of the same file");
    }

    @Test
    void scsOnAFileBeingUploadedForTheFirstTimeWaitsBehindTheUploadOnItsLane() throws IOException {
        FileDataStore store = queued();
        DataStore.Upload u = store.beginUpload(WATCH, ONE).join();
        u.append(ascii("4\n"));
        CompletableFuture<Long> finished = u.finish();

        CompletableFuture<String> sum = store.compute(WATCH, ONE, Operation.SUM);

        assertFalse(sum.isDone(), "not known: queued behind the upload");
        runLane();
        assertEquals(1L, finished.join());
        assertEquals("4", sum.join(), "answered from the file the upload put in place");
    }

    @Test
    void aConfirmedDeletionIsNeverAnsweredFromMemory() throws IOException {
        FileDataStore store = queued();
        store(store, "1\n2\n");

        CompletableFuture<Long> deleted = store.delete(WATCH, ONE);
        assertEquals("3", answer(store.compute(WATCH, ONE, Operation.SUM)), "deletion queued, not run");
        runLane();
        assertEquals(2L, deleted.join());

        CompletableFuture<String> after = store.compute(WATCH, ONE, Operation.SUM);
        assertFalse(after.isDone(), "not known any more: the lane looks");
        runLane();
        CompletionException e = assertThrows(CompletionException.class, after::join);
        assertEquals(ErrorCode.NO_SUCH_FILE, assertInstanceOf(ProtocolException.class, e.getCause()).code());
    }

    @Test
    void aRefusedReplacementLeavesTheOldSummaryBesideTheOldFile() throws IOException {
        FileDataStore store = queued();
        store(store, "1\n2\n");

        DataStore.Upload u = store.beginUpload(WATCH, ONE).join();
        CompletableFuture<Void> chunk = u.append(ascii("5\nfive\n"));
        CompletableFuture<Long> finished = u.finish();
        runLane();

        assertThrows(CompletionException.class, chunk::join);
        assertThrows(CompletionException.class, finished::join);
        assertEquals("3", answer(store.compute(WATCH, ONE, Operation.SUM)));
        assertEquals("1\n2\n", Files.readString(dataFile()), "the old file in place");
    }

    @Test
    void anUploadBeginsWithoutATripToTheLaneAndAnAbortBeforeAnyChunkQueuesNothing() throws IOException {
        FileDataStore store = queued();

        for (int i = 0; i < 1000; i++) {
            CompletableFuture<DataStore.Upload> begun = store.beginUpload(WATCH, ONE);
            assertTrue(begun.isDone(), "ready at once");
            CompletableFuture<Void> aborted = begun.join().abort();
            assertTrue(aborted.isDone(), "nothing to drop");
        }

        assertTrue(lane.isEmpty(), "a begin-abort loop queues no work");
        assertFalse(Files.exists(dir.resolve("data").resolve("supersmartwatch")), "no temp file, no directory");
    }

    @Test
    void theTempFileIsOpenedByTheFirstChunkInItsOwnTask() throws IOException {
        FileDataStore store = queued();
        DataStore.Upload u = store.beginUpload(WATCH, ONE).join();
        CompletableFuture<Void> chunk = u.append(ascii("1\n"));
        assertEquals(1, lane.size(), "one task: open and write");
        lane.poll().run();
        chunk.join();
        assertEquals(1, tempFiles().size(), "the temp file holds the chunk");

        CompletableFuture<Void> aborted = u.abort();
        runLane();
        aborted.join();
        assertEquals(List.of(), tempFiles(), "and is gone after the abort");
    }

    @Test
    void anEmptyUploadIsStoredWithoutAnyChunk() throws IOException {
        FileDataStore store = queued();
        DataStore.Upload u = store.beginUpload(WATCH, ONE).join();
        CompletableFuture<Long> finished = u.finish();
        runLane();
        assertEquals(0L, finished.join());
        assertEquals("", Files.readString(dataFile()));
        assertEquals("0", answer(store.compute(WATCH, ONE, Operation.SUM)));
    }

    @Test
    void directAndCompositeChunksAreStoredByteForByteAndReleased() throws IOException {
        FileDataStore store = queued();
        ByteBuf direct = Unpooled.directBuffer().writeBytes("12\n-3".getBytes(StandardCharsets.US_ASCII));
        CompositeByteBuf composite = Unpooled.compositeBuffer()
                .addComponent(true, ascii("4\n5")).addComponent(true, Unpooled.directBuffer().writeBytes(
                        "6\n7\n".getBytes(StandardCharsets.US_ASCII)));
        ByteBuf heap = ascii("x8\n").skipBytes(1);
        // A slice of a heap buffer: its bytes start at an offset into the shared array.
        ByteBuf slice = ascii("zz9\nzz").retainedSlice(2, 2);

        DataStore.Upload u = store.beginUpload(WATCH, ONE).join();
        u.append(direct);
        u.append(composite);
        u.append(heap);
        u.append(slice);
        CompletableFuture<Long> finished = u.finish();
        runLane();

        assertEquals(6L, finished.join());
        assertEquals("12\n-34\n56\n7\n8\n9\n", Files.readString(dataFile()));
        assertEquals("58", answer(store.compute(WATCH, ONE, Operation.SUM)));
        assertEquals(0, direct.refCnt() + composite.refCnt() + heap.refCnt(), "every chunk released");
        slice.unwrap().release();
        assertEquals(0, slice.refCnt(), "the slice released too");
    }

    @Test
    void theMaintenanceCheckForgetsASummaryWhoseFileIsGoneOrDamaged() throws IOException {
        FileDataStore store = open(KeyedSerialExecutor.direct());
        DataStore.Upload u = store.beginUpload(WATCH, ONE).join();
        u.append(ascii("1\n"));
        u.finish().join();
        Files.writeString(dataFile(), "1\nnot a number\n");

        assertEquals(new FileDataStore.SummaryCheck(1, 0, 1), store.checkSummaries());

        CompletionException e = assertThrows(CompletionException.class,
                () -> store.compute(WATCH, ONE, Operation.SUM).join());
        assertEquals(ErrorCode.INTERNAL, assertInstanceOf(ProtocolException.class, e.getCause()).code(),
                "the damage is reported, not the old summary");
    }

    @Test
    void theMaintenanceCheckForgetsTheSummaryOfAFileRemovedByHand() throws IOException {
        FileDataStore store = open(KeyedSerialExecutor.direct());
        DataStore.Upload u = store.beginUpload(WATCH, ONE).join();
        u.append(ascii("1\n"));
        u.finish().join();
        Files.delete(dataFile());
        assertEquals("1", store.compute(WATCH, ONE, Operation.SUM).join(), "known until the check");

        assertEquals(new FileDataStore.SummaryCheck(0, 0, 0), store.checkSummaries());

        CompletionException e = assertThrows(CompletionException.class,
                () -> store.compute(WATCH, ONE, Operation.SUM).join());
        assertEquals(ErrorCode.NO_SUCH_FILE, assertInstanceOf(ProtocolException.class, e.getCause()).code());
    }

    @Test
    void theMapHoldsAtMostItsCapacityAndStillReplacesAndForgets() {
        Summaries s = new Summaries(2);
        ComputeStats a = new SampleStats().summary(0);
        SampleStats seven = new SampleStats();
        seven.add(7);
        ComputeStats b = seven.summary(2);

        s.publish(WATCH, FileId.of(1), a);
        s.publish(WATCH, FileId.of(2), a);
        s.publish(WATCH, FileId.of(3), a);
        assertEquals(2, s.size(), "the third is not kept");
        assertNull(s.known(WATCH, FileId.of(3)), "and is read from the disk instead");

        s.publish(WATCH, FileId.of(1), b);
        assertEquals(b, s.known(WATCH, FileId.of(1)), "a file already known is updated when full");
        s.forget(WATCH, FileId.of(2));
        s.publish(WATCH, FileId.of(3), b);
        assertEquals(b, s.known(WATCH, FileId.of(3)), "room again once one is forgotten");
    }

    /**
     * Real lane threads: one thread replaces and deletes the file over and over while another asks
     * SCS as fast as it can. Every answer must be one of the files as a whole (AVERAGE would show a
     * count of one file with the sum of another), or that there is no file; and after each change
     * is confirmed, the changer's own SCS sees it.
     */
    @Test
    void scsDuringUploadsAndDeletionsOnRealLanesSeesWholeFilesOnlyAndEveryConfirmedChange()
            throws IOException, InterruptedException, ExecutionException, TimeoutException {
        KeyedSerialExecutor lanes = KeyedSerialExecutor.threads(2, "test-lane");
        FileDataStore store = open(lanes);
        String small = "1\n2\n3\n";
        String large = "10\n20\n30\n40\n50\n60\n";
        Set<String> allowed = Set.of("2", "35", "none");
        AtomicBoolean changing = new AtomicBoolean(true);
        ExecutorService asker = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> asked = asker.submit(() -> {
                int n = 0;
                while (changing.get()) {
                    String a = averageOrNone(store);
                    assertTrue(allowed.contains(a), "a whole file or none, got " + a);
                    n++;
                }
                return n;
            });
            for (int i = 0; i < 150; i++) {
                upload(store, i % 2 == 0 ? small : large);
                assertEquals(i % 2 == 0 ? "2" : "35", averageOrNone(store), "the confirmed upload, round " + i);
                if (i % 5 == 4) {
                    store.delete(WATCH, ONE).join();
                    assertEquals("none", averageOrNone(store), "the confirmed deletion, round " + i);
                }
            }
            changing.set(false);
            assertTrue(asked.get(30, TimeUnit.SECONDS) > 0, "SCS was asked meanwhile");
        } finally {
            changing.set(false);
            asker.shutdownNow();
        }
    }

    private static void upload(FileDataStore store, String text) {
        DataStore.Upload u = store.beginUpload(WATCH, ONE).join();
        u.append(ascii(text));
        u.finish().join();
    }

    private static String averageOrNone(FileDataStore store) {
        try {
            return store.compute(WATCH, ONE, Operation.AVERAGE).join();
        } catch (CompletionException e) {
            ProtocolException p = assertInstanceOf(ProtocolException.class, e.getCause());
            assertEquals(ErrorCode.NO_SUCH_FILE, p.code(), p.getMessage());
            return "none";
        }
    }

    private List<Path> tempFiles() throws IOException {
        try (Stream<Path> files = Files.walk(dir.resolve("data"))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }
}
