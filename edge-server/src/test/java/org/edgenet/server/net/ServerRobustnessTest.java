package org.edgenet.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.DeviceNames;
import org.edgenet.common.format.FileId;
import org.edgenet.common.message.ActiveDevices;
import org.edgenet.common.message.BodyFields;
import org.edgenet.common.message.Compute;
import org.edgenet.common.message.Computed;
import org.edgenet.common.message.ErrorReply;
import org.edgenet.common.message.Joined;
import org.edgenet.common.message.ListActive;
import org.edgenet.common.message.Login;
import org.edgenet.common.message.LoginReply;
import org.edgenet.common.message.LoginStatus;
import org.edgenet.common.message.Message;
import org.edgenet.common.message.MessageCodec;
import org.edgenet.common.message.MessageType;
import org.edgenet.common.message.Operation;
import org.edgenet.common.message.RegisterUdp;
import org.edgenet.common.message.UploadAbort;
import org.edgenet.common.message.UploadBegin;
import org.edgenet.common.message.UploadChunk;
import org.edgenet.common.message.UploadEnd;
import org.edgenet.common.message.Uploaded;
import org.edgenet.common.testing.Frames;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.WireFormat;
import org.edgenet.server.EdgeServer;
import org.edgenet.server.LogCapture;
import org.edgenet.server.ServerConfig;
import org.edgenet.server.TestServices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** A real server on a free port, spoken to with plain sockets, frame by frame. */
class ServerRobustnessTest {
    @TempDir
    Path dir;
    private EdgeServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private EdgeServer start(ServerConfig.Builder config) throws Exception {
        return start(config, TestServices.CREDENTIALS);
    }

    private EdgeServer start(ServerConfig.Builder config, String credentials) throws Exception {
        Files.writeString(dir.resolve("credentials.txt"), credentials);
        server = EdgeServer.start(config.build());
        return server;
    }

    private ServerConfig.Builder config() {
        return ServerConfig.in(dir).port(0).bindAddress(InetAddress.getLoopbackAddress());
    }

    /** A raw TCP client that speaks frames through the codec's static methods. */
    private final class RawClient implements AutoCloseable {
        final Socket socket;
        final DataInputStream in;

        RawClient() throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
            socket.setSoTimeout(10_000);
            in = new DataInputStream(socket.getInputStream());
        }

        void send(Message m) throws IOException {
            sendRaw(frameOf(m));
        }

        void sendRaw(byte[] bytes) throws IOException {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
        }

        Message receive() throws IOException {
            byte[] header = new byte[WireFormat.HEADER_LENGTH];
            in.readFully(header);
            int length = ((header[4] & 0xFF) << 24) | ((header[5] & 0xFF) << 16) | ((header[6] & 0xFF) << 8)
                    | (header[7] & 0xFF);
            byte[] frame = new byte[header.length + length];
            System.arraycopy(header, 0, frame, 0, header.length);
            in.readFully(frame, header.length, length);
            return MessageCodec.decode(Unpooled.wrappedBuffer(frame));
        }

