package org.edgenet.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Ticker;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.FileId;
import org.edgenet.common.message.ActiveDevices;
import org.edgenet.common.message.Compute;
import org.edgenet.common.message.Computed;
import org.edgenet.common.message.Delete;
import org.edgenet.common.message.Deleted;
import org.edgenet.common.message.DeviceInfo;
import org.edgenet.common.message.ErrorReply;
import org.edgenet.common.message.InvalidMessage;
import org.edgenet.common.message.Leave;
import org.edgenet.common.message.Left;
import org.edgenet.common.message.ListActive;
import org.edgenet.common.message.Login;
import org.edgenet.common.message.LookupPeer;
import org.edgenet.common.message.MessageCodec;
import org.edgenet.common.message.MessageType;
import org.edgenet.common.message.Operation;
import org.edgenet.common.message.Peer;
import org.edgenet.common.message.Ticket;
import org.edgenet.common.message.UploadAbort;
import org.edgenet.common.message.UploadBegin;
import org.edgenet.common.message.UploadChunk;
import org.edgenet.common.message.UploadEnd;
import org.edgenet.common.message.Uploaded;
import org.edgenet.common.testing.Frames;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.server.LogCapture;
import org.edgenet.server.ServerConfig;
import org.edgenet.server.TestServices;
import org.edgenet.server.service.ActiveDevice;
import org.edgenet.server.service.KeyedSerialExecutor;
import org.edgenet.server.service.RecordingDisk;
import org.edgenet.server.service.TicketService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;

