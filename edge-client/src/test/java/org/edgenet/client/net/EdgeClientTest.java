package org.edgenet.client.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.FileId;
import org.edgenet.common.message.ActiveDevices;
import org.edgenet.common.message.BodyFields;
import org.edgenet.common.message.Computed;
import org.edgenet.common.message.DeviceInfo;
import org.edgenet.common.message.ErrorReply;
import org.edgenet.common.message.Joined;
import org.edgenet.common.message.KeepAlive;
import org.edgenet.common.message.ListActive;
import org.edgenet.common.message.Login;
import org.edgenet.common.message.LoginReply;
import org.edgenet.common.message.LoginStatus;
import org.edgenet.common.message.Message;
import org.edgenet.common.message.MessageCodec;
import org.edgenet.common.message.MessageType;
import org.edgenet.common.message.Operation;
import org.edgenet.common.message.RegisterUdp;
import org.edgenet.common.message.Ticket;
import org.edgenet.common.message.UploadAbort;
import org.edgenet.common.message.UploadBegin;
import org.edgenet.common.message.UploadChunk;
import org.edgenet.common.message.UploadEnd;
import org.edgenet.common.message.Uploaded;
import org.edgenet.common.testing.Frames;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.FrameDecoder;
import org.edgenet.common.wire.Limits;
import org.edgenet.common.wire.ProtocolException;
import org.edgenet.common.wire.WireFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client's request/reply plumbing on an embedded channel, with the server played by bytes. */
class EdgeClientTest {
    private final EmbeddedChannel channel = new EmbeddedChannel(new ClientInitializer(Limits.CLIENT));
    private final EdgeClient client = EdgeClient.on(channel);
    /** Reads what the client sent the way the server would. */
    private final EmbeddedChannel server = new EmbeddedChannel(new FrameDecoder(Limits.SERVER, MessageType::isKnown),
            MessageCodec.INSTANCE);

    @TempDir
    Path dir;

    @AfterEach
    void releaseEverything() {
        channel.finishAndReleaseAll();
        server.finishAndReleaseAll();
    }

    @Test
    void sendsALoginAndCompletesWithTheServersVerdict() throws Exception {
        CompletableFuture<LoginStatus> status = client.login(DeviceName.of("supersmartwatch"), "comp9331");
        assertEquals(List.of(new Login(DeviceName.of("supersmartwatch"), "comp9331")), sent(),
                "the request on the wire");
        assertFalse(status.isDone(), "no verdict before the reply");

        reply(new LoginReply(LoginStatus.INVALID_PASSWORD));

        assertEquals(LoginStatus.INVALID_PASSWORD, status.get(), "the status from the reply");
    }

    @Test
    void sendsOneRequestAtATimeInTheOrderTheyWereMade() throws Exception {
        CompletableFuture<Joined> joined = client.registerUdp(8000);
        CompletableFuture<List<DeviceInfo>> active = client.listActive();

        assertEquals(List.of(new RegisterUdp(8000)), sent(), "only the first request before its reply");
        reply(new Joined(DeviceName.of("supersmartwatch"), "30 September 2022 10:31:13"));
        assertEquals(DeviceName.of("supersmartwatch"), joined.get().device(), "first reply to the first request");

        assertEquals(List.of(new ListActive()), sent(), "the second request once the first is answered");
        DeviceInfo other = new DeviceInfo(DeviceName.of("uav-camera"), "10.0.0.5", 9000, "30 September 2022 10:32:00");
        reply(new ActiveDevices(List.of(other)));
        assertEquals(List.of(other), active.get(), "second reply to the second request");
    }

    @Test
    void failsARequestWithTheServersErrorCodeAndMessage() {
        CompletableFuture<Computed> result = client.compute(FileId.of(3), Operation.SUM);
        sent();
        reply(new ErrorReply(ErrorCode.NO_SUCH_FILE, "file 3 does not exist"));

        ServerError error = serverError(result);
        assertEquals(ErrorCode.NO_SUCH_FILE, error.code(), "code from the reply");
        assertEquals("file 3 does not exist", error.getMessage(), "message from the reply");
        assertTrue(channel.isOpen(), "a refused request leaves the connection open");
    }

