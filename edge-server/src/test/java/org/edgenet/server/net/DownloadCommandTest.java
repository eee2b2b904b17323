package org.edgenet.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Ticker;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.FileId;
import org.edgenet.common.message.ActiveDevices;
import org.edgenet.common.message.Download;
import org.edgenet.common.message.DownloadBegin;
import org.edgenet.common.message.DownloadCancel;
import org.edgenet.common.message.DownloadCancelled;
import org.edgenet.common.message.DownloadChunk;
import org.edgenet.common.message.DownloadEnd;
import org.edgenet.common.message.ErrorReply;
import org.edgenet.common.message.InvalidMessage;
import org.edgenet.common.message.ListActive;
import org.edgenet.common.message.MessageType;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.server.LogCapture;
import org.edgenet.server.ServerConfig;
import org.edgenet.server.TestServices;
import org.edgenet.server.service.ActiveDevice;
import org.edgenet.server.service.KeyedSerialExecutor;
import org.edgenet.server.service.TicketService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import static org.edgenet.server.net.ServerInitializer.COMMAND;
import static org.edgenet.server.net.ServerInitializer.ERRORS;
import static org.edgenet.server.net.ServerInitializer.READ_GATE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DLD on the server: the command handler and its {@link DownloadSender} on an EmbeddedChannel, with
 * the data store's file work queued until the test runs it, so each read from the disk is seen.
 */
class DownloadCommandTest {
    private static final DeviceName ME = DeviceName.of("supersmartwatch");
    /** Three full chunks and a short one. */
    private static final int SIZE = 3 * DownloadSender.CHUNK_SIZE + 1234;

    @TempDir
    Path dir;
    private TestServices t;
    private final Deque<Runnable> lane = new ArrayDeque<>();
    private final TicketService tickets = new TicketService();
    private final Disconnector disconnector = new Disconnector(new LogLimiter(Ticker.systemTicker()));
    private EmbeddedChannel ch;
    private final List<Object> replies = new ArrayList<>();

    @BeforeEach
    void setUp() {
        t = new TestServices(dir, KeyedSerialExecutor.on(lane::add));
        ActiveDevice entry = t.registry.join(ME, "10.0.0.8", 8000).join();
        ch = new EmbeddedChannel();
        ch.freezeTime();
        ReadGate gate = new ReadGate(ServerConfig.DEFAULT_REPLY_TIMEOUT);
        ch.pipeline().addLast(READ_GATE, gate)
                .addLast(COMMAND, new CommandHandler(t.services, tickets, new Session(entry), gate, disconnector))
                .addLast(ERRORS, new ErrorHandler(disconnector));
    }

    @AfterEach
    void tearDown() {
        replies.forEach(ReferenceCountUtil::release);
        ch.finishAndReleaseAll();
        t.close();
    }

    private Path stored(long fileId) throws IOException {
        Path file = dir.resolve("data").resolve(ME.value()).resolve(ME + "-" + fileId + ".txt");
        Files.createDirectories(file.getParent());
        return file;
    }

