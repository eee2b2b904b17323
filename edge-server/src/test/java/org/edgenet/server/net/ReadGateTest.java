package org.edgenet.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Ticker;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.FileId;
import org.edgenet.common.message.ActiveDevices;
import org.edgenet.common.message.Delete;
import org.edgenet.common.message.Deleted;
import org.edgenet.common.message.ErrorReply;
import org.edgenet.common.message.Joined;
import org.edgenet.common.message.ListActive;
import org.edgenet.common.message.Login;
import org.edgenet.common.message.LoginReply;
import org.edgenet.common.message.LoginStatus;
import org.edgenet.common.message.LookupPeer;
import org.edgenet.common.message.MessageCodec;
import org.edgenet.common.message.MessageType;
import org.edgenet.common.message.Peer;
import org.edgenet.common.message.RegisterUdp;
import org.edgenet.common.message.Compute;
import org.edgenet.common.message.Computed;
import org.edgenet.common.message.Operation;
import org.edgenet.common.message.UploadBegin;
import org.edgenet.common.message.UploadChunk;
import org.edgenet.common.message.UploadEnd;
import org.edgenet.common.message.Uploaded;
import org.edgenet.common.testing.Frames;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.FrameDecoder;
import org.edgenet.common.wire.Limits;
import org.edgenet.server.TestServices;
import org.edgenet.server.net.ReadGate.Reason;
import org.edgenet.server.service.ActiveDevice;
import org.edgenet.server.service.TicketService;
import org.edgenet.server.service.KeyedSerialExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.edgenet.server.net.ServerInitializer.AUTH;
import static org.edgenet.server.net.ServerInitializer.CODEC;
import static org.edgenet.server.net.ServerInitializer.COMMAND;
import static org.edgenet.server.net.ServerInitializer.ERRORS;
import static org.edgenet.server.net.ServerInitializer.FRAME;
import static org.edgenet.server.net.ServerInitializer.READ_GATE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The read gate with the real handlers behind it, on channels whose peer reads only when the test
 * says so. Most tests use water marks of one byte: every reply the peer has not taken is above the
 * high-water mark, as a long AED list is on a real socket.
 */
class ReadGateTest {
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(30);
    private static final WriteBufferWaterMark EVERY_REPLY = new WriteBufferWaterMark(1, 1);
    private static final DeviceName ME = DeviceName.of("supersmartwatch");
    private static final DeviceName OTHER = DeviceName.of("superwristband");

    @TempDir
    Path dir;
    private TestServices t;
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private final Disconnector disconnector = new Disconnector(new LogLimiter(Ticker.systemTicker()));
    /** File work waiting until the test runs it, for tests that keep a command running. */
    private final Deque<Runnable> lane = new ArrayDeque<>();

    @BeforeEach
    void setUp() {
        t = new TestServices(dir, KeyedSerialExecutor.on(lane::add));
    }

