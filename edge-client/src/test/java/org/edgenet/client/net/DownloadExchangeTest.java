package org.edgenet.client.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.edgenet.client.p2p.PartFiles;
import org.edgenet.common.format.FileId;
import org.edgenet.common.message.ActiveDevices;
import org.edgenet.common.message.Download;
import org.edgenet.common.message.DownloadBegin;
import org.edgenet.common.message.DownloadCancel;
import org.edgenet.common.message.DownloadCancelled;
import org.edgenet.common.message.DownloadChunk;
import org.edgenet.common.message.DownloadEnd;
import org.edgenet.common.message.ErrorReply;
import org.edgenet.common.message.ListActive;
import org.edgenet.common.message.Message;
import org.edgenet.common.message.MessageCodec;
import org.edgenet.common.message.MessageType;
import org.edgenet.common.testing.Frames;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.FrameDecoder;
import org.edgenet.common.wire.Limits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The device's side of DLD on an embedded channel, the server played by frames and the disk writer
 * run by hand, so every step between the socket and the disk is seen in order.
 */
class DownloadExchangeTest {
    private static final FileId ID = FileId.of(3);
    private static final int CHUNK = 64 * 1024;

    @TempDir
    Path dir;
    private final EmbeddedChannel channel = new EmbeddedChannel(new ClientInitializer(Limits.CLIENT));
    private final EdgeClient client = EdgeClient.on(channel);
    private final EmbeddedChannel server = new EmbeddedChannel(new FrameDecoder(Limits.SERVER, MessageType::isKnown),
            MessageCodec.INSTANCE);
    private final ScriptedDisk disk = new ScriptedDisk();
    private final List<long[]> progress = new ArrayList<>();

    @AfterEach
    void releaseEverything() {
        channel.finishAndReleaseAll();
        server.finishAndReleaseAll();
    }

    /** The real disk, with the writer's tasks queued for the test to run, and a size at which it is full. */
    private static final class ScriptedDisk implements DownloadFile.Disk {
        final Deque<Runnable> tasks = new ArrayDeque<>();
        long usable = Long.MAX_VALUE;
        long fullAfter = Long.MAX_VALUE;
        long written;
        int writersClosed;

        @Override
        public Executor newWriter() {
            return tasks::add;
        }

        @Override
        public void closeWriter(Executor writer) {
            writersClosed++;
        }

        @Override
        public PartFiles.Owned create(Path dir) throws IOException {
            return DownloadFile.DISK.create(dir);
        }

        @Override
        public long usableSpace(Path dir) {
            return usable;
        }

        @Override
        public void write(FileChannel out, ByteBuffer bytes) throws IOException {
            if (written + bytes.remaining() > fullAfter) {
                throw new IOException("No space left on device");
            }
            written += bytes.remaining();
            DownloadFile.DISK.write(out, bytes);
        }

        @Override
        public void force(FileChannel out) throws IOException {
            DownloadFile.DISK.force(out);
        }
    }

    private CompletableFuture<Downloaded> download() {
        CompletableFuture<Downloaded> f = client.download(ID, target(), (w, s) -> progress.add(new long[] {w, s}), disk);
        assertEquals(List.of(new Download(ID)), sent(), "the request on the wire");
        return f;
    }

    private Path target() {
        return dir.resolve("supersmartwatch-3.txt");
    }

    private void reply(Message m) {
        channel.writeInbound(Frames.of(m));
    }

    /** Runs the writer's queued work and what it hands back to the event loop, until both are idle. */
    private void runWriter() {
        do {
            while (!disk.tasks.isEmpty()) {
                disk.tasks.poll().run();
            }
            channel.runPendingTasks();
        } while (!disk.tasks.isEmpty());
    }

    private List<Message> sent() {
        channel.runPendingTasks();
        for (ByteBuf buf; (buf = channel.readOutbound()) != null; ) {
            server.writeInbound(buf);
        }
        List<Message> messages = new ArrayList<>();
        for (Message m; (m = server.readInbound()) != null; ) {
            messages.add(m);
        }
        return messages;
    }