        /** Reads until the server closes; fails if it does not within the socket timeout. */
        void awaitClosed() throws IOException {
            try {
                InputStream s = socket.getInputStream();
                while (s.read() >= 0) {
                    // Discards anything still in flight before the end of the stream.
                }
            } catch (SocketTimeoutException e) {
                fail("the server did not close the connection");
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private RawClient joined(String device, String password) throws IOException {
        RawClient c = new RawClient();
        c.send(new Login(DeviceName.of(device), password));
        assertEquals(new LoginReply(LoginStatus.WELCOME), c.receive());
        c.send(new RegisterUdp(8000));
        assertInstanceOf(Joined.class, c.receive());
        return c;
    }

    @Test
    void garbageGetsBadMagicAndTheConnectionCloses() throws Exception {
        start(config());
        try (RawClient c = new RawClient()) {
            c.sendRaw("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            ErrorReply reply = assertInstanceOf(ErrorReply.class, c.receive());
            assertEquals(ErrorCode.BAD_MAGIC, reply.code());
            c.awaitClosed();
        }
    }

    @Test
    void aHugeLengthIsRefusedBeforeAnythingIsBuffered() throws Exception {
        start(config());
        try (RawClient c = new RawClient()) {
            c.sendRaw(new byte[] {(byte) 0xED, 0x6E, 1, 1, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
            ErrorReply reply = assertInstanceOf(ErrorReply.class, c.receive());
            assertEquals(ErrorCode.TOO_LARGE, reply.code());
            c.awaitClosed();
        }
    }

    @Test
    void halfAFrameThenSilenceIsCutOffAfterTheDefaultGapWhileOthersAreServed() throws Exception {
        start(config());
        try (RawClient stalled = new RawClient(); RawClient other = joined("supersmartwatch", "comp9331")) {
            long sent = System.nanoTime();
            stalled.sendRaw(new byte[] {(byte) 0xED, 0x6E, 1, 1, 0, 0, 0, 40, 0, 5});

            other.send(new ListActive());
            assertInstanceOf(ActiveDevices.class, other.receive(), "served while the other connection stalls");

            ErrorReply reply = assertInstanceOf(ErrorReply.class, stalled.receive());
            Duration waited = Duration.ofNanos(System.nanoTime() - sent);
            assertEquals(ErrorCode.FRAME_GAP, reply.code());
            assertTrue(waited.compareTo(Duration.ofMillis(900)) >= 0, "not before the 1 s gap: " + waited);
            stalled.awaitClosed();

            other.send(new ListActive());
            assertInstanceOf(ActiveDevices.class, other.receive(), "still served afterwards");
        }
    }

    @Test
    void aShortConfiguredGapAppliesToEveryConnection() throws Exception {
        start(config().frameGap(Duration.ofMillis(100)));
        try (RawClient c = new RawClient()) {
            c.sendRaw(new byte[] {(byte) 0xED, 0x6E});
            assertEquals(ErrorCode.FRAME_GAP, assertInstanceOf(ErrorReply.class, c.receive()).code());
            c.awaitClosed();
        }
    }

    @Test
    void aConnectionThatNeverLogsInIsClosed() throws Exception {
        start(config().loginTimeout(Duration.ofMillis(200)));
        try (RawClient c = new RawClient()) {
            assertEquals(ErrorCode.LOGIN_TIMEOUT, assertInstanceOf(ErrorReply.class, c.receive()).code());
            c.awaitClosed();
        }
    }

    @Test
    void aDroppedDeviceLeavesAndClosingTheServerEmptiesTheDeviceLog() throws Exception {
        start(config());
        RawClient a = joined("supersmartwatch", "comp9331");
        RawClient b = joined("superwristband", "davidpass");
        a.close();
        // The leave is recorded off the event loop: wait for it by asking the other device.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            b.send(new ListActive());
            ActiveDevices list = assertInstanceOf(ActiveDevices.class, b.receive());
            if (list.devices().isEmpty()) {
                break;
            }
            assertTrue(System.nanoTime() < deadline, "the dropped device was never removed");
        }
        assertTrue(Files.readString(dir.resolve("edge-device-log.txt")).startsWith("1; "), "b is listed first");

        server.close();
        b.awaitClosed();
        assertEquals("", Files.readString(dir.resolve("edge-device-log.txt")));
        server.close();
    }

    @Test
    void anUploadSentWithoutWaitingIsStoredByteForByte() throws Exception {
        start(config());
        StringBuilder text = new StringBuilder();
        BigInteger sum = BigInteger.ZERO;
        for (long i = 0; i < 200_000; i++) {
            long v = (i * 7919L) % 2_000_003L - 1_000_000L;
            text.append(v).append('\n');
            sum = sum.add(BigInteger.valueOf(v));
        }
        byte[] content = text.toString().getBytes(StandardCharsets.US_ASCII);
        try (RawClient c = joined("supersmartwatch", "comp9331")) {
            // The whole upload goes out before any reply is read: the server must pace itself.
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            wire.write(frameOf(new UploadBegin(FileId.of(1))));
            for (int off = 0; off < content.length; off += WireFormat.UPLOAD_CHUNK_SIZE) {
                int len = Math.min(WireFormat.UPLOAD_CHUNK_SIZE, content.length - off);
                wire.write(frameOf(new UploadChunk(Unpooled.wrappedBuffer(content, off, len))));
            }
            wire.write(frameOf(new UploadEnd()));
            wire.write(frameOf(new Compute(FileId.of(1), Operation.SUM)));
            c.sendRaw(wire.toByteArray());

            assertEquals(new Uploaded(FileId.of(1), 200_000), c.receive());
            assertEquals(new Computed(FileId.of(1), Operation.SUM, sum.toString()), c.receive());
        }
        assertArrayEquals(content, Files.readAllBytes(dir.resolve("data/supersmartwatch/supersmartwatch-1.txt")));
        assertTrue(Files.readString(dir.resolve("upload-log.txt")).matches("supersmartwatch; .*; 1; 200000\n"),
                "one upload-log line");
    }

    @Test
    void anEarlyRefusalOfAnUploadLetsTheSessionGoOn() throws Exception {
        start(config());
        try (RawClient c = joined("supersmartwatch", "comp9331")) {
            c.send(new UploadBegin(FileId.of(2)));
            c.send(new UploadChunk(Unpooled.copiedBuffer("1\n2\nthree\n", StandardCharsets.US_ASCII)));
            ErrorReply reply = assertInstanceOf(ErrorReply.class, c.receive());
            assertEquals(new ErrorReply(ErrorCode.INVALID_DATA, "line 3: not an integer (unexpected 't')"), reply);
            c.send(new UploadChunk(Unpooled.copiedBuffer("4\n", StandardCharsets.US_ASCII)));
            c.send(new UploadAbort("the server refused the file"));
            c.send(new Compute(FileId.of(2), Operation.SUM));
            assertEquals(ErrorCode.NO_SUCH_FILE, assertInstanceOf(ErrorReply.class, c.receive()).code());
        }
        assertEquals("", Files.readString(dir.resolve("upload-log.txt")), "nothing logged");
    }

    @Test
    void valuesThatCannotBeAreAnsweredInTurnAndTheSessionGoesOn() throws Exception {
        start(config());
        byte[] minusOne = {-1, -1, -1, -1, -1, -1, -1, -1};
        try (RawClient c = new RawClient()) {
            ByteBuf body = Unpooled.buffer();
            BodyFields.writeString(body, "../../etc/passwd");
            BodyFields.writeString(body, "comp9331");
            byte[] login = new byte[body.readableBytes()];
            body.readBytes(login).release();
            c.sendRaw(bytes(Frames.withBody(MessageType.LOGIN.code(), login)));
            assertEquals(new LoginReply(LoginStatus.UNKNOWN_DEVICE), c.receive(), "not valid, so simply unknown");

            c.send(new Login(DeviceName.of("supersmartwatch"), "comp9331"));
            assertEquals(new LoginReply(LoginStatus.WELCOME), c.receive());
            c.send(new RegisterUdp(8000));
            assertInstanceOf(Joined.class, c.receive());
            // Sent without waiting: the refusal comes in its turn, the refused upload's chunk is dropped.
            c.sendRaw(bytes(Frames.withBody(MessageType.UPLOAD_BEGIN.code(), minusOne)));
            c.send(new UploadChunk(Unpooled.copiedBuffer("1\n", StandardCharsets.US_ASCII)));
            c.send(new UploadEnd());
            c.send(new ListActive());
            assertEquals(new ErrorReply(ErrorCode.BAD_ARGUMENT, "file ID must not be negative: -1"), c.receive());
            assertInstanceOf(ActiveDevices.class, c.receive(), "the next reply is the next request's");
        }
        assertEquals("", Files.readString(dir.resolve("upload-log.txt")), "nothing stored");
    }

    private static byte[] bytes(ByteBuf frame) {
        try {
            byte[] bytes = new byte[frame.readableBytes()];
            frame.readBytes(bytes);
            return bytes;
        } finally {
            frame.release();
        }
    }

    private static byte[] frameOf(Message m) {
        ByteBuf buf = Unpooled.buffer();
        try {
            MessageCodec.encode(m, buf);
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            return bytes;
        } finally {
            buf.release();
            if (m instanceof UploadChunk chunk && chunk.refCnt() > 0) {
                chunk.release();
            }
        }
    }

    @Test
    void aSecondServerOnTheSamePortFailsWithOneClearLine(@TempDir Path elsewhere) throws Exception {
        start(config());
        try (RawClient c = joined("supersmartwatch", "comp9331")) {
            Files.writeString(elsewhere.resolve("credentials.txt"), TestServices.CREDENTIALS);
            ServerConfig samePort = ServerConfig.in(elsewhere).port(server.port())
                    .bindAddress(InetAddress.getLoopbackAddress()).build();

            Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                    () -> EdgeServer.start(samePort));

            assertTrue(e.getMessage().contains("already in use"), e.getMessage());
            c.send(new ListActive());
            assertInstanceOf(ActiveDevices.class, c.receive(), "the first server still serves");
        } catch (EOFException unexpected) {
            fail("first server stopped serving");
        }
    }

    @Test
    void aSecondServerInTheSameDirectoryIsRefusedAndChangesNothing() throws Exception {
        start(config());
        try (RawClient c = joined("supersmartwatch", "comp9331")) {
            String deviceLog = Files.readString(dir.resolve("edge-device-log.txt"));
            Path upload = Files.createDirectories(dir.resolve("data/supersmartwatch"))
                    .resolve(".upload-1-inprogress.tmp");
            Files.writeString(upload, "1\n");
            // Another port, the same files: what an operator's second start by mistake does.
            ServerConfig sameFiles = config().port(0).build();

            Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                    () -> EdgeServer.start(sameFiles));

            assertTrue(e.getMessage().matches("Another EdgeNet server \\(pid \\d+\\) is using the directory .*"),
                    e.getMessage());
            assertEquals(deviceLog, Files.readString(dir.resolve("edge-device-log.txt")),
                    "the running server's device log is untouched");
            assertTrue(Files.exists(upload), "the running server's upload in progress is untouched");
            c.send(new ListActive());
            assertInstanceOf(ActiveDevices.class, c.receive(), "the first server still serves");
        } catch (EOFException unexpected) {
            fail("first server stopped serving");
        }
    }

    @Test
    void aNameOfTheLongestLengthJoinsUploadsAndComputesWithTheLargestFileId() throws Exception {
        String longest = "d".repeat(DeviceNames.MAX_BYTES);
        start(config(), longest + " pw\n");
        FileId fileId = FileId.of(Long.MAX_VALUE);
        try (RawClient c = joined(longest, "pw")) {
            c.send(new UploadBegin(fileId));
            c.send(new UploadChunk(Unpooled.copiedBuffer("1\n2\n3\n", StandardCharsets.US_ASCII)));
            c.send(new UploadEnd());
            assertEquals(new Uploaded(fileId, 3), c.receive());
            c.send(new Compute(fileId, Operation.SUM));
            assertEquals(new Computed(fileId, Operation.SUM, "6"), c.receive());
        }
        Path stored = dir.resolve("data").resolve(longest).resolve(longest + "-" + fileId + ".txt");
        assertEquals("1\n2\n3\n", Files.readString(stored));
        assertTrue(Files.exists(stored.resolveSibling(stored.getFileName() + ".stats")), "the summary beside it");
    }

    @Test
    void aFloodOfFailedLoginsFromOneAddressLeavesAFewLinesThatAddUp() throws Exception {
        int logins = 2_000;
        int connections = 20;
        try (LogCapture auth = new LogCapture(AuthHandler.class);
             LogCapture accepted = new LogCapture(ServerInitializer.class)) {
            start(config());
            for (int k = 0; k < connections; k++) {
                try (RawClient c = new RawClient()) {
                    ByteArrayOutputStream tries = new ByteArrayOutputStream();
                    for (int i = 0; i < logins / connections; i++) {
                        tries.write(frameOf(new Login(DeviceName.of("comp9331"), "supersmartwatch")));
                    }
                    c.sendRaw(tries.toByteArray());
                    for (int i = 0; i < logins / connections; i++) {
                        assertEquals(new LoginReply(LoginStatus.UNKNOWN_DEVICE), c.receive());
                    }
                }
            }
            server.close();

            assertEquals(logins,
                    countedIn(auth.lines(), "Login failed from 127.0.0.1: unknown device name \\(ref [0-9a-f]{8}\\)",
                    "Login failed from 127.0.0.1"), "every failure is logged or counted: " + auth.lines());
            assertTrue(auth.lines().size() <= 12, "at most a few lines per 10 s: " + auth.lines());
            assertTrue(auth.lines().stream().noneMatch(l -> l.contains("comp9331")), "the typed text never shows");
            List<String> connected = accepted.lines();
            assertEquals(connections,
                    countedIn(connected, "Connection from 127\\.0\\.0\\.1:\\d+", "Connection from 127.0.0.1"),
                    "every connection is logged or counted: " + connected);
            assertTrue(connected.size() <= 12, "at most a few lines per 10 s: " + connected);
        }
    }

    /**
     * The events in {@code lines}: one per line matching {@code event}, plus the count of every
     * summary line of {@code summarised}.
     */
    private static long countedIn(List<String> lines, String event, String summarised) {
        Pattern summary = Pattern.compile(Pattern.quote(summarised) + ": ([\\d,]+) more like this in the last 10 s");
        long n = 0;
        for (String line : lines) {
            String text = line.substring(line.indexOf(' ') + 1);
            Matcher m = summary.matcher(text);
            if (m.matches()) {
                n += Long.parseLong(m.group(1).replace(",", ""));
            } else if (text.matches(event)) {
                n++;
            } else {
                fail("unexpected line " + line);
            }
        }
        return n;
    }

    @Test
    void aBurstOfMalformedFramesOnOneConnectionGetsOneReplyAndOneWarning() throws Exception {
        start(config());
        ByteArrayOutputStream burst = new ByteArrayOutputStream();
        for (int i = 0; i < 256; i++) {
            // A login body must hold two strings; one byte cannot.
            ByteBuf frame = Frames.withBody(MessageType.LOGIN.code(), new byte[] {0});
            burst.write(ByteBufUtil.getBytes(frame));
            frame.release();
        }
        try (LogCapture errors = new LogCapture(Disconnector.class); RawClient c = new RawClient()) {
            c.sendRaw(burst.toByteArray());
            assertEquals(ErrorCode.MALFORMED, assertInstanceOf(ErrorReply.class, c.receive()).code());
            c.awaitClosed();
            List<String> lines = errors.lines();
            assertEquals(1, lines.size(), "one warning for the connection: " + lines);
            assertTrue(lines.get(0).startsWith("WARN Closing 127.0.0.1:"), lines.get(0));
        }
    }
}