    @AfterEach
    void tearDown() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
        t.close();
    }

    private final TicketService tickets = new TicketService();

    /** A joined device's connection in command mode, with frozen time. */
    private PeerChannel joined(DeviceName device, WriteBufferWaterMark marks) {
        ActiveDevice entry = t.registry.join(device, "10.0.0.1", 8000).join();
        PeerChannel ch = new PeerChannel(marks);
        ch.freezeTime();
        ReadGate gate = new ReadGate(REPLY_TIMEOUT);
        ch.pipeline().addLast(READ_GATE, gate)
                .addLast(COMMAND, new CommandHandler(t.services, tickets, new Session(entry), gate, disconnector))
                .addLast(ERRORS, new ErrorHandler(disconnector));
        channels.add(ch);
        return ch;
    }

    /** A connection that has not joined yet: login timer and auth handler, with frozen time. */
    private PeerChannel connected(WriteBufferWaterMark marks) {
        PeerChannel ch = new PeerChannel(marks);
        ch.freezeTime();
        ReadGate gate = new ReadGate(REPLY_TIMEOUT, Duration.ofSeconds(300), Duration.ZERO, Duration.ZERO,
                disconnector, null);
        ch.pipeline().addLast(READ_GATE, gate)
                .addLast(AUTH, new AuthHandler(t.services, CommandHandler.factory(t.services), gate,
                        new LogLimiter(Ticker.systemTicker()), disconnector))
                .addLast(ERRORS, new ErrorHandler(disconnector));
        channels.add(ch);
        return ch;
    }

    private static ReadGate gate(EmbeddedChannel ch) {
        return (ReadGate) ch.pipeline().get(READ_GATE);
    }

    private static void flood(EmbeddedChannel ch, Object... requests) {
        ch.writeInbound(requests);
        ch.runPendingTasks();
    }

    private static Object[] times(int n, Object request) {
        Object[] out = new Object[n];
        Arrays.fill(out, request);
        return out;
    }

    private void elapse(EmbeddedChannel ch, Duration d) {
        ch.advanceTimeBy(d.toNanos(), TimeUnit.NANOSECONDS);
        ch.runScheduledPendingTasks();
        ch.runPendingTasks();
    }

    private void runLane(EmbeddedChannel ch) {
        while (!lane.isEmpty()) {
            lane.poll().run();
        }
        ch.runPendingTasks();
    }

    // Unread replies stop reading

    @Test
    void anAedFloodThatIsNotReadGetsOneReplyPerReplyTheDeviceTakes() {
        PeerChannel ch = joined(ME, EVERY_REPLY);
        ch.stopReading();

        flood(ch, times(1000, new ListActive()));

        assertEquals(1, ch.waiting(), "one reply made, and no second while it is unread");
        assertFalse(ch.config().isAutoRead(), "the connection is not read");
        assertTrue(gate(ch).holds(Reason.REPLIES_UNREAD), "because of the unread reply");
        for (int i = 0; i < 5; i++) {
            assertInstanceOf(ActiveDevices.class, ch.take(1).get(0));
            assertEquals(1, ch.waiting(), "each reply taken lets exactly one more request through");
            assertFalse(ch.config().isAutoRead(), "and reading stops again");
        }
        List<Object> rest = ch.readAll();
        assertEquals(1000 - 5, rest.size(), "every request is answered once the device reads");
        rest.forEach(r -> assertInstanceOf(ActiveDevices.class, r));
        assertTrue(ch.config().isAutoRead(), "reading on");
    }

    @Test
    void aLookupFloodIsPacedTheSameWay() {
        joined(OTHER, EVERY_REPLY);
        PeerChannel ch = joined(ME, EVERY_REPLY);
        ch.stopReading();

        flood(ch, times(500, new LookupPeer(OTHER)));
        flood(ch, times(500, new LookupPeer(DeviceName.of("wei-smartphone"))));

        assertEquals(1, ch.waiting(), "one reply made");
        assertFalse(ch.config().isAutoRead(), "not read");
        List<Object> all = ch.readAll();
        assertEquals(1000, all.size(), "all answered in the end");
        Peer peer = assertInstanceOf(Peer.class, all.get(0));
        assertEquals(List.of(OTHER, "10.0.0.1", 8000), List.of(peer.device(), peer.ip(), peer.udpPort()), "the peer");
        assertEquals(ErrorCode.DEVICE_OFFLINE, assertInstanceOf(ErrorReply.class, all.get(999)).code());
    }

    @Test
    void loginFramesBeforeJoiningArePacedTheSameWay() {
        PeerChannel ch = connected(EVERY_REPLY);
        ch.stopReading();

        flood(ch, times(1000, new Login(DeviceName.of("nobody"), "x")));

        assertEquals(1, ch.waiting(), "one reply made");
        assertFalse(ch.config().isAutoRead(), "not read");
        assertEquals(new LoginReply(LoginStatus.UNKNOWN_DEVICE), ch.take(1).get(0));
        assertEquals(1, ch.waiting(), "one more per reply taken");
        assertEquals(999, ch.readAll().size(), "all answered once the device reads");
    }

    @Test
    void requestsBehindTheJoinWaitForItAndForTheReplies() {
        PeerChannel ch = connected(EVERY_REPLY);
        assertEquals(new LoginReply(LoginStatus.WELCOME), sendAndTake(ch, new Login(ME, "comp9331")));
        ch.stopReading();

        flood(ch, new RegisterUdp(5432), new ListActive(), new ListActive());

        assertEquals(1, ch.waiting(), "Joined made, the AED requests held behind it");
        assertNull(ch.pipeline().get(AuthHandler.class), "the auth handler has replaced itself");
        assertInstanceOf(Joined.class, ch.take(1).get(0));
        assertEquals(1, ch.waiting(), "the first AED, served by the command handler");
        List<Object> rest = ch.readAll();
        assertEquals(2, rest.size(), "both AED answered");
        rest.forEach(r -> assertInstanceOf(ActiveDevices.class, r));
    }

    private static Object sendAndTake(PeerChannel ch, Object request) {
        flood(ch, request);
        List<Object> out = ch.readAll();
        assertEquals(1, out.size(), "one reply: " + out);
        return out.get(0);
    }

    @Test
    void readingResumesOnlyOnceTheRepliesAreBelowTheLowWaterMark() {
        int low = 2_000;
        int high = 4_000;
        PeerChannel ch = joined(ME, new WriteBufferWaterMark(low, high));
        ch.stopReading();

        flood(ch, times(5000, new ListActive()));

        int made = ch.waiting();
        long each = ch.waitingBytes() / made;
        assertTrue(made > 1 && made < 5000, "replies up to the high-water mark: " + made);
        assertTrue(ch.waitingBytes() > high, "just above it: " + ch.waitingBytes());
        assertTrue((made - 1) * each <= high, "the reply that crossed it was the last one made");
        // Replies the peer must take before less than the low-water mark waits.
        int takes = 0;
        while ((made - takes) * each >= low) {
            takes++;
        }
        for (int i = 1; i < takes; i++) {
            ch.take(1);
            assertEquals(made - i, ch.waiting(), "no new reply at " + ch.waitingBytes() + " bytes");
            assertFalse(ch.config().isAutoRead(), "not read at " + ch.waitingBytes() + " bytes");
        }

        ch.take(1);

        assertTrue(ch.waiting() > made - takes, "below the low-water mark requests are served again");
        assertTrue(ch.waitingBytes() > high, "until the high-water mark is crossed again");
        assertFalse(ch.config().isAutoRead(), "then reading stops again");
    }

    @Test
    void aPartialFrameWaitingWhileTheServerDoesNotReadIsNoFrameGap() {
        ActiveDevice entry = t.registry.join(ME, "10.0.0.1", 8000).join();
        PeerChannel ch = new PeerChannel(EVERY_REPLY);
        ch.freezeTime();
        ReadGate gate = new ReadGate(REPLY_TIMEOUT);
        ch.pipeline().addLast(FRAME, new FrameDecoder(Limits.SERVER, MessageType::isKnown))
                .addLast(CODEC, MessageCodec.INSTANCE)
                .addLast(READ_GATE, gate)
                .addLast(COMMAND, new CommandHandler(t.services, tickets, new Session(entry), gate, disconnector))
                .addLast(ERRORS, new ErrorHandler(disconnector));
        channels.add(ch);
        ch.stopReading();
        ByteBuf lookup = Frames.of(new LookupPeer(ME));
        ch.writeInbound(Unpooled.wrappedBuffer(Frames.of(new ListActive()), Frames.of(new ListActive()),
                lookup.retainedSlice(0, 5)));

        elapse(ch, Duration.ofSeconds(10));

        assertTrue(ch.isActive(), "the half frame behind the unread reply is not the peer's fault");
        assertEquals(1, ch.waiting(), "only the first reply made");
        releaseAll(ch.readAll());
        assertTrue(ch.config().isAutoRead(), "read again");
        elapse(ch, Limits.SERVER.frameGap().minusMillis(1));
        assertTrue(ch.isActive(), "the gap counts from when reading resumed");
        elapse(ch, Duration.ofMillis(1));
        List<Object> verdict = ch.readAll();
        assertEquals(ErrorCode.FRAME_GAP,
                assertInstanceOf(ErrorReply.class, MessageCodec.decode((ByteBuf) verdict.get(0))).code());
        releaseAll(verdict);
        lookup.release();
    }

    private static void releaseAll(List<Object> buffers) {
        buffers.forEach(ReferenceCountUtil::release);
    }

    // Reasons combine

    @Test
    void theGateIsOpenOnlyWhenNoReasonHolds() {
        PeerChannel ch = joined(ME, EVERY_REPLY);
        ReadGate gate = gate(ch);
        assertTrue(ch.config().isAutoRead(), "open at first");

        gate.hold(Reason.REQUEST_RUNNING);
        gate.hold(Reason.LANE_FULL);
        gate.release(Reason.REQUEST_RUNNING);
        assertFalse(ch.config().isAutoRead(), "the lane is still full");
        gate.hold(Reason.LANE_FULL);
        gate.release(Reason.LANE_FULL);
        assertTrue(ch.config().isAutoRead(), "a reason held twice is released once");

        ch.stopReading();
        flood(ch, new ListActive());
        gate.hold(Reason.REQUEST_RUNNING);
        ch.take(1);
        assertTrue(ch.isWritable(), "the reply was taken");
        assertFalse(ch.config().isAutoRead(), "but a request is still running");
        gate.release(Reason.REQUEST_RUNNING);
        assertTrue(ch.config().isAutoRead(), "nothing holds any more");
    }

    @Test
    void workThatIsDoneAlreadyIsFinishedAtOnceWithoutStoppingReading() {
        PeerChannel ch = joined(ME, new WriteBufferWaterMark(32 * 1024, 64 * 1024));
        ReadGate gate = gate(ch);
        List<Object> events = new ArrayList<>();
        ch.pipeline().addFirst(new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                events.add(evt);
            }
        });
        ChannelHandlerContext ctx = ch.pipeline().context(READ_GATE);
        List<String> answers = new ArrayList<>();

        gate.whileRunning(ctx, CompletableFuture.completedFuture("summary"),
                (value, error) -> answers.add(value + ", held " + gate.holds(Reason.REQUEST_RUNNING)));
        gate.whileRunning(ctx, CompletableFuture.failedFuture(new CompletionException(new IOException("disk"))),
                (value, error) -> answers.add(String.valueOf(error)));
        assertEquals(List.of("summary, held false", "java.io.IOException: disk"), answers,
                "both finished before whileRunning returned, the failure unwrapped, reading not held");
        assertTrue(ch.config().isAutoRead(), "reading never stopped");
        assertEquals(List.of(), events, "no pause was announced");

        gate.whileRunning(ctx, CompletableFuture.completedFuture("summary"), (value, error) -> {
            throw new IllegalStateException("the answer failed");
        });
        assertTrue(gate.holds(Reason.REQUEST_RUNNING), "an answer that fails holds reading, as after a hop");
    }

    @Test
    void anScsFloodAnsweredFromMemoryIsPacedLikeAed() {
        PeerChannel ch = joined(ME, EVERY_REPLY);
        flood(ch, new UploadBegin(FileId.of(1)));
        runLane(ch);
        flood(ch, new UploadChunk(Unpooled.copiedBuffer("4\n-2\n", StandardCharsets.US_ASCII)), new UploadEnd());
        runLane(ch);
        assertEquals(List.of(new Uploaded(FileId.of(1), 2)), ch.readAll());
        ch.stopReading();

        flood(ch, times(1000, new Compute(FileId.of(1), Operation.SUM)));

        assertTrue(lane.isEmpty(), "the summary is known: no file work is queued");
        assertEquals(1, ch.waiting(), "one reply made, and no second while it is unread");
        assertTrue(gate(ch).holds(Reason.REPLIES_UNREAD), "because of the unread reply");
        assertFalse(ch.config().isAutoRead(), "so the rest is not read");
        List<Object> all = ch.readAll();
        assertEquals(1000, all.size(), "every request is answered once the device reads");
        all.forEach(r -> assertEquals(new Computed(FileId.of(1), Operation.SUM, "2"), r, "each from the summary"));
    }

    @Test
    void aCommandsUnreadReplyKeepsTheRequestsBehindItHeld() {
        PeerChannel ch = joined(ME, EVERY_REPLY);
        flood(ch, new UploadBegin(FileId.of(1)));
        runLane(ch);
        flood(ch, new UploadChunk(Unpooled.copiedBuffer("4\n", StandardCharsets.US_ASCII)), new UploadEnd());
        runLane(ch);
        assertEquals(List.of(new Uploaded(FileId.of(1), 1)), ch.readAll());
        ch.stopReading();

        flood(ch, new Delete(FileId.of(1)), new ListActive(), new ListActive());
        assertTrue(gate(ch).holds(Reason.REQUEST_RUNNING), "DTE runs on its lane");
        assertEquals(0, ch.waiting(), "the AED requests wait behind it");

        runLane(ch);

        assertEquals(1, ch.waiting(), "the DTE reply is made and unread");
        assertFalse(gate(ch).holds(Reason.REQUEST_RUNNING), "no command runs");
        assertTrue(gate(ch).holds(Reason.REPLIES_UNREAD), "but the reply is unread");
        assertFalse(ch.config().isAutoRead(), "so the AED requests stay held");
        assertEquals(List.of(new Deleted(FileId.of(1), 1)), ch.take(1));
        assertEquals(1, ch.waiting(), "one AED served per reply taken");
        List<Object> rest = ch.readAll();
        assertEquals(2, rest.size(), "both AED answered in the end");
        rest.forEach(r -> assertInstanceOf(ActiveDevices.class, r));
    }

    // Slow readers

    @Test
    void repliesUnreadForTheReplyTimeoutEndTheConnectionWithSlowReader() {
        PeerChannel ch = joined(ME, EVERY_REPLY);
        ch.stopReading();
        flood(ch, times(10, new ListActive()));

        elapse(ch, REPLY_TIMEOUT.minusMillis(1));
        assertTrue(ch.isActive(), "open until the limit");
        assertEquals(1, ch.waiting(), "nothing new");

        elapse(ch, Duration.ofMillis(1));

        assertEquals(2, ch.waiting(), "the verdict waits behind the unread reply");
        assertFalse(ch.config().isAutoRead(), "nothing more is read");
        List<Object> last = ch.readAll();
        assertInstanceOf(ActiveDevices.class, last.get(0));
        assertEquals(new ErrorReply(ErrorCode.SLOW_READER, "replies not read for 30 s"), last.get(1));
        assertEquals(2, last.size(), "no request served after the verdict");
        assertFalse(ch.isOpen(), "closed once the verdict is out");
        assertFalse(t.registry.isActive(ME), "the device left as on a disconnect");
    }

    @Test
    void aSlowReaderIsClosedAfterTheGraceEvenIfItNeverTakesTheVerdict() {
        PeerChannel ch = joined(ME, EVERY_REPLY);
        ch.stopReading();
        flood(ch, times(10, new ListActive()));
        elapse(ch, REPLY_TIMEOUT);
        assertTrue(ch.isOpen(), "the verdict is given a chance to leave");

        elapse(ch, ReadGate.CLOSE_GRACE);

        assertFalse(ch.isOpen(), "closed without the peer reading");
        assertFalse(t.registry.isActive(ME), "the device left as on a disconnect");
        assertEquals("", t.read("edge-device-log.txt"), "and the device log says so");
    }

    @Test
    void theSlowReaderTimerStopsWhenTheRepliesAreTaken() {
        PeerChannel ch = joined(ME, EVERY_REPLY);
        ch.stopReading();
        flood(ch, times(3, new ListActive()));
        elapse(ch, REPLY_TIMEOUT.minusSeconds(1));

        ch.take(1);
        elapse(ch, Duration.ofSeconds(1));
        assertTrue(ch.isActive(), "the clock started again with the next reply");
        assertEquals(3 - 1, ch.readAll().size(), "the rest answered");

        elapse(ch, REPLY_TIMEOUT.multipliedBy(3));

        assertTrue(ch.isActive(), "a device that reads is never cut off");
        assertTrue(t.registry.isActive(ME), "still joined");
        assertEquals(0, ch.waiting(), "no verdict");
    }

    @Test
    void aConnectionThatNeverJoinsNorReadsIsClosedToo() {
        PeerChannel ch = connected(EVERY_REPLY);
        ch.stopReading();
        flood(ch, times(100, new Login(DeviceName.of("nobody"), "x")));

        elapse(ch, REPLY_TIMEOUT);
        elapse(ch, ReadGate.CLOSE_GRACE);

        assertFalse(ch.isOpen(), "closed");
    }

    @Test
    void theLoginTimeOutRunsOnWhileTheConnectionIsNotRead() {
        PeerChannel ch = connected(EVERY_REPLY);
        gate(ch).hold(ReadGate.Reason.REQUEST_RUNNING);

        elapse(ch, Duration.ofSeconds(300).minusMillis(1));
        assertEquals(0, ch.waiting(), "not a moment early");
        elapse(ch, Duration.ofMillis(1));

        assertEquals(ErrorCode.LOGIN_TIMEOUT, assertInstanceOf(ErrorReply.class, ch.readOutbound()).code(),
                "a connection held unread still has to join in time");
    }

    @Test
    void requestsHeldWhenTheConnectionClosesAreReleased() {
        PeerChannel ch = joined(ME, EVERY_REPLY);
        gate(ch).hold(ReadGate.Reason.LANE_FULL);
        UploadChunk held = new UploadChunk(Unpooled.copiedBuffer("1\n", StandardCharsets.US_ASCII));
        ch.writeInbound(held);
        assertEquals(1, held.refCnt(), "held, not yet served");

        ch.close();

        assertEquals(0, held.refCnt(), "released with the connection");
    }

    // The last reply

    @Test
    void nothingIsServedAfterAFatalErrorEvenWhenTheChannelBecomesWritableAgain() {
        PeerChannel ch = joined(ME, new WriteBufferWaterMark(32 * 1024, 64 * 1024));
        ch.stopReading();
        flood(ch, new ListActive());
        long each = ch.waitingBytes();
        // One waiting reply is below the low-water mark, two are above the high one.
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark((int) each + 1, (int) (each + each / 2)));

        // A protocol violation in command mode, then more requests behind it.
        flood(ch, new Login(ME, "comp9331"), new ListActive(), new ListActive());
        assertFalse(ch.isWritable(), "the verdict crossed the high-water mark");
        ch.take(1);

        assertEquals(1, ch.waiting(), "still only the verdict: nothing served after it");
        assertTrue(ch.isWritable(), "though taking the AED reply brought the buffer below the low-water mark");
        assertFalse(ch.config().isAutoRead(), "nothing is read");
        List<Object> last = ch.readAll();
        assertEquals(ErrorCode.UNEXPECTED_MESSAGE, assertInstanceOf(ErrorReply.class, last.get(0)).code());
        assertEquals(1, last.size(), "no reply after the verdict: " + last);
        assertFalse(ch.isOpen(), "closed");
    }

    @Test
    void aBlockedLoginThatIsNeverReadIsClosedAfterTheGrace() {
        PeerChannel ch = connected(EVERY_REPLY);
        ch.stopReading();
        flood(ch, new Login(ME, "a"), new Login(ME, "b"), new Login(ME, "c"), new Login(ME, "comp9331"));
        ch.take(2);
        assertEquals(1, ch.waiting(), "BLOCKED_NOW made, not taken");
        assertTrue(gate(ch).holds(Reason.CLOSING), "nothing more is read");

        elapse(ch, ReadGate.CLOSE_GRACE);

        assertFalse(ch.isOpen(), "closed although the peer never took the reply");
    }
}