    private static byte[] content(int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = i % 5 == 4 ? (byte) '\n' : (byte) ('0' + i % 10);
        }
        return b;
    }

    private void stream(byte[] content, int from, int to) {
        for (int i = from; i < to; i += CHUNK) {
            reply(new DownloadChunk(Unpooled.wrappedBuffer(content, i, Math.min(to, i + CHUNK) - i)));
        }
    }

    private static byte[] sha256(byte[] content) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(content);
    }

    private List<String> partFiles() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".part")).toList();
        }
    }

    private static Throwable cause(CompletableFuture<?> f) {
        assertTrue(f.isDone(), "the future is done");
        return assertThrows(ExecutionException.class, f::get, "the future failed").getCause();
    }

    @Test
    void writesTheStreamThroughATempFileAndPutsItInPlaceOnceItsDigestMatches() throws Exception {
        byte[] content = content(3 * CHUNK + 100);
        CompletableFuture<Downloaded> f = download();
        reply(new DownloadBegin(ID, content.length));
        stream(content, 0, content.length);
        runWriter();
        assertFalse(Files.exists(target()), "nothing under the final name before the end");
        assertEquals(1, partFiles().size(), "the bytes are in one temp file meanwhile");

        reply(new DownloadEnd(sha256(content)));
        runWriter();

        assertEquals(new Downloaded(ID, target(), content.length, false), f.get());
        assertArrayEquals(content, Files.readAllBytes(target()), "every byte in place");
        assertTrue(partFiles().isEmpty(), "no temp file left");
        assertEquals(content.length, progress.get(progress.size() - 1)[0], "progress reaches the end");
        assertEquals(4, progress.size(), "one report per chunk written");
        assertEquals(1, disk.writersClosed, "the writer is let go");
    }

    @Test
    void replacesAFileOfTheSameNameOnlyOnceTheDownloadIsComplete() throws Exception {
        Files.writeString(target(), "1\n2\n");
        byte[] content = content(CHUNK + 1);
        CompletableFuture<Downloaded> f = download();
        reply(new DownloadBegin(ID, content.length));
        stream(content, 0, content.length);
        runWriter();
        assertEquals("1\n2\n", Files.readString(target()), "the old file until the end");

        reply(new DownloadEnd(sha256(content)));
        runWriter();

        assertTrue(f.get().replaced(), "reported as replacing");
        assertArrayEquals(content, Files.readAllBytes(target()));
    }

    @Test
    void anEmptyFileIsDownloadedToo() throws Exception {
        CompletableFuture<Downloaded> f = download();
        reply(new DownloadBegin(ID, 0));
        reply(new DownloadEnd(sha256(new byte[0])));
        runWriter();

        assertEquals(0, f.get().bytes());
        assertEquals(0, Files.size(target()));
    }

    @Test
    void aDigestThatDoesNotMatchStoresNothingAndLeavesTheOldFile() throws Exception {
        Files.writeString(target(), "old\n");
        byte[] content = content(CHUNK + 10);
        CompletableFuture<Downloaded> f = download();
        reply(new DownloadBegin(ID, content.length));
        stream(content, 0, content.length);
        byte[] wrong = sha256(content);
        wrong[0]++;
        reply(new DownloadEnd(wrong));
        runWriter();

        DownloadFailedException e = assertInstanceOf(DownloadFailedException.class, cause(f));
        assertTrue(e.getMessage().startsWith("the file arrived damaged (65546 of 65546 bytes, SHA-256 "), e.getMessage());
        assertEquals("old\n", Files.readString(target()), "the old file is untouched");
        assertTrue(partFiles().isEmpty(), "the temp file is gone");
        assertTrue(channel.isOpen(), "the connection goes on");
    }

    @Test
    void anUnknownFileIsTheServersRefusalAndCreatesNothing() throws Exception {
        CompletableFuture<Downloaded> f = download();
        reply(new ErrorReply(ErrorCode.NO_SUCH_FILE, "file 3 does not exist at the server side"));
        runWriter();

        assertEquals(ErrorCode.NO_SUCH_FILE, assertInstanceOf(ServerError.class, cause(f)).code());
        assertTrue(partFiles().isEmpty(), "no temp file");
        assertFalse(Files.exists(target()));
    }

    @Test
    void anErrorInTheMiddleOfTheStreamEndsItAndDeletesTheTempFile() throws Exception {
        Files.writeString(target(), "old\n");
        byte[] content = content(3 * CHUNK);
        CompletableFuture<Downloaded> f = download();
        reply(new DownloadBegin(ID, content.length));
        stream(content, 0, CHUNK);
        runWriter();
        reply(new ErrorReply(ErrorCode.FILE_CHANGED, "file 3 changed at the server side during the download; try again"));
        runWriter();

        ServerError e = assertInstanceOf(ServerError.class, cause(f));
        assertEquals(ErrorCode.FILE_CHANGED, e.code());
        assertEquals("old\n", Files.readString(target()));
        assertTrue(partFiles().isEmpty(), "the temp file is gone");
        client.listActive();
        assertEquals(List.of(new ListActive()), sent(), "the next request goes out");
    }

    @Test
    void aFullDiskCancelsTheDownloadDropsWhatStillComesAndLeavesNothing() throws Exception {
        Files.writeString(target(), "old\n");
        disk.fullAfter = CHUNK + 5;
        byte[] content = content(4 * CHUNK);
        CompletableFuture<Downloaded> f = download();
        reply(new DownloadBegin(ID, content.length));
        stream(content, 0, 2 * CHUNK);
        runWriter();

        assertEquals(List.of(new DownloadCancel()), sent(), "the server is asked to stop");
        assertFalse(f.isDone(), "the stream is not over until the server says so");
        stream(content, 2 * CHUNK, 3 * CHUNK);
        reply(new DownloadCancelled());
        runWriter();

        DownloadFailedException e = assertInstanceOf(DownloadFailedException.class, cause(f));
        assertEquals("the disk is full", e.getMessage());
        assertEquals("old\n", Files.readString(target()), "the old file is untouched");
        assertTrue(partFiles().isEmpty(), "the temp file is gone");
        assertTrue(channel.config().isAutoRead(), "reading goes on");
        CompletableFuture<List<org.edgenet.common.message.DeviceInfo>> next = client.listActive();
        assertEquals(List.of(new ListActive()), sent(), "the next request goes out");
        reply(new ActiveDevices(List.of()));
        assertTrue(next.get().isEmpty(), "and is answered");
    }

    @Test
    void aCancelThatCrossesTheEndStillFailsAndLeavesNothing() throws Exception {
        disk.fullAfter = 10;
        byte[] content = content(CHUNK);
        CompletableFuture<Downloaded> f = download();
        reply(new DownloadBegin(ID, content.length));
        stream(content, 0, content.length);
        runWriter();
        assertEquals(List.of(new DownloadCancel()), sent());
        // The server had sent its end before it read the cancel, which it then ignores.
        reply(new DownloadEnd(sha256(content)));
        runWriter();

        assertEquals("the disk is full", assertInstanceOf(DownloadFailedException.class, cause(f)).getMessage());
        assertFalse(Files.exists(target()));
        assertTrue(partFiles().isEmpty());
    }

    @Test
    void aFileLargerThanTheFreeSpaceIsCancelledAtOnce() throws Exception {
        disk.usable = 1000;
        CompletableFuture<Downloaded> f = download();
        reply(new DownloadBegin(ID, 5000));
        runWriter();

        assertEquals(List.of(new DownloadCancel()), sent(), "cancelled before any chunk");
        reply(new DownloadCancelled());
        runWriter();
        assertEquals("there is not enough disk space: the file has 5000 bytes, 1000 are free",
                assertInstanceOf(DownloadFailedException.class, cause(f)).getMessage());
        assertTrue(partFiles().isEmpty(), "no temp file was made");
    }

    @Test
    void aLostConnectionDeletesTheTempFileBeforeTheDownloadFails() throws Exception {
        Files.writeString(target(), "old\n");
        byte[] content = content(2 * CHUNK);
        CompletableFuture<Downloaded> f = download();
        reply(new DownloadBegin(ID, content.length));
        stream(content, 0, CHUNK);
        runWriter();
        assertEquals(1, partFiles().size());

        channel.close();
        assertFalse(f.isDone(), "not before the temp file is gone");
        runWriter();

        assertInstanceOf(ConnectionLostException.class, cause(f));
        assertTrue(partFiles().isEmpty(), "no partial file");
        assertEquals("old\n", Files.readString(target()), "nothing under the final name changed");
    }

    @Test
    void stopsReadingWhileTheDiskWriterIsBehindAndReadsOnOnceItCaughtUp() throws Exception {
        byte[] content = content(24 * CHUNK);
        CompletableFuture<Downloaded> f = download();
        reply(new DownloadBegin(ID, content.length));
        int pauseAfter = (int) (DownloadExchange.PAUSE_BYTES / CHUNK);
        stream(content, 0, (pauseAfter - 1) * CHUNK);
        assertTrue(channel.config().isAutoRead(), "below the mark");
        stream(content, (pauseAfter - 1) * CHUNK, pauseAfter * CHUNK);
        assertFalse(channel.config().isAutoRead(), "the socket is not read while " + pauseAfter + " chunks wait");
        assertEquals(java.time.Duration.ZERO, client.waitingForReply(), "the server owes nothing while this device is slow");

        runWriter();
        assertTrue(channel.config().isAutoRead(), "read again once the writer caught up");
        stream(content, pauseAfter * CHUNK, content.length);
        reply(new DownloadEnd(sha256(content)));
        runWriter();
        assertArrayEquals(content, Files.readAllBytes(f.get().file()));
    }

    @Test
    void moreBytesThanAnnouncedCloseTheConnectionAndLeaveNothing() throws Exception {
        CompletableFuture<Downloaded> f = download();
        reply(new DownloadBegin(ID, 10));
        reply(new DownloadChunk(Unpooled.copiedBuffer("1234567890\n", StandardCharsets.US_ASCII)));
        runWriter();

        assertFalse(channel.isOpen(), "a server that breaks the protocol is left");
        assertInstanceOf(ConnectionLostException.class, cause(f));
        assertTrue(partFiles().isEmpty());
    }

    @Test
    void aChunkBeforeTheBeginClosesTheConnection() {
        CompletableFuture<Downloaded> f = download();
        reply(new DownloadChunk(Unpooled.copiedBuffer("1\n", StandardCharsets.US_ASCII)));
        runWriter();

        assertFalse(channel.isOpen());
        assertInstanceOf(ConnectionLostException.class, cause(f));
    }
}