    @Test
    void failsEveryPendingRequestWhenTheConnectionCloses() {
        CompletableFuture<List<DeviceInfo>> first = client.listActive();
        CompletableFuture<List<DeviceInfo>> second = client.listActive();
        sent();

        channel.close();

        assertInstanceOf(ConnectionLostException.class, cause(first), "the request in flight fails");
        assertInstanceOf(ConnectionLostException.class, cause(second), "the queued request fails");
        CompletableFuture<List<DeviceInfo>> late = client.listActive();
        channel.runPendingTasks();
        assertInstanceOf(ConnectionLostException.class, cause(late), "a request after the close fails at once");
        assertTrue(client.closeFuture().isDone(), "closeFuture completes");
    }

    @Test
    void closesTheConnectionWhenTheServerAnswersWithTheWrongMessage() {
        CompletableFuture<LoginStatus> status = client.login(DeviceName.of("supersmartwatch"), "comp9331");
        sent();

        reply(new Uploaded(FileId.of(1), 1));

        assertFalse(channel.isOpen(), "a confused server is disconnected");
        assertInstanceOf(ConnectionLostException.class, cause(status), "the waiting request fails");
    }

    @Test
    void closesTheConnectionOnABadFrameFromTheServerAndSaysWhy() {
        CompletableFuture<LoginStatus> status = client.login(DeviceName.of("supersmartwatch"), "comp9331");
        sent();

        channel.writeInbound(Frames.raw(0xBEEF, WireFormat.VERSION, 2, 1, new byte[] {0}));

        assertFalse(channel.isOpen(), "the connection closes");
        Throwable lost = cause(status);
        assertInstanceOf(ConnectionLostException.class, lost, "the waiting request fails");
        assertEquals(ErrorCode.BAD_MAGIC, ((ProtocolException) lost.getCause()).code(), "the reason is kept");
    }

    @Test
    void closesTheConnectionWhenTheServerNamesADeviceThatCannotBeOne() {
        CompletableFuture<Joined> joined = client.registerUdp(8000);
        sent();
        ByteBuf body = Unpooled.buffer();
        BodyFields.writeString(body, "../x");
        BodyFields.writeString(body, "30 September 2022 10:31:13");
        byte[] bytes = new byte[body.readableBytes()];
        body.readBytes(bytes).release();

        channel.writeInbound(Frames.withBody(MessageType.JOINED.code(), bytes));

        assertFalse(channel.isOpen(), "bad data from the server, like a broken frame");
        Throwable lost = cause(joined);
        assertInstanceOf(ConnectionLostException.class, lost, "the waiting request fails");
        ProtocolException why = assertInstanceOf(ProtocolException.class, lost.getCause(), "the reason is kept");
        assertEquals("JOINED: not a valid device name", why.getMessage());
        assertEquals(ErrorCode.MALFORMED, why.code());
    }

    @Test
    void streamsAFileInChunksOfAtMost64KiBWhoseConcatenationIsTheFile() throws Exception {
        byte[] content = randomDigits(3 * WireFormat.UPLOAD_CHUNK_SIZE + 12345);
        Path file = Files.write(dir.resolve("supersmartwatch-1.txt"), content);

        CompletableFuture<Uploaded> uploaded = client.upload(FileId.of(1), file);
        List<Message> messages = sent();

        assertEquals(new UploadBegin(FileId.of(1)), messages.get(0), "the upload begins with its file id");
        assertEquals(new UploadEnd(), messages.get(messages.size() - 1), "and ends with UploadEnd");
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        for (Message m : messages.subList(1, messages.size() - 1)) {
            UploadChunk chunk = assertInstanceOf(UploadChunk.class, m, "only chunks in between");
            assertTrue(chunk.content().readableBytes() <= WireFormat.UPLOAD_CHUNK_SIZE, "chunk within 64 KiB");
            assertTrue(chunk.content().isReadable(), "no empty chunks");
            chunk.content().readBytes(received, chunk.content().readableBytes());
            chunk.release();
        }
        assertArrayEquals(content, received.toByteArray(), "the chunks are the file");

        reply(new Uploaded(FileId.of(1), 42));
        assertEquals(new Uploaded(FileId.of(1), 42), uploaded.get(), "the server's confirmation");
    }

