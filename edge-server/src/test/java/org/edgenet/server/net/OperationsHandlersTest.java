package org.edgenet.server.net;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Ticker;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.FileId;
import org.edgenet.common.message.Compute;
import org.edgenet.common.message.ErrorReply;
import org.edgenet.common.message.Joined;
import org.edgenet.common.message.KeepAlive;
import org.edgenet.common.message.Operation;
import org.edgenet.common.message.UploadBegin;
import org.edgenet.common.message.UploadChunk;
import org.edgenet.common.message.UploadEnd;
import org.edgenet.common.message.Uploaded;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.server.ServerConfig;
import org.edgenet.server.TestServices;
import org.edgenet.server.service.ActiveDevice;
import org.edgenet.server.service.KeyedSerialExecutor;
import org.edgenet.server.service.TicketService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.edgenet.server.net.ServerInitializer.COMMAND;
import static org.edgenet.server.net.ServerInitializer.ERRORS;
import static org.edgenet.server.net.ServerInitializer.READ_GATE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The idle time-out and the drain at shutdown, on a joined device's pipeline with frozen time. */
class OperationsHandlersTest {
    private static final DeviceName ME = DeviceName.of("supersmartwatch");
    private static final Duration IDLE_LIMIT = Duration.ofSeconds(300);
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private TestServices t;
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private final Disconnector disconnector = new Disconnector(new LogLimiter(Ticker.systemTicker()));
    private final TicketService tickets = new TicketService();
    /** File work waiting until the test runs it. */
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

    private EmbeddedChannel joined(Duration idle) {
        ActiveDevice entry = t.registry.join(ME, "10.0.0.1", 8000).join();
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        // Joined already: no login time-out runs.
        ReadGate gate = new ReadGate(ServerConfig.DEFAULT_REPLY_TIMEOUT, Duration.ZERO, idle, DRAIN_LIMIT,
                disconnector, null);
        ch.pipeline().addLast(READ_GATE, gate)
                .addLast(COMMAND, new CommandHandler(t.services, tickets, new Session(entry), gate, disconnector))
                .addLast(ERRORS, new ErrorHandler(disconnector));
        channels.add(ch);
        return ch;
    }

    private static void advance(EmbeddedChannel ch, Duration d) {
        ch.advanceTimeBy(d.toNanos(), TimeUnit.NANOSECONDS);
        ch.runScheduledPendingTasks();
        ch.runPendingTasks();
    }

    private void runLane(EmbeddedChannel ch) {
        for (Runnable r; (r = lane.poll()) != null; ) {
            r.run();
            ch.runPendingTasks();
        }
    }