import static org.edgenet.server.net.ServerInitializer.CODEC;
import static org.edgenet.server.net.ServerInitializer.COMMAND;
import static org.edgenet.server.net.ServerInitializer.ERRORS;
import static org.edgenet.server.net.ServerInitializer.READ_GATE;
import static org.edgenet.server.net.UploadReceiver.MAX_CHUNKS_IN_FLIGHT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandHandlerTest {
    private static final String LOG_LINE = "^\\S+; \\d{1,2} [A-Z][a-z]+ \\d{4} \\d{2}:\\d{2}:\\d{2}; \\d+; \\d+$";
    private static final DeviceName ME = DeviceName.of("supersmartwatch");

    @TempDir
    Path dir;
    private TestServices t;
    private final TicketService tickets = new TicketService();
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private final Disconnector disconnector = new Disconnector(new LogLimiter(Ticker.systemTicker()));
    /** Every chunk buffer sent, to check that each one was released. */
    private final List<ByteBuf> sentChunks = new ArrayList<>();

    @BeforeEach
    void setUp() {
        t = new TestServices(dir);
    }

    @AfterEach
    void tearDown() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
        for (ByteBuf b : sentChunks) {
            assertEquals(0, b.refCnt(), "every upload chunk is released");
        }
        t.close();
    }

    /** File work waiting until the test runs it, once {@link #queueLaneWork()} was called. */
    private final Deque<Runnable> lane = new ArrayDeque<>();

    /** From here on, file work waits in {@link #lane}: chunks stay in flight until {@link #runAll}. */
    private void queueLaneWork() {
        t.close();
        t = new TestServices(dir, KeyedSerialExecutor.on(lane::add));
    }

    /**
     * From here on, file work waits in {@link #lane} as with {@link #queueLaneWork()}, and every
     * file-system step goes through the returned disk, which the test can fill and free.
     */
    private RecordingDisk recordingDisk() {
        t.close();
        RecordingDisk disk = new RecordingDisk(dir);
        t = new TestServices(dir, KeyedSerialExecutor.on(lane::add), disk);
        return disk;
    }

    /** Runs queued file work and the completions it hands back until neither has anything left. */
    private List<Object> runAll(EmbeddedChannel ch) {
        do {
            while (!lane.isEmpty()) {
                lane.poll().run();
            }
            ch.runPendingTasks();
        } while (!lane.isEmpty());
        List<Object> out = new ArrayList<>();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            out.add(o);
        }
        return out;
    }

    private UploadChunk chunk(String text) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        return chunk(b, 0, b.length);
    }

    /** A connection of a device that has joined, in command mode. */
    private EmbeddedChannel session(DeviceName device, int udpPort) {
        ActiveDevice entry = t.registry.join(device, "10.0.0." + udpPort % 250, udpPort).join();
        EmbeddedChannel ch = new EmbeddedChannel();
        ReadGate gate = new ReadGate(ServerConfig.DEFAULT_REPLY_TIMEOUT);
        ch.pipeline().addLast(READ_GATE, gate)
                .addLast(COMMAND, new CommandHandler(t.services, tickets, new Session(entry), gate, disconnector))
                .addLast(ERRORS, new ErrorHandler(disconnector));
        channels.add(ch);
        return ch;
    }

    private EmbeddedChannel me() {
        return session(ME, 8000);
    }

    /** Writes every message, lets the services' completions run, returns everything sent back. */
    private static List<Object> send(EmbeddedChannel ch, Object... msgs) {
        ch.writeInbound(msgs);
        ch.runPendingTasks();
        List<Object> out = new ArrayList<>();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            out.add(o);
        }
        return out;
    }

    /** As {@link #send}, with frames through the codec added in front; the replies decoded back. */
    private static List<Object> sendFrames(EmbeddedChannel ch, ByteBuf... frames) {
        ch.writeInbound((Object[]) frames);
        ch.runPendingTasks();
        List<Object> out = new ArrayList<>();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            try {
                out.add(MessageCodec.decode(b));
            } finally {
                b.release();
            }
        }
        return out;
    }

    private static Object single(List<Object> replies) {
        assertEquals(1, replies.size(), "exactly one reply, got " + replies);
        return replies.get(0);
    }

    private UploadChunk chunk(byte[] bytes, int from, int to) {
        ByteBuf b = Unpooled.copiedBuffer(bytes, from, to - from);
        sentChunks.add(b);
        return new UploadChunk(b);
    }

    /** The messages of an upload of {@code content} cut into chunks of {@code chunkSize} bytes. */
    private Object[] upload(long fileId, byte[] content, int chunkSize) {
        List<Object> msgs = new ArrayList<>();
        msgs.add(new UploadBegin(FileId.of(fileId)));
        for (int i = 0; i < content.length; i += chunkSize) {
            msgs.add(chunk(content, i, Math.min(content.length, i + chunkSize)));
        }
        msgs.add(new UploadEnd());
        return msgs.toArray();
    }

    private Object upload(EmbeddedChannel ch, long fileId, String content) {
        return single(send(ch, upload(fileId, content.getBytes(StandardCharsets.US_ASCII), 65536)));
    }

    private Path stored(DeviceName device, long fileId) {
        return dir.resolve("data").resolve(device.value()).resolve(device + "-" + fileId + ".txt");
    }

    private List<Path> filesUnderData() throws IOException {
        Path data = dir.resolve("data");
        if (!Files.exists(data)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(data)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    // AED

    @Test
    void aedListsEveryOtherActiveDeviceInJoinOrder() {
        session(DeviceName.of("superwristband"), 9000);
        t.clock.advance(Duration.ofMinutes(20));
        EmbeddedChannel ch = me();
        t.clock.advance(Duration.ofMinutes(5));
        session(DeviceName.of("wei-smartphone"), 8001);

        ActiveDevices reply = assertInstanceOf(ActiveDevices.class, single(send(ch, new ListActive())));

        assertEquals(List.of(
                new DeviceInfo(DeviceName.of("superwristband"), "10.0.0.0", 9000, "30 September 2022 10:31:13"),
                new DeviceInfo(DeviceName.of("wei-smartphone"), "10.0.0.1", 8001,
                        "30 September 2022 10:56:13")), reply.devices());
    }

    @Test
    void aedWithNoOtherDeviceIsAnEmptyList() {
        ActiveDevices reply = assertInstanceOf(ActiveDevices.class, single(send(me(), new ListActive())));
        assertTrue(reply.devices().isEmpty(), "no other active edge devices");
    }

    @Test
    void aedSaysOnTheConsoleHowManyOtherDevicesItListed() {
        EmbeddedChannel ch = me();
        List<String> said = new ArrayList<>();
        for (String other : new String[] {null, "sensor-one", "sensor-two"}) {
            if (other != null) {
                session(DeviceName.of(other), 9000);
            }
            try (LogCapture logs = new LogCapture(CommandHandler.class)) {
                assertInstanceOf(ActiveDevices.class, single(send(ch, new ListActive())));
                logs.lines().stream().filter(line -> line.contains("Return message")).forEach(said::add);
            }
        }
        assertEquals(List.of("INFO Return message: no other active edge devices",
                "INFO Return message: 1 other active device", "INFO Return message: 2 other active devices"), said);
    }

    // OUT

    @Test
    void outRepliesLeftClosesAndRemovesTheDevice() {
        session(DeviceName.of("superwristband"), 9000);
        EmbeddedChannel ch = me();

        assertEquals(new Left(ME), single(send(ch, new Leave())));

        assertFalse(ch.isOpen(), "connection closed after Left");
        assertFalse(t.registry.isActive(ME), "device removed");
        assertEquals("1; 30 September 2022 10:31:13; superwristband; 10.0.0.0; 9000\n", t.read("edge-device-log.txt"));
    }

    @Test
    void aDroppedConnectionLeavesLikeOut() {
        EmbeddedChannel ch = me();
        ch.close();
        ch.runPendingTasks();
        assertFalse(t.registry.isActive(ME), "device removed");
        assertEquals("", t.read("edge-device-log.txt"));
    }

    @Test
    void loginInCommandModeIsAProtocolError() {
        EmbeddedChannel ch = me();
        ErrorReply reply = assertInstanceOf(ErrorReply.class, single(send(ch, new Login(ME, "comp9331"))));
        assertEquals(ErrorCode.UNEXPECTED_MESSAGE, reply.code());
        assertFalse(ch.isOpen(), "connection closed");
    }

    // UED

    @Test
    void uploadStoresTheExactBytesAndLogsIt() throws IOException {
        byte[] content = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n".getBytes(StandardCharsets.US_ASCII);
        t.clock.advance(Duration.ofMinutes(1));

        Object reply = single(send(me(), upload(1, content, 4)));

        assertEquals(new Uploaded(FileId.of(1), 10), reply);
        assertArrayEquals(content, Files.readAllBytes(stored(ME, 1)), "stored file identical to the sent bytes");
        String log = t.read("upload-log.txt");
        assertEquals("supersmartwatch; 30 September 2022 10:32:13; 1; 10\n", log);
        assertTrue(log.strip().matches(LOG_LINE), "log line format");
    }

    @Test
    void uploadAcceptsCrLfNoFinalNewlineSignsAndTheLongRange() throws IOException {
        String content = "+1\r\n-2\r\n9223372036854775807\r\n-9223372036854775808";
        EmbeddedChannel ch = me();
        assertEquals(new Uploaded(FileId.of(7), 4), upload(ch, 7, content));
        assertEquals(content, Files.readString(stored(ME, 7)));
        assertEquals(new Computed(FileId.of(7), Operation.SUM, "-2"),
                single(send(ch, new Compute(FileId.of(7), Operation.SUM))));
    }

    @Test
    void anEmptyFileIsAValidUploadOfNoSamples() {
        assertEquals(new Uploaded(FileId.of(3), 0), upload(me(), 3, ""));
        assertTrue(Files.exists(stored(ME, 3)), "stored");
    }

    @Test
    void chunkBoundariesMayFallInsideNumbers() {
        byte[] content = "12345\n-678\n90\n".getBytes(StandardCharsets.US_ASCII);
        EmbeddedChannel ch = me();
        assertEquals(new Uploaded(FileId.of(1), 3), single(send(ch, upload(1, content, 1))));
        assertEquals(new Computed(FileId.of(1), Operation.SUM, String.valueOf(12345 - 678 + 90)),
                single(send(ch, new Compute(FileId.of(1), Operation.SUM))));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "letters              | 1\\n2\\nabc\\n4\\n     | 3 | not an integer",
            "a float              | 1\\n2.5\\n            | 2 | not an integer",
            "an empty line        | 1\\n2\\n\\n3\\n        | 3 | empty line",
            "two final newlines   | 1\\n2\\n\\n            | 3 | empty line",
            "out of range         | 1\\n9223372036854775808\\n | 2 | out of range",
            "below the range      | -9223372036854775809 | 1 | out of range",
            "a lone sign          | 1\\n-\\n              | 2 | sign without digits",
            "a sign at the end    | 5\\n+                 | 2 | sign without digits",
            "a space              | 1\\n 2\\n             | 2 | space",
            "a bare carriage return | 1\\r2\\n            | 1 | carriage return",
    })
    void invalidDataIsRefusedWithTheLineNumberAndLeavesNothing(String name, String content, int line, String reason)
            throws IOException {
        byte[] bytes = content.replace("\\n", "\n").replace("\\r", "\r").getBytes(StandardCharsets.US_ASCII);

        ErrorReply reply = assertInstanceOf(ErrorReply.class, single(send(me(), upload(1, bytes, 3))));

        assertEquals(ErrorCode.INVALID_DATA, reply.code());
        assertTrue(reply.message().startsWith("line " + line + ": "), reply.message());
        assertTrue(reply.message().contains(reason), reply.message());
        assertEquals(List.of(), filesUnderData(), "no file and no temp file");
        assertEquals("", t.read("upload-log.txt"), "nothing logged");
    }

    @Test
    void aTenMegabyteLineIsRefusedAtItsFirstChunk() throws IOException {
        EmbeddedChannel ch = me();
        byte[] piece = new byte[65536];
        // Zeros never overflow, so only the length bound can stop this line.
        Arrays.fill(piece, (byte) '0');
        send(ch, new UploadBegin(FileId.of(1)));

        List<Object> early = send(ch, chunk(piece, 0, piece.length));

        ErrorReply reply = assertInstanceOf(ErrorReply.class, single(early), "refused before the line ends");
        assertEquals(ErrorCode.INVALID_DATA, reply.code());
        assertTrue(reply.message().startsWith("line 1: line longer than 20 characters"), reply.message());
        for (int sent = piece.length; sent < 10 * 1024 * 1024; sent += piece.length) {
            assertEquals(List.of(), send(ch, chunk(piece, 0, piece.length)), "the rest is dropped silently");
        }
        assertEquals(List.of(), send(ch, new UploadEnd()), "no second reply");
        assertEquals(List.of(), filesUnderData(), "nothing stored");
        assertTrue(ch.isActive(), "the session goes on");
        assertInstanceOf(ActiveDevices.class, single(send(ch, new ListActive())));
    }

    @Test
    void theClientsAbortAfterAnEarlyRefusalEndsTheUpload() throws IOException {
        EmbeddedChannel ch = me();
        byte[] bad = "x\n".getBytes(StandardCharsets.US_ASCII);
        assertInstanceOf(ErrorReply.class, single(send(ch, new UploadBegin(FileId.of(1)), chunk(bad, 0, bad.length))));
        assertEquals(List.of(), send(ch, new UploadAbort("server refused the file")), "no reply to the abort");
        assertEquals(new Uploaded(FileId.of(1), 1), upload(ch, 1, "5\n"), "next upload works");
        assertEquals(List.of(stored(ME, 1), stored(ME, 1).resolveSibling(ME + "-1.txt.stats")),
                filesUnderData().stream().sorted().toList());
    }

    @Test
    void chunksKeepArrivingWhileEarlierOnesAreWrittenUpToTheBound() throws IOException {
        queueLaneWork();
        EmbeddedChannel ch = me();
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= 300; i++) {
            text.append(i).append('\n');
        }
        byte[] content = text.toString().getBytes(StandardCharsets.US_ASCII);
        Object[] msgs = upload(1, content, 200);
        assertTrue(msgs.length - 2 > MAX_CHUNKS_IN_FLIGHT, "more chunks than the bound");
        ch.writeInbound(msgs[0]);
        assertEquals(List.of(), runAll(ch), "no reply to the start of an upload");

        ch.writeInbound(Arrays.copyOfRange(msgs, 1, msgs.length));

        assertEquals(MAX_CHUNKS_IN_FLIGHT, lane.size(), "chunks handed over before any was written");
        assertFalse(ch.config().isAutoRead(), "reading stops at the bound");
        assertEquals(new Uploaded(FileId.of(1), 300), single(runAll(ch)));
        assertArrayEquals(content, Files.readAllBytes(stored(ME, 1)), "stored in order, byte for byte");
        assertTrue(ch.config().isAutoRead(), "reading resumed");
    }

    @Test
    void aChunkWrittenBelowTheBoundWakesNoTaskOnTheEventLoop() throws IOException {
        queueLaneWork();
        EmbeddedChannel ch = me();
        ch.writeInbound(new UploadBegin(FileId.of(1)));
        runAll(ch);
        ch.writeInbound(chunk("1\n2\n"), chunk("3\n"));

        while (!lane.isEmpty()) {
            lane.poll().run();
        }

        assertFalse(ch.hasPendingTasks(), "a chunk written without trouble hands nothing back");
        assertTrue(ch.config().isAutoRead(), "reading never stopped");
        ch.writeInbound(new UploadEnd());
        assertEquals(new Uploaded(FileId.of(1), 3), single(runAll(ch)));
    }

    @Test
    void theGateReopensWhenTheChunksInFlightFallBelowTheBound() throws IOException {
        queueLaneWork();
        EmbeddedChannel ch = me();
        ch.writeInbound(new UploadBegin(FileId.of(1)));
        runAll(ch);
        for (int i = 0; i < MAX_CHUNKS_IN_FLIGHT; i++) {
            ch.writeInbound(chunk(i + "\n"));
        }
        assertFalse(ch.config().isAutoRead(), "reading stops at the bound");

        lane.poll().run();
        assertFalse(ch.config().isAutoRead(), "the lane does not touch the gate itself");
        ch.runPendingTasks();

        assertTrue(ch.config().isAutoRead(), "one chunk written reopens the gate");
        ch.writeInbound(new UploadEnd());
        assertEquals(new Uploaded(FileId.of(1), MAX_CHUNKS_IN_FLIGHT), single(runAll(ch)));
    }

    @Test
    void aBadLineInAnEarlyChunkWithLaterWorkQueuedGetsExactlyOneRefusal() throws IOException {
        queueLaneWork();
        EmbeddedChannel ch = me();
        ch.writeInbound(new UploadBegin(FileId.of(1)));
        runAll(ch);

        ch.writeInbound(chunk("1\n2\n"), chunk("3\nx\n"), chunk("5\n6\n"), new UploadEnd());
        assertEquals(4, lane.size(), "three chunks and the end queued behind one another");

        ErrorReply reply = assertInstanceOf(ErrorReply.class, single(runAll(ch)));
        assertEquals(ErrorCode.INVALID_DATA, reply.code());
        assertEquals("line 4: not an integer (unexpected 'x')", reply.message());
        assertEquals(List.of(), filesUnderData(), "no file and no temp file");
        assertEquals("", t.read("upload-log.txt"), "nothing logged");
        ch.writeInbound(new UploadBegin(FileId.of(2)), chunk("7\n"), new UploadEnd());
        assertEquals(new Uploaded(FileId.of(2), 1), single(runAll(ch)), "the end of the refused upload ended it");
    }

    @Test
    void aChunkThatFailsBehindAnAbortSendsNoReply() throws IOException {
        queueLaneWork();
        EmbeddedChannel ch = me();
        ch.writeInbound(new UploadBegin(FileId.of(1)));
        runAll(ch);

        ch.writeInbound(chunk("x\n"), chunk("1\n"), new UploadAbort("file unreadable"));

        assertEquals(List.of(), runAll(ch), "an aborted upload gets no reply");
        assertEquals(List.of(), filesUnderData(), "temp file removed");
        assertEquals("", t.read("upload-log.txt"), "nothing logged");
        assertInstanceOf(ActiveDevices.class, single(send(ch, new ListActive())), "the session goes on");
    }

    @Test
    void aDisconnectWithChunksInFlightLeavesNothing() throws IOException {
        queueLaneWork();
        EmbeddedChannel ch = me();
        ch.writeInbound(new UploadBegin(FileId.of(1)));
        runAll(ch);
        ch.writeInbound(chunk("1\n"), chunk("2\n"), chunk("3\n"));
        assertEquals(3, lane.size(), "chunks in flight");

        ch.close();
        runAll(ch);

        assertEquals(List.of(), filesUnderData(), "temp file removed");
        assertEquals("", t.read("upload-log.txt"), "nothing logged");
        assertFalse(t.registry.isActive(ME), "device removed");
    }

    @Test
    void uploadAbortLeavesNothingAndNoReply() throws IOException {
        EmbeddedChannel ch = me();
        byte[] part = "1\n2\n".getBytes(StandardCharsets.US_ASCII);
        List<Object> replies = send(ch, new UploadBegin(FileId.of(1)), chunk(part, 0, part.length),
                new UploadAbort("file unreadable"));
        assertEquals(List.of(), replies, "no reply");
        assertEquals(List.of(), filesUnderData(), "temp file removed");
        assertEquals("", t.read("upload-log.txt"), "nothing logged");
        assertTrue(ch.isActive(), "session goes on");
    }

    @Test
    void aDisconnectMidUploadLeavesNothing() throws IOException {
        EmbeddedChannel ch = me();
        byte[] part = "1\n2\n".getBytes(StandardCharsets.US_ASCII);
        send(ch, new UploadBegin(FileId.of(1)), chunk(part, 0, part.length));
        assertEquals(1, filesUnderData().size(), "a temp file while receiving");
        assertFalse(Files.exists(stored(ME, 1)), "never under the final name while receiving");

        ch.close();
        ch.runPendingTasks();

        assertEquals(List.of(), filesUnderData(), "temp file removed");
        assertEquals("", t.read("upload-log.txt"), "nothing logged");
    }

    @Test
    void anUploadOntoAFullDiskIsRefusedOnceLeavesNothingAndTheNextOneAfterSpaceIsFreedWorks() throws IOException {
        RecordingDisk disk = recordingDisk();
        EmbeddedChannel ch = me();
        byte[] content = "1\n2\n3\n4\n5\n6\n".getBytes(StandardCharsets.US_ASCII);
        disk.fill();

        List<Object> replies;
        List<String> warnings;
        try (LogCapture logs = new LogCapture()) {
            ch.writeInbound(upload(3, content, 2));
            replies = runAll(ch);
            warnings = logs.warnings();
        }

        assertEquals(new ErrorReply(ErrorCode.OUT_OF_SPACE, "the server is out of disk space"), single(replies),
                "one refusal for all the chunks in flight");
        assertEquals(List.of("WARN Cannot store file 3 for supersmartwatch: the server is out of disk space"), warnings,
                "one line, no stack trace");
        assertEquals(List.of(), filesUnderData(), "no temp file, no data");
        assertEquals("", t.read("upload-log.txt"), "nothing logged");
        assertTrue(ch.isActive(), "the session goes on");

        disk.free();
        ch.writeInbound(upload(3, content, 2));
        assertEquals(new Uploaded(FileId.of(3), 6), single(runAll(ch)));
        assertTrue(t.read("upload-log.txt").matches("supersmartwatch; [^;]+; 3; 6\n"), "logged once stored");
    }

    @Test
    void aDeletionThatCannotBeRecordedOnAFullDiskIsRefusedAndTheFileIsGone() throws IOException {
        RecordingDisk disk = recordingDisk();
        EmbeddedChannel ch = me();
        ch.writeInbound(upload(1, "1\n2\n".getBytes(StandardCharsets.US_ASCII), 64));
        runAll(ch);
        disk.fill();

        List<String> warnings;
        Object reply;
        try (LogCapture logs = new LogCapture()) {
            ch.writeInbound(new Delete(FileId.of(1)));
            reply = single(runAll(ch));
            warnings = logs.warnings();
        }

        // Not confirmed, since the deletion log does not show it; but a removal cannot be undone.
        assertEquals(new ErrorReply(ErrorCode.OUT_OF_SPACE, "the server is out of disk space"), reply);
        assertEquals(List.of("WARN Cannot record the deletion of file 1 for supersmartwatch: "
                + "the server is out of disk space"), warnings);
        assertEquals("", t.read("deletion-log.txt"), "not recorded, not even part of a line");
        assertEquals(List.of(), filesUnderData(), "the file and its summary are gone");

        disk.free();
        ch.writeInbound(new Delete(FileId.of(1)));
        assertEquals(new ErrorReply(ErrorCode.NO_SUCH_FILE, "file 1 does not exist at the server side"),
                single(runAll(ch)), "what a retry hears");
    }

    @Test
    void outOntoAFullDiskStillLeavesAndTheNextWriteRecordsIt() {
        RecordingDisk disk = recordingDisk();
        session(DeviceName.of("superwristband"), 9000);
        EmbeddedChannel ch = me();
        disk.fill();

        List<String> warnings;
        try (LogCapture logs = new LogCapture()) {
            ch.writeInbound(new Leave());
            assertEquals(new Left(ME), single(runAll(ch)));
            warnings = logs.warnings();
        }

        assertEquals(List.of("WARN Cannot record that supersmartwatch left in edge-device-log.txt: "
                + "the server is out of disk space"), warnings, "one line, no stack trace");
        assertFalse(ch.isOpen(), "connection closed after Left");
        assertFalse(t.registry.isActive(ME), "device removed all the same");

        disk.free();
        session(DeviceName.of("wei-smartphone"), 8001);
        assertEquals(List.of("superwristband", "wei-smartphone"),
                t.read("edge-device-log.txt").lines().map(l -> l.split("; ")[2]).toList(), "the file caught up");
    }

    @Test
    void aFailedReuploadKeepsThePreviousFile() throws IOException {
        EmbeddedChannel ch = me();
        upload(ch, 1, "1\n2\n");
        assertInstanceOf(ErrorReply.class, upload(ch, 1, "3\nbad\n"));
        assertEquals("1\n2\n", Files.readString(stored(ME, 1)));
    }

    @Test
    void reuploadReplacesTheFile() throws IOException {
        EmbeddedChannel ch = me();
        upload(ch, 1, "1\n2\n");
        assertEquals(new Uploaded(FileId.of(1), 3), upload(ch, 1, "10\n20\n30\n"));
        assertEquals("10\n20\n30\n", Files.readString(stored(ME, 1)));
        assertEquals(new Computed(FileId.of(1), Operation.SUM, "60"),
                single(send(ch, new Compute(FileId.of(1), Operation.SUM))));
    }

    @Test
    void aNegativeFileIdIsRefusedOnceWhereItIsDecodedAndTheUploadsChunksAreDropped() throws IOException {
        EmbeddedChannel ch = me();
        ch.pipeline().addFirst(CODEC, MessageCodec.INSTANCE);
        byte[] minusOne = {-1, -1, -1, -1, -1, -1, -1, -1};
        ErrorReply refusal = new ErrorReply(ErrorCode.BAD_ARGUMENT, "file ID must not be negative: -1");

        List<Object> replies;
        List<String> lines;
        // Everything the server logs: the disconnector's logger is switched off for tests, so apart.
        try (LogCapture all = new LogCapture(); LogCapture verdicts = new LogCapture(Disconnector.class)) {
            replies = sendFrames(ch, Frames.withBody(MessageType.UPLOAD_BEGIN.code(), minusOne),
                    Frames.withBody(MessageType.UPLOAD_CHUNK.code(), "1\n".getBytes(StandardCharsets.US_ASCII)),
                    Frames.of(new UploadEnd()));
            lines = Stream.concat(all.lines().stream(), verdicts.lines().stream())
                    .filter(l -> l.contains("must not be negative")).toList();
        }

        assertEquals(List.of(refusal), replies, "one reply for the whole upload, its chunk dropped");
        assertEquals(List.of("INFO Return message: file ID must not be negative: -1"), lines, "said once");
        assertEquals(List.of(), filesUnderData());
        assertEquals(List.of(refusal), sendFrames(ch,
                Frames.withBody(MessageType.COMPUTE.code(), Arrays.copyOf(minusOne, 9))), "SCS");
        assertEquals(List.of(refusal), sendFrames(ch, Frames.withBody(MessageType.DELETE.code(), minusOne)), "DTE");
        assertTrue(ch.isActive(), "session goes on");
        assertInstanceOf(ActiveDevices.class, single(sendFrames(ch, Frames.of(new ListActive()))));
    }

    @Test
    void aLookupOfANameThatIsNotValidSaysItIsOffline() {
        ErrorReply reply = assertInstanceOf(ErrorReply.class,
                single(send(me(), new InvalidMessage(MessageType.LOOKUP_PEER, "not a valid device name"))));
        assertEquals(new ErrorReply(ErrorCode.DEVICE_OFFLINE, "an invalid name is offline"), reply);
    }

    @Test
    void anInvalidMessageOutOfPlaceIsAProtocolErrorLikeAValidOne() {
        EmbeddedChannel ch = me();
        assertEquals(new ErrorReply(ErrorCode.UNEXPECTED_MESSAGE, "LOGIN in command mode"),
                single(send(ch, new InvalidMessage(MessageType.LOGIN, "not a valid device name"))));
        assertFalse(ch.isOpen(), "closed");

        EmbeddedChannel uploading = session(DeviceName.of("superwristband"), 9000);
        assertEquals(new ErrorReply(ErrorCode.UNEXPECTED_MESSAGE, "COMPUTE during an upload"),
                single(send(uploading, new UploadBegin(FileId.of(1)),
                        new InvalidMessage(MessageType.COMPUTE, "file ID must not be negative: -1"))));
    }

    @Test
    void aChunkOutsideAnUploadIsAProtocolError() {
        EmbeddedChannel ch = me();
        byte[] b = "1\n".getBytes(StandardCharsets.US_ASCII);
        ErrorReply reply = assertInstanceOf(ErrorReply.class, single(send(ch, chunk(b, 0, b.length))));
        assertEquals(ErrorCode.UNEXPECTED_MESSAGE, reply.code());
        assertFalse(ch.isOpen(), "connection closed");
    }

    @Test
    void anotherCommandDuringAnUploadIsAProtocolErrorAndLeavesNothing() throws IOException {
        EmbeddedChannel ch = me();
        ErrorReply reply = assertInstanceOf(ErrorReply.class,
                single(send(ch, new UploadBegin(FileId.of(1)), new ListActive())));
        assertEquals(ErrorCode.UNEXPECTED_MESSAGE, reply.code());
        ch.runPendingTasks();
        assertFalse(ch.isOpen(), "connection closed");
        assertEquals(List.of(), filesUnderData(), "temp file removed");
    }

    // SCS

    @Test
    void scsComputesEachOperation() {
        EmbeddedChannel ch = me();
        upload(ch, 1, "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n");
        assertEquals(new Computed(FileId.of(1), Operation.SUM, "55"),
                single(send(ch, new Compute(FileId.of(1), Operation.SUM))));
        assertEquals(new Computed(FileId.of(1), Operation.AVERAGE, "5.5"),
                single(send(ch, new Compute(FileId.of(1), Operation.AVERAGE))));
        assertEquals(new Computed(FileId.of(1), Operation.MAX, "10"),
                single(send(ch, new Compute(FileId.of(1), Operation.MAX))));
        assertEquals(new Computed(FileId.of(1), Operation.MIN, "1"),
                single(send(ch, new Compute(FileId.of(1), Operation.MIN))));
    }

    @Test
    void scsOnAFileWhoseSummaryIsKnownIsAnsweredOnTheEventLoopWithoutStoppingReading() {
        queueLaneWork();
        EmbeddedChannel ch = me();
        ch.writeInbound(upload(1, "3\n4\n".getBytes(StandardCharsets.US_ASCII), 65536));
        assertEquals(List.of(new Uploaded(FileId.of(1), 2)), runAll(ch));
        List<Object> events = new ArrayList<>();
        ch.pipeline().addFirst(new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                events.add(evt);
            }
        });

        ch.writeInbound(new Compute(FileId.of(1), Operation.AVERAGE), new Compute(FileId.of(1), Operation.MAX));

        assertEquals(new Computed(FileId.of(1), Operation.AVERAGE, "3.5"), ch.readOutbound(), "no task run");
        assertEquals(new Computed(FileId.of(1), Operation.MAX, "4"), ch.readOutbound());
        assertTrue(lane.isEmpty(), "nothing handed to the file's lane");
        assertEquals(List.of(), events, "reading never paused");
        assertTrue(ch.config().isAutoRead());
    }

    @Test
    void averageIsExactOrRoundedToSixPlaces() {
        EmbeddedChannel ch = me();
        upload(ch, 1, "1\n2\n3\n");
        upload(ch, 2, "1\n0\n0\n");
        upload(ch, 3, "-1\n-2\n");
        upload(ch, 4, "1\n0\n0\n0\n0\n0\n0\n0\n");
        assertEquals("2", ((Computed) single(send(ch, new Compute(FileId.of(1), Operation.AVERAGE)))).result());
        assertEquals("0.333333", ((Computed) single(send(ch, new Compute(FileId.of(2), Operation.AVERAGE)))).result());
        assertEquals("-1.5", ((Computed) single(send(ch, new Compute(FileId.of(3), Operation.AVERAGE)))).result());
        assertEquals("0.125", ((Computed) single(send(ch, new Compute(FileId.of(4), Operation.AVERAGE)))).result());
    }

    @Test
    void sumsNearTheLongLimitsAreExact() {
        EmbeddedChannel ch = me();
        String max = "9223372036854775807\n";
        String min = "-9223372036854775808\n";
        upload(ch, 1, max.repeat(3));
        upload(ch, 2, min.repeat(3));
        upload(ch, 3, max + max + min);
        assertEquals("27670116110564327421",
                ((Computed) single(send(ch, new Compute(FileId.of(1), Operation.SUM)))).result());
        assertEquals("-27670116110564327424",
                ((Computed) single(send(ch, new Compute(FileId.of(2), Operation.SUM)))).result());
        assertEquals("9223372036854775806",
                ((Computed) single(send(ch, new Compute(FileId.of(3), Operation.SUM)))).result());
        assertEquals("9223372036854775807",
                ((Computed) single(send(ch, new Compute(FileId.of(1), Operation.AVERAGE)))).result());
        assertEquals("3074457345618258602",
                ((Computed) single(send(ch, new Compute(FileId.of(3), Operation.AVERAGE)))).result());
    }

    @Test
    void anEmptyFileSumsToZeroAndHasNoAverageMaxOrMin() {
        EmbeddedChannel ch = me();
        upload(ch, 1, "");
        assertEquals(new Computed(FileId.of(1), Operation.SUM, "0"),
                single(send(ch, new Compute(FileId.of(1), Operation.SUM))));
        for (Operation op : List.of(Operation.AVERAGE, Operation.MAX, Operation.MIN)) {
            ErrorReply reply = assertInstanceOf(ErrorReply.class, single(send(ch, new Compute(FileId.of(1), op))));
            assertEquals(ErrorCode.EMPTY_FILE, reply.code(), op.name());
            assertTrue(reply.message().contains("no data"), reply.message());
        }
    }

    @Test
    void scsOnAMissingFileSaysItDoesNotExist() {
        ErrorReply reply = assertInstanceOf(ErrorReply.class,
                single(send(me(), new Compute(FileId.of(9), Operation.SUM))));
        assertEquals(ErrorCode.NO_SUCH_FILE, reply.code());
    }

    @Test
    void aDeviceCannotSeeAnotherDevicesFile() {
        upload(session(DeviceName.of("superwristband"), 9000), 1, "1\n2\n");
        EmbeddedChannel ch = me();
        ErrorReply scs = assertInstanceOf(ErrorReply.class, single(send(ch, new Compute(FileId.of(1), Operation.SUM))));
        assertEquals(ErrorCode.NO_SUCH_FILE, scs.code());
        ErrorReply dte = assertInstanceOf(ErrorReply.class, single(send(ch, new Delete(FileId.of(1)))));
        assertEquals(ErrorCode.NO_SUCH_FILE, dte.code());
        assertTrue(Files.exists(stored(DeviceName.of("superwristband"), 1)), "the other device's file is untouched");
    }

    // DTE

    @Test
    void dteDeletesTheFileAndLogsIt() throws IOException {
        EmbeddedChannel ch = me();
        upload(ch, 1, "1\n2\n3\n");
        t.clock.advance(Duration.ofHours(1));

        assertEquals(new Deleted(FileId.of(1), 3), single(send(ch, new Delete(FileId.of(1)))));

        assertEquals(List.of(), filesUnderData(), "data file and its summary gone");
        String log = t.read("deletion-log.txt");
        assertEquals("supersmartwatch; 30 September 2022 11:31:13; 1; 3\n", log);
        assertTrue(log.strip().matches(LOG_LINE), "log line format");
        ErrorReply again = assertInstanceOf(ErrorReply.class,
                single(send(ch, new Compute(FileId.of(1), Operation.SUM))));
        assertEquals(ErrorCode.NO_SUCH_FILE, again.code());
    }

    @Test
    void dteOfAMissingFileSaysItDoesNotExistAndLogsNothing() {
        ErrorReply reply = assertInstanceOf(ErrorReply.class, single(send(me(), new Delete(FileId.of(4)))));
        assertEquals(ErrorCode.NO_SUCH_FILE, reply.code());
        assertEquals("", t.read("deletion-log.txt"));
    }

    @Test
    void dataFilesStayAfterOut() {
        EmbeddedChannel ch = me();
        upload(ch, 1, "1\n");
        send(ch, new Leave());
        assertTrue(Files.exists(stored(ME, 1)), "file kept");
    }

    // UVF lookup

    @Test
    void lookupFindsAnActivePeerOrSaysItIsOffline() {
        session(DeviceName.of("superwristband"), 9000);
        EmbeddedChannel ch = me();
        Peer peer = assertInstanceOf(Peer.class, single(send(ch, new LookupPeer(DeviceName.of("superwristband")))));
        assertEquals(List.of(DeviceName.of("superwristband"), "10.0.0.0", 9000),
                List.of(peer.device(), peer.ip(), peer.udpPort()));
        ErrorReply reply = assertInstanceOf(ErrorReply.class,
                single(send(ch, new LookupPeer(DeviceName.of("wei-smartphone")))));
        assertEquals(ErrorCode.DEVICE_OFFLINE, reply.code());
        assertEquals("wei-smartphone is offline", reply.message());
    }

    @Test
    void aLookupHandsTheSameFreshTicketToTheAudienceFirstAndThenToThePresenter() {
        EmbeddedChannel audience = session(DeviceName.of("superwristband"), 9000);
        EmbeddedChannel ch = me();

        Peer first = assertInstanceOf(Peer.class, single(send(ch, new LookupPeer(DeviceName.of("superwristband")))));
        Ticket pushed = assertInstanceOf(Ticket.class, audience.readOutbound(), "the audience got a ticket unasked");
        Peer second = assertInstanceOf(Peer.class, single(send(ch, new LookupPeer(DeviceName.of("superwristband")))));

        assertEquals(pushed, first.ticket(), "the presenter's copy is the audience's");
        assertEquals(List.of(ME, DeviceName.of("superwristband")), List.of(pushed.presenter(), pushed.audience()),
                "who it vouches for");
        assertEquals(TicketService.LIFETIME, pushed.lifetime(), "lifetime");
        assertTrue(second.ticket().id() != first.ticket().id()
                && !Arrays.equals(second.ticket().key(), first.ticket().key()), "every lookup gets a new id and key");
        assertInstanceOf(Ticket.class, audience.readOutbound(), "the second ticket too");
    }

    @Test
    void aDeviceCannotLookItselfUp() {
        ErrorReply reply = assertInstanceOf(ErrorReply.class, single(send(me(), new LookupPeer(ME))));

        assertEquals(ErrorCode.BAD_ARGUMENT, reply.code(), "code");
        assertEquals("a device cannot send a file to itself", reply.message(), "message");
    }

    @Test
    void anAudienceThatDisconnectedOrDoesNotReadGetsNoTicketAndIsOfflineToThePresenter() {
        EmbeddedChannel gone = session(DeviceName.of("superwristband"), 9000);
        EmbeddedChannel stuck = session(DeviceName.of("wei-smartphone"), 9001);
        EmbeddedChannel ch = me();
        gone.close();
        stuck.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1, 2));
        stuck.write(Unpooled.buffer().writeZero(10));

        ErrorReply toGone = assertInstanceOf(ErrorReply.class, single(send(ch, new LookupPeer(DeviceName.of("superwristband")))));
        ErrorReply toStuck = assertInstanceOf(ErrorReply.class, single(send(ch, new LookupPeer(DeviceName.of("wei-smartphone")))));

        assertEquals("superwristband is offline", toGone.message(), "closed connection");
        assertEquals("wei-smartphone is offline", toStuck.message(), "full connection");
        assertNull(stuck.readOutbound(), "nothing was queued for the device that does not read");
    }

    @Test
    void commandsWaitForThePreviousReply() {
        EmbeddedChannel ch = me();
        byte[] content = "4\n".getBytes(StandardCharsets.US_ASCII);
        List<Object> replies = send(ch, new UploadBegin(FileId.of(1)), chunk(content, 0, content.length),
                new UploadEnd(),
                new Compute(FileId.of(1), Operation.SUM), new Delete(FileId.of(1)), new ListActive());
        assertEquals(List.of(new Uploaded(FileId.of(1), 1), new Computed(FileId.of(1), Operation.SUM, "4"),
                new Deleted(FileId.of(1), 1)), replies.subList(0, 3), "one reply per command, in order");
        assertInstanceOf(ActiveDevices.class, replies.get(3));
        assertNull(ch.readOutbound(), "nothing more");
    }
}