    /** A stored file of {@link #SIZE} bytes of samples, as an upload would have left it. */
    private byte[] storeFile(long fileId) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; b.length() < SIZE; i++) {
            b.append(i % 1000).append('\n');
        }
        byte[] content = b.substring(0, SIZE).getBytes(StandardCharsets.US_ASCII);
        Files.write(stored(fileId), content);
        return content;
    }

    /** Runs one queued piece of file work, then what it hands back to the event loop. */
    private void runOneRead() {
        lane.poll().run();
        ch.runPendingTasks();
    }

    private List<Object> runAll() {
        do {
            while (!lane.isEmpty()) {
                lane.poll().run();
            }
            ch.runPendingTasks();
        } while (!lane.isEmpty());
        return taken();
    }

    /** What was sent since the last call; kept for release at the end. */
    private List<Object> taken() {
        List<Object> out = new ArrayList<>();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            out.add(o);
        }
        replies.addAll(out);
        return out;
    }

    private static byte[] join(List<Object> msgs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object o : msgs) {
            if (o instanceof DownloadChunk c) {
                ByteBuf b = c.content();
                byte[] part = new byte[b.readableBytes()];
                b.getBytes(b.readerIndex(), part);
                out.writeBytes(part);
            }
        }
        return out.toByteArray();
    }

    private static byte[] sha256(byte[] content) throws NoSuchAlgorithmException {
        return MessageDigest.getInstance("SHA-256").digest(content);
    }

    private static long chunks(List<Object> msgs) {
        return msgs.stream().filter(DownloadChunk.class::isInstance).count();
    }

    @Test
    void streamsTheStoredFileInChunksBetweenItsSizeAndItsSha256() throws Exception {
        byte[] content = storeFile(3);
        try (LogCapture logs = new LogCapture()) {
            ch.writeInbound(new Download(FileId.of(3)));
            List<Object> out = runAll();

            assertEquals(new DownloadBegin(FileId.of(3), SIZE), out.get(0), "the size first");
            assertEquals(4, chunks(out), "three full chunks and the rest");
            assertArrayEquals(content, join(out), "the file's bytes, in order");
            assertEquals(new DownloadEnd(sha256(content)), out.get(out.size() - 1), "the SHA-256 last");
            assertEquals(List.of("INFO supersmartwatch issued DLD 3",
                    "INFO Sent supersmartwatch-3.txt to supersmartwatch: " + SIZE + " bytes",
                    "INFO Return message: file 3 downloaded (" + SIZE + " bytes)"), logs.lines());
        }
    }

    @Test
    void readsNothingMoreFromTheDiskWhileTheChannelIsUnwritable() throws Exception {
        byte[] content = storeFile(3);
        ch.writeInbound(new Download(FileId.of(3)));
        runOneRead();
        assertEquals(1, lane.size(), "opened, and the first chunk asked for");

        ch.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        runOneRead();
        for (int i = 0; i < 3; i++) {
            ch.runPendingTasks();
        }
        assertTrue(lane.isEmpty(), "the chunk read is sent, and no further read is asked for");
        List<Object> before = taken();
        assertEquals(1, chunks(before), "one chunk went out before the pause");

        ch.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        ch.runPendingTasks();
        assertEquals(1, lane.size(), "writable again: the next chunk is read");
        List<Object> rest = runAll();
        List<Object> all = new ArrayList<>(before);
        all.addAll(rest);
        assertArrayEquals(content, join(all), "nothing lost or doubled by the pause");
        assertEquals(new DownloadEnd(sha256(content)), all.get(all.size() - 1));
    }

    @Test
    void neverHasMoreThanOneReadInFlight() throws Exception {
        storeFile(3);
        ch.writeInbound(new Download(FileId.of(3)));
        runOneRead();
        for (int i = 0; i < 4; i++) {
            assertEquals(1, lane.size(), "one read at a time, chunk " + i);
            runOneRead();
        }
        runAll();
    }

    @Test
    void anUnknownFileIsRefusedWithNoSuchFileAndTheSessionGoesOn() {
        ch.writeInbound(new Download(FileId.of(9)), new ListActive());
        List<Object> out = runAll();

        assertEquals(2, out.size(), "a refusal, then the next request's reply: " + out);
        ErrorReply refusal = assertInstanceOf(ErrorReply.class, out.get(0));
        assertEquals(ErrorCode.NO_SUCH_FILE, refusal.code());
        assertEquals("file 9 does not exist at the server side", refusal.message());
        assertInstanceOf(ActiveDevices.class, out.get(1));
        assertTrue(ch.isOpen(), "the session goes on");
    }

    @Test
    void aNegativeFileIdIsABadArgumentAndTheSessionGoesOn() {
        ch.writeInbound(new InvalidMessage(MessageType.DOWNLOAD, "file ID must not be negative: -1"));
        List<Object> out = runAll();

        ErrorReply refusal = assertInstanceOf(ErrorReply.class, out.get(0));
        assertEquals(ErrorCode.BAD_ARGUMENT, refusal.code());
        assertEquals("file ID must not be negative: -1", refusal.message());
        assertTrue(ch.isOpen(), "the session goes on");
    }

    @Test
    void aCancelEndsTheStreamWithCancelledAndNothingAfterIt() throws Exception {
        storeFile(3);
        ch.writeInbound(new Download(FileId.of(3)));
        runOneRead();
        runOneRead();
        try (LogCapture logs = new LogCapture(DownloadSender.class)) {
            // A read is in flight: its chunk is dropped when it comes back.
            ch.writeInbound(new DownloadCancel());
            ch.writeInbound(new ListActive());
            List<Object> out = runAll();

            assertEquals(1, chunks(out), "chunk 1 before the cancel; the one read meanwhile is dropped");
            int cancelled = out.indexOf(new DownloadCancelled());
            assertTrue(cancelled > 0, "the stream ends with DownloadCancelled: " + out);
            assertInstanceOf(ActiveDevices.class, out.get(cancelled + 1), "the next request is served after it");
            assertFalse(out.stream().anyMatch(DownloadEnd.class::isInstance), "no end after a cancel");
            assertEquals(List.of("INFO supersmartwatch cancelled the download of file 3 after 65536 of " + SIZE
                    + " bytes"), logs.lines());
        }
    }

    @Test
    void aCancelAfterTheStreamEndedIsIgnored() throws Exception {
        storeFile(3);
        ch.writeInbound(new Download(FileId.of(3)));
        runAll();
        ch.writeInbound(new DownloadCancel());
        assertTrue(runAll().isEmpty(), "no reply to a late cancel");
        assertTrue(ch.isOpen(), "and no error");
    }

    @Test
    void aRequestSentDuringADownloadIsServedAfterItsEndAndReadingWaitsMeanwhile() throws Exception {
        byte[] content = storeFile(3);
        ch.writeInbound(new Download(FileId.of(3)));
        runOneRead();
        ch.writeInbound(new ListActive());
        assertFalse(ch.config().isAutoRead(), "reading waits while a request is held back");
        List<Object> out = runAll();

        assertInstanceOf(ActiveDevices.class, out.get(out.size() - 1), "AED answered last: " + out);
        assertEquals(new DownloadEnd(sha256(content)), out.get(out.size() - 2), "after the whole stream");
        assertTrue(ch.config().isAutoRead(), "reading goes on once it is served");
    }

    @Test
    void twoDownloadsInARowAreServedOneAfterTheOther() throws Exception {
        byte[] content = storeFile(3);
        ch.writeInbound(new Download(FileId.of(3)), new Download(FileId.of(3)));
        List<Object> out = runAll();

        assertEquals(2, out.stream().filter(DownloadBegin.class::isInstance).count(), "two streams");
        assertEquals(8, chunks(out));
        int firstEnd = out.indexOf(new DownloadEnd(sha256(content)));
        assertInstanceOf(DownloadBegin.class, out.get(firstEnd + 1), "the second begins after the first ended");
    }

    @Test
    void aFileDeletedDuringTheDownloadIsStillSentWholeAsItWasWhenOpened() throws Exception {
        byte[] content = storeFile(3);
        ch.writeInbound(new Download(FileId.of(3)));
        runOneRead();
        runOneRead();
        Files.delete(stored(3));

        List<Object> out = runAll();

        assertArrayEquals(content, join(out), "every byte of the file as opened");
        assertEquals(new DownloadEnd(sha256(content)), out.get(out.size() - 1));
    }

    @Test
    void aFileCutShortDuringTheDownloadEndsItWithFileChanged() throws Exception {
        storeFile(3);
        ch.writeInbound(new Download(FileId.of(3)));
        runOneRead();
        runOneRead();
        try (FileChannel f = FileChannel.open(stored(3), StandardOpenOption.WRITE)) {
            f.truncate(DownloadSender.CHUNK_SIZE + 10);
        }

        List<Object> out = runAll();

        ErrorReply error = assertInstanceOf(ErrorReply.class, out.get(out.size() - 1), "the stream ends with: " + out);
        assertEquals(ErrorCode.FILE_CHANGED, error.code());
        assertEquals("file 3 changed at the server side during the download; try again", error.message());
        assertFalse(out.stream().anyMatch(DownloadEnd.class::isInstance), "no end for a changed file");
        ch.writeInbound(new ListActive());
        assertInstanceOf(ActiveDevices.class, runAll().get(0), "the session goes on");
    }

    @Test
    void aFileGrownDuringTheDownloadEndsItWithFileChanged() throws Exception {
        storeFile(3);
        ch.writeInbound(new Download(FileId.of(3)));
        runOneRead();
        Files.write(stored(3), "7\n".getBytes(StandardCharsets.US_ASCII), StandardOpenOption.APPEND);

        List<Object> out = runAll();

        assertEquals(ErrorCode.FILE_CHANGED, assertInstanceOf(ErrorReply.class, out.get(out.size() - 1)).code());
    }

    @Test
    void aConnectionClosedMidDownloadSendsNothingMoreAndReleasesTheChunkInFlight() throws Exception {
        storeFile(3);
        ch.writeInbound(new Download(FileId.of(3)));
        runOneRead();
        runOneRead();
        taken();
        ch.close();
        // The read that was in flight comes back to a closed connection, then the file is closed.
        List<Object> out = runAll();

        assertTrue(out.isEmpty(), "nothing written after the close: " + out);
        assertTrue(lane.isEmpty(), "no read asked for after the close");
    }
}