    private static UploadChunk chunk(String text) {
        return new UploadChunk(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
    }

    private Path stored(long fileId) {
        return dir.resolve("data").resolve(ME.value()).resolve(ME + "-" + fileId + ".txt");
    }

    private List<Path> filesUnderData() throws IOException {
        try (Stream<Path> s = Files.walk(dir.resolve("data"))) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    // Idle time-out

    @Test
    void aSilentDeviceIsCutWithIdleTimeoutAndLeavesAsAfterOut() {
        EmbeddedChannel ch = joined(IDLE_LIMIT);
        advance(ch, IDLE_LIMIT.minusMillis(1));
        assertTrue(ch.isActive(), "not a moment early");
        assertNull(ch.readOutbound());
        advance(ch, Duration.ofMillis(1));
        assertEquals(new ErrorReply(ErrorCode.IDLE_TIMEOUT, "nothing received for 300 s (idle time-out)"),
                ch.readOutbound());
        assertFalse(ch.isActive(), "closed once the error is written");
        assertFalse(t.registry.isActive(ME), "left the active devices");
        assertFalse(t.read("edge-device-log.txt").contains(ME.value()), "the device log is rewritten without it");
    }

    @Test
    void keepAlivesKeepAQuietDeviceAndGoNoFurther() {
        EmbeddedChannel ch = joined(IDLE_LIMIT);
        for (int i = 0; i < 10; i++) {
            advance(ch, Duration.ofSeconds(200));
            // The command handler refuses anything it does not know: a keep-alive reaching it would close.
            ch.writeInbound(new KeepAlive());
            ch.runPendingTasks();
        }
        assertTrue(ch.isActive(), "2,000 s with a keep-alive every 200 s");
        assertNull(ch.readOutbound(), "a keep-alive has no reply");
        advance(ch, IDLE_LIMIT);
        assertEquals(ErrorCode.IDLE_TIMEOUT, assertInstanceOf(ErrorReply.class, ch.readOutbound()).code(),
                "300 s after the last keep-alive");
    }

    @Test
    void timeInWhichTheServerDoesNotReadIsNotIdleness() {
        EmbeddedChannel ch = joined(IDLE_LIMIT);
        advance(ch, Duration.ofSeconds(200));
        // The request's file work waits in the lane: reading is held meanwhile.
        ch.writeInbound(new Compute(FileId.of(1), Operation.SUM));
        ch.runPendingTasks();
        advance(ch, Duration.ofSeconds(1000));
        assertTrue(ch.isActive(), "a request running for 1,000 s is not the device's silence");
        runLane(ch);
        assertEquals(ErrorCode.NO_SUCH_FILE, assertInstanceOf(ErrorReply.class, ch.readOutbound()).code());
        advance(ch, IDLE_LIMIT.minusSeconds(1));
        assertTrue(ch.isActive(), "the clock starts afresh when reading resumes");
        advance(ch, Duration.ofSeconds(1));
        assertEquals(ErrorCode.IDLE_TIMEOUT, assertInstanceOf(ErrorReply.class, ch.readOutbound()).code());
    }

    @Test
    void zeroTurnsTheIdleTimeOutOffButKeepAlivesAreStillDropped() {
        EmbeddedChannel ch = joined(Duration.ZERO);
        ch.writeInbound(new KeepAlive());
        advance(ch, Duration.ofDays(30));
        assertTrue(ch.isActive(), "never cut");
        assertNull(ch.readOutbound());
    }

    /** A device that joined on a connection whose login time-out (30 s) was running; its Joined is unread. */
    private EmbeddedChannel joinedWithLoginTimeOut() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ReadGate gate = new ReadGate(ServerConfig.DEFAULT_REPLY_TIMEOUT, Duration.ofSeconds(30), IDLE_LIMIT,
                DRAIN_LIMIT, disconnector, null);
        ch.pipeline().addLast(READ_GATE, gate).addLast(ERRORS, new ErrorHandler(disconnector));
        channels.add(ch);
        ch.writeOutbound(new Joined(ME, "30 September 2022 10:31:13"));
        return ch;
    }

    @Test
    void aJoinedDeviceIsNotCutByTheLoginTimeOut() {
        EmbeddedChannel ch = joinedWithLoginTimeOut();
        assertInstanceOf(Joined.class, ch.readOutbound());

        advance(ch, IDLE_LIMIT.minusMillis(1));

        assertTrue(ch.isActive(), "only the idle time-out runs once the device has joined");
        advance(ch, Duration.ofMillis(1));
        assertEquals(ErrorCode.IDLE_TIMEOUT, assertInstanceOf(ErrorReply.class, ch.readOutbound()).code());
    }

    @Test
    void theDrainDeadlineHoldsWhileTheConnectionIsNotRead() {
        EmbeddedChannel ch = joinedWithLoginTimeOut();
        ch.readOutbound();
        ch.writeInbound(new Compute(FileId.of(1), Operation.SUM));
        assertInstanceOf(Compute.class, ch.readInbound(), "the request went on, so its reply is owed");

        ch.pipeline().fireUserEventTriggered(ReadGate.DRAIN);
        ch.pipeline().get(ReadGate.class).hold(ReadGate.Reason.REQUEST_RUNNING);
        advance(ch, DRAIN_LIMIT.minusMillis(1));
        assertTrue(ch.isActive(), "the request has the whole drain time");
        advance(ch, Duration.ofMillis(1));

        assertEquals(ErrorCode.SHUTTING_DOWN, assertInstanceOf(ErrorReply.class, ch.readOutbound()).code(),
                "pausing reading does not stop the drain's deadline");
    }

    // Drain

    @Test
    void aDeviceOwedNothingIsToldAtOnceAndLeaves() {
        EmbeddedChannel ch = joined(IDLE_LIMIT);
        ch.pipeline().fireUserEventTriggered(ReadGate.DRAIN);
        ch.runPendingTasks();
        assertEquals(new ErrorReply(ErrorCode.SHUTTING_DOWN, "The server is shutting down"), ch.readOutbound());
        assertFalse(ch.isActive(), "closed once told");
        assertFalse(t.registry.isActive(ME), "left as after OUT");
    }

    @Test
    void anUploadInProgressFinishesIsConfirmedAndOnlyThenIsTheDeviceTold() throws IOException {
        EmbeddedChannel ch = joined(IDLE_LIMIT);
        ch.writeInbound(new UploadBegin(FileId.of(1)));
        runLane(ch);
        ch.writeInbound(chunk("1\n2\n"));
        runLane(ch);
        ch.pipeline().fireUserEventTriggered(ReadGate.DRAIN);
        ch.runPendingTasks();
        assertNull(ch.readOutbound(), "nothing said while the upload is owed its reply");
        assertTrue(ch.isActive());
        ch.writeInbound(chunk("3\n"), new UploadEnd());
        runLane(ch);
        assertEquals(new Uploaded(FileId.of(1), 3), ch.readOutbound(), "the upload is confirmed first");
        assertEquals(ErrorCode.SHUTTING_DOWN, assertInstanceOf(ErrorReply.class, ch.readOutbound()).code(),
                "then the device is told");
        assertFalse(ch.isActive());
        assertEquals("1\n2\n3\n", Files.readString(stored(1)), "stored whole");
        assertTrue(t.read("upload-log.txt").endsWith("; 1; 3\n"), t.read("upload-log.txt"));
    }

    @Test
    void anUploadNotFinishedWithinTheDrainIsDroppedAndNeverConfirmed() throws IOException {
        EmbeddedChannel ch = joined(IDLE_LIMIT);
        ch.writeInbound(new UploadBegin(FileId.of(1)));
        runLane(ch);
        ch.writeInbound(chunk("1\n2\n"));
        runLane(ch);
        ch.pipeline().fireUserEventTriggered(ReadGate.DRAIN);
        ch.runPendingTasks();
        advance(ch, DRAIN_LIMIT.minusMillis(1));
        assertNull(ch.readOutbound(), "the upload has the whole drain time");
        advance(ch, Duration.ofMillis(1));
        runLane(ch);
        assertEquals(ErrorCode.SHUTTING_DOWN, assertInstanceOf(ErrorReply.class, ch.readOutbound()).code());
        assertNull(ch.readOutbound(), "no confirmation");
        assertFalse(ch.isActive());
        runLane(ch);
        assertEquals(List.of(), filesUnderData(), "nothing partial, no temp file");
        assertFalse(t.read("upload-log.txt").contains(ME.value()), "nothing logged");
    }
}
