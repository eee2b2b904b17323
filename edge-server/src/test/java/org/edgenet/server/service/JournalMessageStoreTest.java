package org.edgenet.server.service;

import org.edgenet.common.testing.MutableClock;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;
import org.edgenet.server.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalMessageStoreTest {
    private static final Instant START = Instant.parse("2022-09-30T10:31:13Z");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(START);
    /** The writer thread, run by hand: whatever is posted meanwhile waits, as behind a slow force. */
    private final Deque<Runnable> writer = new ArrayDeque<>();
    private final List<JournalMessageStore> opened = new ArrayList<>();
    private RecordingDisk disk;

    @AfterEach
    void closeAll() {
        opened.forEach(JournalMessageStore::close);
    }

    private Path journal() {
        return dir.resolve("messages");
    }

    private JournalMessageStore open(int perRecipient, long total, int segmentBytes) throws IOException {
        disk = new RecordingDisk(dir);
        JournalMessageStore s = JournalMessageStore.open(journal(), perRecipient, total, disk, clock, segmentBytes,
                writer::add, Runnable::run);
        opened.add(s);
        runWriter();
        disk.clear();
        return s;
    }

    private JournalMessageStore open() throws IOException {
        return open(10_000, 1L << 30, JournalMessageStore.DEFAULT_SEGMENT_BYTES);
    }

    /** Closes {@code s} as a crash would leave it: nothing more is written, the files stay. */
    private JournalMessageStore reopen(JournalMessageStore s, int segmentBytes) throws IOException {
        runWriter();
        s.close();
        return open(10_000, 1L << 30, segmentBytes);
    }

    private void runWriter() {
        while (!writer.isEmpty()) {
            writer.poll().run();
        }
    }

    private long post(MessageStore s, String from, String to, String text) {
        CompletableFuture<Long> id = s.post(from, to, text);
        runWriter();
        return id.join();
    }

    private static List<String> texts(MessageStore.Batch b) {
        return b.messages().stream().map(MessageStore.Stored::text).toList();
    }

    private static MessageStore.Batch read(MessageStore s, String who) {
        return read(s, who, MessageStore.MAX_READ, Integer.MAX_VALUE);
    }

    /** A read by a reader that then goes away, holding nothing. */
    private static MessageStore.Batch read(MessageStore s, String who, int max, int maxBytes) {
        MessageStore.Reader r = s.reader(who);
        try {
            return r.read(max, maxBytes).join();
        } finally {
            r.close();
        }
    }

    /** A reader that is shown the oldest messages of {@code who} and removes them up to {@code upTo}. */
    private static CompletableFuture<Integer> remove(MessageStore s, String who, long upTo) {
        MessageStore.Reader r = s.reader(who);
        r.read(MessageStore.MAX_READ, Integer.MAX_VALUE).join();
        CompletableFuture<Integer> left = r.remove(upTo);
        r.close();
        return left;
    }

    private static ErrorCode failure(CompletableFuture<?> f) {
        CompletionException e = assertThrows(CompletionException.class, f::join);
        return assertInstanceOf(ProtocolException.class, e.getCause()).code();
    }

    private List<Path> journalFiles() throws IOException {
        try (Stream<Path> s = Files.list(journal())) {
            return s.sorted().toList();
        }
    }

    @Test
    void givesEachRecipientItsMessagesOldestFirstWithGrowingIdsSenderAndTime() throws IOException {
        JournalMessageStore s = open();
        long a = post(s, "alice", "bob", "first");
        clock.advance(Duration.ofSeconds(5));
        long b = post(s, "carol", "bob", "second, naïve ☃");
        post(s, "bob", "alice", "for alice");

        MessageStore.Batch batch = read(s, "bob");

        assertTrue(b > a, "ids grow");
        assertEquals(List.of(new MessageStore.Stored(a, "alice", START.atZone(clock.getZone()), "first"),
                new MessageStore.Stored(b, "carol", START.plusSeconds(5).atZone(clock.getZone()), "second, naïve ☃")),
                batch.messages());
        assertEquals(2, batch.waiting(), "waiting");
        assertEquals(List.of("for alice"), texts(read(s, "alice")), "alice's own mailbox");
        assertEquals(0, read(s, "nobody").waiting(), "an unknown recipient has nothing");
    }

    @Test
    void removesMessagesByIdOnlyOnceForcedAndKeepsTheOthersAndThoseAReaderHoldsOverARestart() throws IOException {
        JournalMessageStore s = open();
        long a = post(s, "alice", "bob", "one");
        long b = post(s, "alice", "bob", "two");
        long c = post(s, "alice", "bob", "three");
        MessageStore.Reader holder = s.reader("bob");
        holder.read(1, Integer.MAX_VALUE).join();

        CompletableFuture<Integer> removed = s.removeIds("bob", Set.of(a, b, 999L));
        assertFalse(removed.isDone(), "not confirmed before the writer ran");
        runWriter();

        assertEquals(1, removed.join(), "only the message no reader holds");
        assertEquals(List.of("bob"), s.recipients(), "bob still has messages");
        assertEquals(0, s.removeIds("nobody", Set.of(a)).join(), "an unknown recipient has nothing to remove");
        JournalMessageStore again = reopen(s, JournalMessageStore.DEFAULT_SEGMENT_BYTES);
        assertEquals(List.of(a, c), read(again, "bob").messages().stream().map(MessageStore.Stored::id).toList(),
                "the removal survived the restart, the held message too");
    }

    @Test
    void confirmsAMessageOnlyOnceItsRecordIsForcedToTheDisk() throws IOException {
        JournalMessageStore s = open();
        CompletableFuture<Long> id = s.post("alice", "bob", "hello").whenComplete((v, e) -> disk.note("confirmed"));

        assertFalse(id.isDone(), "not confirmed before the writer ran");
        assertEquals(0, s.waiting("bob"), "not readable before it is on the disk");
        runWriter();

        assertEquals(List.of("write messages/journal-0000000000000001.log", "force messages/journal-0000000000000001.log",
                "(confirmed)"), disk.steps(), "write, force, then the confirmation");
        assertEquals(1, s.waiting("bob"));
    }

    @Test
    void commitsEveryMessageQueuedWhileTheWriterWasBusyWithOneForce() throws IOException {
        JournalMessageStore s = open();
        List<CompletableFuture<Long>> ids = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            ids.add(s.post("dev" + i, "bob", "m" + i));
        }
        assertEquals(1, writer.size(), "one turn of the writer for a hundred messages");

        runWriter();

        assertEquals(2, disk.steps().size(), "one write and one force: " + disk.steps());
        for (int i = 1; i < 100; i++) {
            assertEquals(ids.get(i - 1).join() + 1, ids.get(i).join(), "ids in the order of posting");
        }
        assertEquals(100, read(s, "bob").messages().size());
    }

    @Test
    void splitsWhatWaitsIntoGroupsOfBoundedSizeAndCommitsThemAll() throws IOException {
        JournalMessageStore s = open();
        String text = "t".repeat(60_000);
        int count = JournalMessageStore.MAX_GROUP_BYTES / 60_000 * 2 + 3;
        List<CompletableFuture<Long>> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(s.post("alice", "bob", text));
        }

        int turns = 0;
        while (!writer.isEmpty()) {
            writer.poll().run();
            turns++;
        }

        assertTrue(ids.stream().allMatch(CompletableFuture::isDone), "every message confirmed");
        assertEquals(3, turns, "three groups of at most " + JournalMessageStore.MAX_GROUP_BYTES + " bytes, "
                + "one after the other");
        assertEquals(count, s.waiting("bob"));
    }

    @Test
    void aFullDiskRefusesTheGroupAndLeavesTheJournalAsItWas() throws IOException {
        JournalMessageStore s = open();
        post(s, "alice", "bob", "kept");
        Path file = journalFiles().get(0);
        long before = Files.size(file);
        disk.fill();

        CompletableFuture<Long> lost = s.post("alice", "bob", "a text long enough that half of it is written");
        runWriter();

        assertEquals(ErrorCode.OUT_OF_SPACE, failure(lost), "the sender is told the disk is full");
        assertEquals(before, Files.size(file), "the half-written record is cut off again");
        assertEquals(1, s.waiting("bob"), "only the kept message waits");
        disk.free();
        post(s, "alice", "bob", "after");

        JournalMessageStore again = reopen(s, JournalMessageStore.DEFAULT_SEGMENT_BYTES);
        assertEquals(List.of("kept", "after"), texts(read(again, "bob")), "nothing of the refused one");
    }

    @Test
    void readingRemovesNothingAndARemovalTakesOnlyWhatWasShown() throws IOException {
        JournalMessageStore s = open();
        long first = post(s, "alice", "bob", "1");
        long second = post(s, "alice", "bob", "2");
        post(s, "alice", "bob", "3");

        MessageStore.Batch twice = read(s, "bob", 2, Integer.MAX_VALUE);
        assertEquals(List.of("1", "2"), texts(twice));
        assertEquals(3, twice.waiting());
        assertTrue(twice.more(), "more than the batch");
        assertEquals(List.of("1", "2"), texts(read(s, "bob", 2, Integer.MAX_VALUE)), "a read removes nothing");

        CompletableFuture<Integer> left = remove(s, "bob", second);
        assertFalse(left.isDone(), "a removal is confirmed once on the disk");
        runWriter();

        assertEquals(1, left.join(), "one still waiting");
        assertEquals(List.of("3"), texts(read(s, "bob")));
        assertEquals(1, remove(s, "bob", first).join(), "removing again changes nothing");
        assertTrue(writer.isEmpty(), "and writes nothing");
    }

    private static List<Long> ids(MessageStore.Batch b) {
        return b.messages().stream().map(MessageStore.Stored::id).toList();
    }

    @Test
    void twoReadersOfOneMailboxAreNeverHandedTheSameMessage() throws IOException {
        JournalMessageStore s = open();
        List<Long> sent = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            sent.add(post(s, "alice", "bob", "m" + i));
        }
        MessageStore.Reader device = s.reader("bob");
        MessageStore.Reader port = s.reader("bob");

        MessageStore.Batch first = device.read(2, Integer.MAX_VALUE).join();
        MessageStore.Batch second = port.read(255, Integer.MAX_VALUE).join();

        assertEquals(sent.subList(0, 2), ids(first));
        assertEquals(sent.subList(2, 6), ids(second), "the rest, none of the first reader's");
        assertEquals(4, second.waiting(), "what the first reader holds does not count");
        assertFalse(second.more(), "nothing more for this reader");
        assertEquals(sent.subList(0, 2), ids(device.read(255, Integer.MAX_VALUE).join()),
                "a reader is shown again what it holds, and nothing another holds");
        assertEquals(6, s.waiting("bob"), "nothing removed yet");
    }

    @Test
    void aReaderThatGoesAwayGivesItsMessagesBackInTheirPlace() throws IOException {
        JournalMessageStore s = open();
        long a = post(s, "alice", "bob", "a");
        long b = post(s, "alice", "bob", "b");
        MessageStore.Reader gone = s.reader("bob");
        gone.read(255, Integer.MAX_VALUE).join();
        long c = post(s, "alice", "bob", "c");
        MessageStore.Reader other = s.reader("bob");
        assertEquals(List.of(c), ids(other.read(255, Integer.MAX_VALUE).join()), "only the one nobody holds");

        gone.close();

        assertEquals(List.of(a, b, c), ids(other.read(255, Integer.MAX_VALUE).join()), "first in, first out again");
        assertEquals(List.of(), ids(gone.read(255, Integer.MAX_VALUE).join()), "a closed reader is handed nothing");
        CompletableFuture<Integer> left = other.remove(c);
        assertFalse(left.isDone(), "a removal is confirmed once on the disk");
        runWriter();
        assertEquals(0, left.join());
        assertEquals(List.of(), ids(read(s, "bob")), "all three taken by the one reader");
    }

    @Test
    void aReadThatEndsAfterItsReaderClosedHoldsNothing() throws IOException {
        Deque<Runnable> reads = new ArrayDeque<>();
        JournalMessageStore s = JournalMessageStore.open(journal(), 10_000, 1L << 30, Disk.synced(), clock,
                JournalMessageStore.DEFAULT_SEGMENT_BYTES, writer::add, reads::add);
        opened.add(s);
        long a = post(s, "alice", "bob", "a");
        MessageStore.Reader gone = s.reader("bob");
        CompletableFuture<MessageStore.Batch> late = gone.read(255, Integer.MAX_VALUE);
        gone.close();
        reads.poll().run();

        assertEquals(List.of(), ids(late.join()), "the connection went before the read was done");
        CompletableFuture<MessageStore.Batch> next = s.reader("bob").read(255, Integer.MAX_VALUE);
        reads.poll().run();
        assertEquals(List.of(a), ids(next.join()));
    }

    @Test
    void removingAStretchBetweenAnotherReadersMessagesSurvivesARestart() throws IOException {
        JournalMessageStore s = open();
        List<Long> sent = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            sent.add(post(s, "alice", "bob", "m" + i));
        }
        MessageStore.Reader first = s.reader("bob");
        MessageStore.Reader middle = s.reader("bob");
        first.read(2, Integer.MAX_VALUE).join();
        middle.read(2, Integer.MAX_VALUE).join();
        first.close();
        MessageStore.Reader last = s.reader("bob");
        assertEquals(List.of(sent.get(0), sent.get(1), sent.get(4), sent.get(5)),
                ids(last.read(255, Integer.MAX_VALUE).join()), "around the stretch the middle reader holds");

        CompletableFuture<Integer> middleLeft = middle.remove(Long.MAX_VALUE);
        CompletableFuture<Integer> lastLeft = last.remove(sent.get(4));
        runWriter();
        assertEquals(0, middleLeft.join(), "what the last reader holds does not count for the middle one");
        assertEquals(1, lastLeft.join(), "the one it holds beyond the acknowledgement");

        JournalMessageStore again = reopen(s, JournalMessageStore.DEFAULT_SEGMENT_BYTES);
        assertEquals(List.of(sent.get(5)), ids(read(again, "bob")), "exactly the message nobody removed");
    }

    @Test
    void aJournalWithTheOlderRemovalRecordStillOpens() throws IOException {
        JournalMessageStore s = open();
        post(s, "alice", "bob", "read long ago");
        long b = post(s, "alice", "bob", "waiting");
        runWriter();
        s.close();
        Path file = journalFiles().get(0);
        byte[] bytes = Files.readAllBytes(file);
        byte[] removal = JournalRecord.removal(b - 1, "bob".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        System.arraycopy(removal, 0, bytes, recordsEnd(bytes), removal.length);
        Files.write(file, bytes);

        assertEquals(List.of(b), ids(read(open(), "bob")), "everything up to the id is read");
    }

    @Test
    void readersRacingOverOneMailboxEachGetDisjointMessagesAndTogetherAll() throws Exception {
        JournalMessageStore s = JournalMessageStore.open(journal(), 10_000, 1L << 30, Disk.synced(), clock);
        opened.add(s);
        List<CompletableFuture<Long>> posted = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            posted.add(s.post("alice", "bob", "m" + i));
        }
        List<Long> sent = posted.stream().map(CompletableFuture::join).toList();
        int readers = 2;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(readers);
        List<CompletableFuture<List<Long>>> got = new ArrayList<>();
        try {
            for (int r = 0; r < readers; r++) {
                got.add(CompletableFuture.supplyAsync(() -> {
                    MessageStore.Reader reader = s.reader("bob");
                    List<Long> mine = new ArrayList<>();
                    await(start);
                    while (true) {
                        // Small batches, so the readers take turns many times.
                        MessageStore.Batch batch = reader.read(7, Integer.MAX_VALUE).join();
                        if (batch.messages().isEmpty()) {
                            return mine;
                        }
                        List<Long> ids = ids(batch);
                        assertTrue(mine.isEmpty() || ids.get(0) > mine.get(mine.size() - 1), "in order per reader");
                        mine.addAll(ids);
                        reader.remove(batch.lastId()).join();
                    }
                }, pool));
            }
            start.countDown();
            List<Long> all = new ArrayList<>();
            for (CompletableFuture<List<Long>> f : got) {
                all.addAll(f.get(30, TimeUnit.SECONDS));
            }
            all.sort(null);
            assertEquals(sent, all, "every message handed out exactly once");
            assertEquals(0, s.waiting("bob"));
        } finally {
            pool.shutdown();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aRemovalNeverTakesAMessageThatIsStillBeingWritten() throws IOException {
        JournalMessageStore s = open();
        post(s, "alice", "bob", "shown");
        CompletableFuture<Long> later = s.post("alice", "bob", "not yet on the disk");

        CompletableFuture<Integer> left = remove(s, "bob", Long.MAX_VALUE);
        runWriter();

        assertEquals(0, left.join(), "the shown one is gone");
        later.join();
        JournalMessageStore again = reopen(s, JournalMessageStore.DEFAULT_SEGMENT_BYTES);
        assertEquals(List.of("not yet on the disk"), texts(read(again, "bob")), "survives a restart too");
    }

    @Test
    void messagesRemovalsAndIdsSurviveARestart() throws IOException {
        JournalMessageStore s = open();
        long a = post(s, "alice", "bob", "a");
        long b = post(s, "alice", "bob", "b");
        long c = post(s, "bob", "alice", "c");
        remove(s, "bob", a);
        remove(s, "alice", c);
        runWriter();

        JournalMessageStore again = reopen(s, JournalMessageStore.DEFAULT_SEGMENT_BYTES);

        assertEquals(List.of(b), read(again, "bob").messages().stream().map(MessageStore.Stored::id).toList());
        assertEquals(0, again.waiting("alice"), "alice read hers");
        assertTrue(post(again, "carol", "bob", "d") > c, "ids go on growing after a restart");
    }

    @Test
    void idsGoOnGrowingAfterARestartEvenWhenEveryMessageWasRead() throws IOException {
        JournalMessageStore s = open(10_000, 1L << 30, 512);
        long last = 0;
        for (int i = 0; i < 40; i++) {
            last = post(s, "alice", "bob", "message " + i);
            remove(s, "bob", last);
            runWriter();
        }
        JournalMessageStore again = reopen(s, 512);

        assertTrue(post(again, "alice", "bob", "next") > last, "a new id, never one a reader has seen");
    }

    /** Where the records of {@code file} end: after them the file holds only the zeros written ahead. */
    private static int recordsEnd(byte[] file) {
        int i = file.length;
        while (i > 0 && file[i - 1] == 0) {
            i--;
        }
        return i;
    }

    @Test
    void cutsOffATornLastRecordWithAWarningAndKeepsEverythingBeforeIt() throws IOException {
        JournalMessageStore s = open();
        post(s, "alice", "bob", "one");
        post(s, "alice", "bob", "two");
        runWriter();
        s.close();
        Path file = journalFiles().get(0);
        byte[] bytes = Files.readAllBytes(file);
        int end = recordsEnd(bytes);
        // A crash in the middle of a group: a length that promises more than is there, then noise.
        byte[] torn = {0, 0, 1, 0, 0x13, 0x37, 2, 9, 9, 9};
        System.arraycopy(torn, 0, bytes, end, torn.length);
        Files.write(file, bytes);

        JournalMessageStore again;
        try (LogCapture logs = new LogCapture(JournalMessageStore.class)) {
            again = open();
            assertEquals(1, logs.warnings().size(), "one warning: " + logs.warnings());
            String warning = logs.warnings().get(0);
            assertTrue(warning.startsWith("WARN Cut off the last 10 bytes of ") && !warning.endsWith("+trace"), warning);
        }

        byte[] after = Files.readAllBytes(file);
        assertEquals(bytes.length, after.length, "the file keeps its length");
        assertEquals(end, recordsEnd(after), "the torn record is gone from the file");
        assertEquals(List.of("one", "two"), texts(read(again, "bob")));
        post(again, "alice", "bob", "three");
        JournalMessageStore third = reopen(again, JournalMessageStore.DEFAULT_SEGMENT_BYTES);
        assertEquals(List.of("one", "two", "three"), texts(read(third, "bob")), "appends go on after the cut");
    }

    @Test
    void aRecordCutShortOrWithAFlippedByteIsDroppedAndTheStoreStillOpens() throws IOException {
        JournalMessageStore s = open();
        post(s, "alice", "bob", "one");
        post(s, "alice", "bob", "two");
        post(s, "alice", "bob", "three");
        runWriter();
        s.close();
        Path file = journalFiles().get(0);
        byte[] damaged = Files.readAllBytes(file);
        int end = recordsEnd(damaged);
        // The last record's last byte never reached the disk; the one before it has a byte changed.
        damaged[end - 1] = 0;
        int threeLength = JournalRecord.messageLength(3, 5, 5);
        damaged[end - threeLength - 2] ^= 0x20;
        Files.write(file, damaged);

        try (LogCapture logs = new LogCapture(JournalMessageStore.class)) {
            JournalMessageStore again = open();
            assertEquals(List.of("one"), texts(read(again, "bob")), "what precedes the damage");
            assertEquals(1, logs.warnings().size(), logs.warnings().toString());
        }
    }

    @Test
    void aTextEndingInZeroBytesIsNotTakenForTheEnd() throws IOException {
        JournalMessageStore s = open();
        post(s, "alice", "bob", "nul at the end\u0000\u0000");
        JournalMessageStore again = reopen(s, JournalMessageStore.DEFAULT_SEGMENT_BYTES);
        assertEquals(List.of("nul at the end\u0000\u0000"), texts(read(again, "bob")));
    }

    @Test
    void appendsInsideZerosWrittenAheadSoThatForcingTheDataSuffices() throws IOException {
        JournalMessageStore s = open();
        Path file = journalFiles().get(0);
        long length = Files.size(file);
        assertTrue(length > JournalRecord.HEADER_LENGTH + 1000, "zeros ahead of the records: " + length);

        post(s, "alice", "bob", "x".repeat(500));

        assertEquals(length, Files.size(file), "the file did not grow");
        assertEquals(List.of("write messages/journal-0000000000000001.log",
                "force messages/journal-0000000000000001.log"), disk.steps());
    }

    @Test
    void aFileWhoseCreationWasCutOffIsDeletedWithAWarning() throws IOException {
        JournalMessageStore s = open();
        post(s, "alice", "bob", "one");
        runWriter();
        s.close();
        Files.write(journal().resolve("journal-0000000000000002.log"), new byte[] {0, 0, 0});

        try (LogCapture logs = new LogCapture(JournalMessageStore.class)) {
            JournalMessageStore again = open();
            assertEquals(List.of("one"), texts(read(again, "bob")));
            assertEquals(1, logs.warnings().size(), logs.warnings().toString());
            assertTrue(logs.warnings().get(0).startsWith("WARN Deleted "), logs.warnings().get(0));
        }
        assertEquals(1, journalFiles().size(), "the empty file is gone");
    }

    @Test
    void refusesTheMessageThatWouldOverfillAMailboxAndTakesItOnceThereIsRoom() throws IOException {
        JournalMessageStore s = open(3, 1L << 30, JournalMessageStore.DEFAULT_SEGMENT_BYTES);
        s.post("alice", "bob", "1");
        s.post("alice", "bob", "2");
        CompletableFuture<Long> third = s.post("alice", "bob", "3");
        // Counted while still queued: a burst cannot overshoot the limit.
        CompletableFuture<Long> fourth = s.post("alice", "bob", "4");
        runWriter();

        assertEquals(ErrorCode.MAILBOX_FULL, failure(fourth));
        assertEquals("the mailbox of bob is full",
                assertThrows(CompletionException.class, fourth::join).getCause().getMessage());
        post(s, "alice", "carol", "another mailbox has room");
        remove(s, "bob", third.join());
        runWriter();
        post(s, "alice", "bob", "room again");
        assertEquals(List.of("room again"), texts(read(s, "bob")));
    }

    @Test
    void refusesMessagesBeyondTheTotalLimitCountingTheIndex() throws IOException {
        long oneMessage = JournalRecord.messageLength(3, 5, 10) + JournalMessageStore.INDEX_COST;
        JournalMessageStore s = open(10_000, 2 * oneMessage, JournalMessageStore.DEFAULT_SEGMENT_BYTES);
        long first = post(s, "alice", "bob", "0123456789");
        post(s, "alice", "eve", "0123456789");

        CompletableFuture<Long> third = s.post("alice", "ann", "0123456789");
        assertEquals(ErrorCode.MAILBOX_FULL, failure(third));
        assertEquals("the message store is full", assertThrows(CompletionException.class, third::join)
                .getCause().getMessage());

        remove(s, "bob", first);
        runWriter();
        assertEquals(2 * oneMessage - oneMessage, s.charged(), "a read message no longer counts");
        post(s, "alice", "ann", "0123456789");
    }

    @Test
    void theJournalStaysSmallWhileMessagesAreReadAndWhatWaitsSurvivesCompaction() throws IOException {
        int segment = 2048;
        JournalMessageStore s = open(10_000, 1L << 30, segment);
        List<Long> kept = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            kept.add(post(s, "alice", "archive", "kept " + i));
        }
        for (int round = 0; round < 500; round++) {
            long id = post(s, "alice", "bob", "churn message number " + round);
            remove(s, "bob", id);
            runWriter();
        }

        long bytes = 0;
        for (Path p : journalFiles()) {
            bytes += Files.size(p);
        }
        // Each file holds up to a segment of records and as much again of zeros written ahead.
        assertTrue(journalFiles().size() <= 3 && bytes <= 6 * segment, "500 read messages leave a small journal: "
                + bytes + " bytes in " + journalFiles().size() + " files");
        JournalMessageStore again = reopen(s, segment);
        assertEquals(kept, read(again, "archive").messages().stream().map(MessageStore.Stored::id).toList(),
                "the waiting messages, moved, in order, once each");
        assertEquals(0, again.waiting("bob"));
    }

    @Test
    void aCompactionCutOffBeforeItDeletedTheOldFileCountsEachMessageOnce() throws IOException {
        int segment = 1024;
        JournalMessageStore s = open(10_000, 1L << 30, segment);
        // Deleting fails, as if the server died just before: the copies and the originals both stay.
        disk.failWhen(step -> step.startsWith("delete "));
        List<Long> kept = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            kept.add(post(s, "alice", "archive", "kept " + i));
        }
        try (LogCapture logs = new LogCapture(JournalMessageStore.class)) {
            for (int round = 0; round < 200; round++) {
                long id = post(s, "alice", "bob", "churn message number " + round);
                remove(s, "bob", id);
                runWriter();
            }
            assertEquals(1, logs.warnings().size(), "a compaction ran, and then no more: " + logs.warnings());
            assertTrue(logs.warnings().get(0).startsWith("WARN Cannot delete "), logs.warnings().toString());
        }

        JournalMessageStore again = reopen(s, segment);
        assertEquals(kept, read(again, "archive").messages().stream().map(MessageStore.Stored::id).toList());
        assertEquals(0, again.waiting("bob"), "no read message comes back");
    }

    @Test
    void tellsASubscriberOfEachMessageOnceItIsStoredUntilCancelled() throws IOException {
        JournalMessageStore s = open();
        List<String> told = new ArrayList<>();
        MessageStore.Subscription sub = s.subscribe("bob", told::add);

        s.post("alice", "bob", "hi");
        s.post("carol", "dave", "not for bob");
        assertEquals(List.of(), told, "nothing before it is durable");
        runWriter();
        assertEquals(List.of("alice"), told);

        sub.cancel();
        post(s, "carol", "bob", "unheard");
        assertEquals(List.of("alice"), told, "nothing after cancelling");
    }

    @Test
    void readsAtMostTheAskedBytesButAlwaysOneMessage() throws IOException {
        JournalMessageStore s = open();
        String big = "x".repeat(60_000);
        post(s, "alice", "bob", big);
        post(s, "alice", "bob", big);
        post(s, "alice", "bob", big);

        assertEquals(1, read(s, "bob", 255, 1000).messages().size(), "one even if larger than the bound");
        assertEquals(2, read(s, "bob", 255, 130_000).messages().size(), "as many as fit");
    }

    @Test
    void manySendersOnTheirOwnThreadsLoseNothingAndEachMailboxStaysInOrder() throws Exception {
        JournalMessageStore s = JournalMessageStore.open(journal(), 10_000, 1L << 30, Disk.synced(), clock);
        opened.add(s);
        int senders = 8;
        int each = 300;
        List<CompletableFuture<Void>> done = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        try {
            for (int t = 0; t < senders; t++) {
                String sender = "dev" + t;
                done.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < each; i++) {
                        s.post(sender, "box" + (i % 4), sender + ":" + i).join();
                    }
                }, pool));
            }
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).join();
        } finally {
            pool.shutdown();
        }
        int total = 0;
        for (int box = 0; box < 4; box++) {
            Map<String, Integer> lastPerSender = new HashMap<>();
            long lastId = 0;
            MessageStore.Reader reader = s.reader("box" + box);
            while (true) {
                MessageStore.Batch b = reader.read(255, Integer.MAX_VALUE).join();
                if (b.messages().isEmpty()) {
                    break;
                }
                for (MessageStore.Stored m : b.messages()) {
                    assertTrue(m.id() > lastId, "ids grow within a mailbox");
                    lastId = m.id();
                    String[] parts = m.text().split(":");
                    int i = Integer.parseInt(parts[1]);
                    assertTrue(lastPerSender.getOrDefault(parts[0], -1) < i, "each sender's messages in order");
                    lastPerSender.put(parts[0], i);
                    total++;
                }
                reader.remove(b.lastId()).join();
            }
        }
        assertEquals(senders * each, total, "every message once");
    }
}