    @Test
    void tellsTheProgressOfAnUploadChunkByChunkAndGoesOnWhenTheScreenFails() throws Exception {
        int size = 3 * WireFormat.UPLOAD_CHUNK_SIZE + 12345;
        Path file = Files.write(dir.resolve("supersmartwatch-3.txt"), randomDigits(size));
        List<Long> told = new java.util.ArrayList<>();

        CompletableFuture<Uploaded> uploaded = client.upload(FileId.of(3), file, (sent, total) -> {
            assertEquals(size, total, "the file's size");
            told.add(sent);
            if (told.size() == 1) {
                throw new IllegalStateException("the screen is gone");
            }
        });
        List<Message> messages = sent();
        messages.forEach(io.netty.util.ReferenceCountUtil::release);

        assertEquals(List.of(1L * WireFormat.UPLOAD_CHUNK_SIZE, 2L * WireFormat.UPLOAD_CHUNK_SIZE,
                3L * WireFormat.UPLOAD_CHUNK_SIZE, (long) size), told, "once per chunk");
        assertEquals(new UploadEnd(), messages.get(messages.size() - 1), "a failing screen does not abort the upload");
        reply(new Uploaded(FileId.of(3), 7));
        assertEquals(7, uploaded.get().dataAmount(), "the server's confirmation");
    }

    @Test
    void uploadsAnEmptyFileAsBeginAndEnd() throws Exception {
        Path file = Files.write(dir.resolve("empty.txt"), new byte[0]);

        CompletableFuture<Uploaded> uploaded = client.upload(FileId.of(2), file);

        assertEquals(List.of(new UploadBegin(FileId.of(2)), new UploadEnd()), sent(), "nothing between begin and end");
        reply(new Uploaded(FileId.of(2), 0));
        assertEquals(0, uploaded.get().dataAmount(), "zero samples");
    }

    @Test
    void sendsNothingWhileTheChannelIsNotWritable() throws Exception {
        Path file = Files.write(dir.resolve("data.txt"), randomDigits(200_000));
        setWritable(false);

        CompletableFuture<Uploaded> uploaded = client.upload(FileId.of(5), file);
        channel.runPendingTasks();
        assertTrue(sent().isEmpty(), "back-pressure: no chunk is read while the channel cannot take it");

        setWritable(true);
        List<Message> messages = sent();
        assertEquals(new UploadEnd(), messages.get(messages.size() - 1), "the upload resumes and completes");
        messages.forEach(io.netty.util.ReferenceCountUtil::release);
        assertFalse(uploaded.isDone(), "still waiting for the verdict");
    }

    @Test
    void stopsAndAbortsWhenTheServerRefusesBeforeTheEnd() throws Exception {
        Path file = Files.write(dir.resolve("data.txt"), randomDigits(10 * WireFormat.UPLOAD_CHUNK_SIZE));
        // The network "fills up" after two chunks, so the refusal overtakes the rest of the file.
        channel.pipeline().addAfter(ClientInitializer.CODEC, "throttle", new PauseAfterChunks(2));

        CompletableFuture<Uploaded> uploaded = client.upload(FileId.of(1), file);
        List<Message> before = sent();
        reply(new ErrorReply(ErrorCode.INVALID_DATA, "line 7: 'x' is not an integer"));
        assertFalse(uploaded.isDone(), "the exchange waits until the abort is on its way");
        CompletableFuture<List<DeviceInfo>> next = client.listActive();
        setWritable(true);
        List<Message> after = sent();

        assertEquals(3, before.size(), "begin and two chunks before the pause");
        assertEquals(new UploadAbort("the server refused the upload"), after.get(0), "the stream ends with an abort");
        assertEquals(new ListActive(), after.get(1), "the next request follows the abort");
        assertEquals(2, after.size(), "no more chunks and no UploadEnd");
        before.forEach(io.netty.util.ReferenceCountUtil::release);
        ServerError error = serverError(uploaded);
        assertEquals(ErrorCode.INVALID_DATA, error.code(), "the refusal's code");
        assertEquals("line 7: 'x' is not an integer", error.getMessage(), "the refusal's reason");
        assertFalse(next.isDone(), "the next request waits for its own reply");
    }

    @Test
    void failsAnUploadOfAMissingFileWithoutSendingAnything() {
        CompletableFuture<Uploaded> uploaded = client.upload(FileId.of(1), dir.resolve("nothing.txt"));

        assertInstanceOf(NoSuchFileException.class, cause(uploaded), "the file error");
        assertTrue(sent().isEmpty(), "nothing on the wire");
    }

    @Test
    void aTicketPushedInTheMiddleOfAnExchangeGoesToTheListenerAndTheReplyStillToItsRequest() throws Exception {
        List<Ticket> heard = new ArrayList<>();
        client.onTicket(heard::add);
        Ticket ticket = new Ticket(7, DeviceName.of("uav-camera"), DeviceName.of("supersmartwatch"), new byte[Ticket.KEY_LENGTH],
                Duration.ofSeconds(30));
        CompletableFuture<List<DeviceInfo>> active = client.listActive();
        sent();

        reply(ticket);
        reply(new ActiveDevices(List.of()));

        assertEquals(List.of(ticket), heard, "the ticket reached the listener");
        assertEquals(List.of(), active.get(), "the reply still answers the request");
        assertTrue(channel.isOpen(), "a ticket is not an unexpected reply");
    }

    @Test
    void aTicketWithNoListenerIsDroppedAndTheConnectionStaysOpen() {
        reply(new Ticket(7, DeviceName.of("uav-camera"), DeviceName.of("supersmartwatch"), new byte[Ticket.KEY_LENGTH],
                Duration.ofSeconds(30)));

        assertTrue(channel.isOpen(), "still connected");
    }

    @Test
    void treatsAnUnaskedFatalErrorAsTheReasonTheConnectionCloses() {
        reply(new ErrorReply(ErrorCode.SLOW_READER, "replies not read for 30 s"));
        channel.close();

        CompletableFuture<List<DeviceInfo>> late = client.listActive();
        channel.runPendingTasks();
        Throwable lost = cause(late);
        assertInstanceOf(ConnectionLostException.class, lost, "requests after the close fail");
        assertEquals(ErrorCode.SLOW_READER, ((ServerError) lost.getCause()).code(), "the server's reason is kept");
    }

    private void reply(Message m) {
        channel.writeInbound(Frames.of(m));
    }

    private void setWritable(boolean writable) {
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, writable);
        channel.runPendingTasks();
    }

    /** Everything the client has flushed so far, decoded as the server would. */
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

    private static ServerError serverError(CompletableFuture<?> f) {
        return assertInstanceOf(ServerError.class, cause(f), "a ServerError");
    }

    private static Throwable cause(CompletableFuture<?> f) {
        assertTrue(f.isDone(), "the future is done");
        return assertThrows(ExecutionException.class, f::get, "the future failed").getCause();
    }

    private static byte[] randomDigits(int length) {
        Random random = new Random(length);
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = i % 7 == 6 ? (byte) '\n' : (byte) ('0' + random.nextInt(10));
        }
        return bytes;
    }

    /** Makes the channel unwritable once {@code n} chunks went by, like a full socket buffer. */
    private static final class PauseAfterChunks extends ChannelOutboundHandlerAdapter {
        private int left;

        PauseAfterChunks(int n) {
            this.left = n;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            ctx.write(msg, promise);
            if (msg instanceof UploadChunk && --left == 0) {
                ctx.channel().unsafe().outboundBuffer().setUserDefinedWritability(1, false);
            }
        }
    }

    @Test
    void countsHowLongTheServerHasOwedTheReplySinceTheRequestWentOut() throws Exception {
        channel.freezeTime();
        assertEquals(java.time.Duration.ZERO, client.waitingForReply(), "nothing owed before a request");

        CompletableFuture<List<DeviceInfo>> active = client.listActive();
        channel.runPendingTasks();
        channel.advanceTimeBy(31, java.util.concurrent.TimeUnit.SECONDS);

        assertEquals(java.time.Duration.ofSeconds(31), client.waitingForReply(), "owed since it was sent");
        reply(new ActiveDevices(List.of()));
        assertEquals(List.of(), active.get(), "answered");
        assertEquals(java.time.Duration.ZERO, client.waitingForReply(), "nothing owed after the reply");
    }

    @Test
    void sendsAKeepAliveAfterAMinuteWithoutWritingAndNoneSoonerAfterARequest() throws Exception {
        channel.freezeTime();
        channel.advanceTimeBy(59, java.util.concurrent.TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertEquals(List.of(), sent(), "nothing before a minute of silence");
        channel.advanceTimeBy(1, java.util.concurrent.TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertEquals(List.of(new KeepAlive()), sent(), "a keep-alive after it");

        CompletableFuture<List<DeviceInfo>> active = client.listActive();
        assertEquals(List.of(new ListActive()), sent());
        channel.advanceTimeBy(59, java.util.concurrent.TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertEquals(List.of(), sent(), "a request counts as a sign of life");
        channel.advanceTimeBy(1, java.util.concurrent.TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertEquals(List.of(new KeepAlive()), sent(), "also while a reply is awaited: it needs none itself");
        reply(new ActiveDevices(List.of()));
        assertEquals(List.of(), active.get(), "the keep-alive did not disturb the request");
    }
}
