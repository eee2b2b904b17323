package org.edgenet.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.message.ErrorReply;
import org.edgenet.common.message.InvalidMessage;
import org.edgenet.common.message.Joined;
import org.edgenet.common.message.ListActive;
import org.edgenet.common.message.Login;
import org.edgenet.common.message.LoginReply;
import org.edgenet.common.message.LoginStatus;
import org.edgenet.common.message.MessageType;
import org.edgenet.common.message.RegisterUdp;
import org.edgenet.common.message.UploadChunk;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.server.LogCapture;
import org.edgenet.server.ServerConfig;
import org.edgenet.server.TestServices;
import org.edgenet.server.service.KeyedSerialExecutor;
import org.edgenet.server.service.RecordingDisk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.edgenet.server.net.ServerInitializer.AUTH;
import static org.edgenet.server.net.ServerInitializer.COMMAND;
import static org.edgenet.server.net.ServerInitializer.ERRORS;
import static org.edgenet.server.net.ServerInitializer.READ_GATE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuthHandlerTest {
    private static final Duration LOGIN_LIMIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private TestServices t;
    private final MockTicker ticker = Ticker.newMockTicker();
    private final LogLimiter logLimiter = new LogLimiter(ticker);
    private final Disconnector disconnector = new Disconnector(logLimiter);
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @BeforeEach
    void setUp() {
        t = new TestServices(dir);
    }

    @AfterEach
    void tearDown() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
        t.close();
    }

    /** A fresh connection with frozen time: read gate, flow control, login timer, auth, error handler. */
    private EmbeddedChannel connect() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ReadGate gate = new ReadGate(ServerConfig.DEFAULT_REPLY_TIMEOUT, LOGIN_LIMIT, Duration.ZERO, Duration.ZERO,
                disconnector, null);
        ch.pipeline().addLast(READ_GATE, gate)
                .addLast(AUTH, new AuthHandler(t.services, CommandHandler.factory(t.services), gate, logLimiter,
                        disconnector))
                .addLast(ERRORS, new ErrorHandler(disconnector));
        channels.add(ch);
        return ch;
    }

    private static Object send(EmbeddedChannel ch, Object msg) {
        ch.writeInbound(msg);
        ch.runPendingTasks();
        return ch.readOutbound();
    }

    private static LoginStatus login(EmbeddedChannel ch, String device, String password) {
        Object reply = send(ch, new Login(DeviceName.of(device), password));
        return assertInstanceOf(LoginReply.class, reply, "a Login is answered with a LoginReply").status();
    }

    private EmbeddedChannel joined(String device, String password, int udpPort) {
        EmbeddedChannel ch = connect();
        assertEquals(LoginStatus.WELCOME, login(ch, device, password));
        assertInstanceOf(Joined.class, send(ch, new RegisterUdp(udpPort)));
        return ch;
    }

    @Test
    void successfulJoinReplacesAuthWithTheCommandHandler() {
        EmbeddedChannel ch = connect();
        assertEquals(LoginStatus.WELCOME, login(ch, "supersmartwatch", "comp9331"));
        assertNotNull(ch.pipeline().get(AuthHandler.class), "still authenticating until the UDP port arrives");

        Joined joined = assertInstanceOf(Joined.class, send(ch, new RegisterUdp(5432)));

        assertEquals(new Joined(DeviceName.of("supersmartwatch"), "30 September 2022 10:31:13"), joined);
        assertNull(ch.pipeline().get(AuthHandler.class), "auth handler removed");
        assertInstanceOf(CommandHandler.class, ch.pipeline().get(COMMAND), "command handler installed");
        assertEquals(List.of(READ_GATE, COMMAND, ERRORS), List.copyOf(ch.pipeline().toMap().keySet()),
                "nothing of the login stays in the pipeline");
        assertTrue(t.registry.isActive(DeviceName.of("supersmartwatch")), "device registered");
        assertTrue(t.read("edge-device-log.txt").startsWith("1; 30 September 2022 10:31:13; supersmartwatch; "),
                "device log shows the join");
        assertTrue(ch.isActive(), "connection stays open");
    }

    @Test
    void wrongPasswordIsRefusedAndTheDeviceMayTryAgain() {
        EmbeddedChannel ch = connect();
        assertEquals(LoginStatus.INVALID_PASSWORD, login(ch, "supersmartwatch", "wrong"));
        assertEquals(LoginStatus.INVALID_PASSWORD, login(ch, "supersmartwatch", "Comp9331"));
        assertTrue(ch.isActive(), "two failures of three keep the connection");
        assertEquals(LoginStatus.WELCOME, login(ch, "supersmartwatch", "comp9331"));
    }

    @Test
    void unknownNameIsRefusedAndNeverBlocked() {
        EmbeddedChannel ch = connect();
        for (int i = 0; i < 10; i++) {
            assertEquals(LoginStatus.UNKNOWN_DEVICE, login(ch, "nobody", "x"));
        }
        assertTrue(ch.isActive(), "unknown names are not counted");
        assertTrue(t.services.guard().blockedFor(DeviceName.of("nobody")).isEmpty(), "unknown names are not tracked");
    }

    @Test
    void theNthWrongPasswordBlocksAndClosesTheConnection() {
        EmbeddedChannel ch = connect();
        assertEquals(LoginStatus.INVALID_PASSWORD, login(ch, "supersmartwatch", "a"));
        assertEquals(LoginStatus.INVALID_PASSWORD, login(ch, "supersmartwatch", "b"));
        assertEquals(LoginStatus.BLOCKED_NOW, login(ch, "supersmartwatch", "c"));
        assertFalse(ch.isOpen(), "connection closed after BLOCKED_NOW");
    }

    @Test
    void failuresCountAcrossConnections() {
        assertEquals(LoginStatus.INVALID_PASSWORD, login(connect(), "supersmartwatch", "a"));
        assertEquals(LoginStatus.INVALID_PASSWORD, login(connect(), "supersmartwatch", "b"));
        EmbeddedChannel third = connect();
        assertEquals(LoginStatus.BLOCKED_NOW, login(third, "supersmartwatch", "c"));
        assertFalse(third.isOpen(), "connection closed after BLOCKED_NOW");
    }

    @Test
    void blockedDeviceIsRefusedEvenWithTheRightPasswordOnAFreshConnection() {
        EmbeddedChannel first = connect();
        for (String guess : List.of("a", "b", "c")) {
            login(first, "supersmartwatch", guess);
        }
        EmbeddedChannel fresh = connect();
        assertEquals(LoginStatus.BLOCKED, login(fresh, "supersmartwatch", "comp9331"));
        assertFalse(fresh.isOpen(), "connection closed after BLOCKED");
        assertEquals(LoginStatus.WELCOME, login(connect(), "superwristband", "davidpass"),
                "other devices are not affected");
    }

    @Test
    void blockEndsWhenTheBlockDurationHasPassed() {
        EmbeddedChannel first = connect();
        for (String guess : List.of("a", "b", "c")) {
            login(first, "supersmartwatch", guess);
        }
        t.clock.advance(TestServices.BLOCK.minusMillis(1));
        assertEquals(LoginStatus.BLOCKED, login(connect(), "supersmartwatch", "comp9331"));
        t.clock.advance(Duration.ofMillis(1));
        assertEquals(LoginStatus.WELCOME, login(connect(), "supersmartwatch", "comp9331"));
    }

    @Test
    void aFailureAfterTheBlockCountsFromOneAgain() {
        EmbeddedChannel first = connect();
        for (String guess : List.of("a", "b", "c")) {
            login(first, "supersmartwatch", guess);
        }
        t.clock.advance(TestServices.BLOCK);
        EmbeddedChannel ch = connect();
        assertEquals(LoginStatus.INVALID_PASSWORD, login(ch, "supersmartwatch", "d"));
        assertEquals(LoginStatus.INVALID_PASSWORD, login(ch, "supersmartwatch", "e"));
    }

    @Test
    void successResetsTheFailureCount() {
        EmbeddedChannel ch = connect();
        login(ch, "supersmartwatch", "a");
        login(ch, "supersmartwatch", "b");
        assertEquals(LoginStatus.WELCOME, login(ch, "supersmartwatch", "comp9331"));
        EmbeddedChannel next = connect();
        assertEquals(LoginStatus.INVALID_PASSWORD, login(next, "supersmartwatch", "c"));
        assertEquals(LoginStatus.INVALID_PASSWORD, login(next, "supersmartwatch", "d"));
        assertTrue(next.isActive(), "count started again after the success");
    }

    @Test
    void aJoinedDeviceCannotJoinASecondTime() {
        joined("supersmartwatch", "comp9331", 5432);
        EmbeddedChannel second = connect();
        assertEquals(LoginStatus.ALREADY_JOINED, login(second, "supersmartwatch", "comp9331"));
        assertTrue(second.isActive(), "the device may try another name");
        assertEquals(LoginStatus.WELCOME, login(second, "superwristband", "davidpass"));
    }

    @Test
    void twoConnectionsWelcomedAtOnceJoinOnlyOnce() {
        EmbeddedChannel a = connect();
        EmbeddedChannel b = connect();
        assertEquals(LoginStatus.WELCOME, login(a, "supersmartwatch", "comp9331"));
        assertEquals(LoginStatus.WELCOME, login(b, "supersmartwatch", "comp9331"));
        assertInstanceOf(Joined.class, send(a, new RegisterUdp(5432)));

        Object reply = send(b, new RegisterUdp(6000));

        assertEquals(new LoginReply(LoginStatus.ALREADY_JOINED), reply);
        assertNotNull(b.pipeline().get(AuthHandler.class), "the second connection is still authenticating");
        assertEquals(1, t.registry.active().size(), "one entry");
        assertEquals(5432, t.registry.active().get(0).udpPort(), "the first join stands");
    }

    @Test
    void aCommandBeforeLoginIsAnErrorAndClosesTheConnection() {
        EmbeddedChannel ch = connect();
        ErrorReply reply = assertInstanceOf(ErrorReply.class, send(ch, new ListActive()));
        assertEquals(ErrorCode.UNEXPECTED_MESSAGE, reply.code());
        assertFalse(ch.isOpen(), "connection closed");
    }

    @Test
    void registeringAUdpPortBeforeTheWelcomeIsAnError() {
        EmbeddedChannel ch = connect();
        assertEquals(LoginStatus.INVALID_PASSWORD, login(ch, "supersmartwatch", "wrong"));
        ErrorReply reply = assertInstanceOf(ErrorReply.class, send(ch, new RegisterUdp(5432)));
        assertEquals(ErrorCode.UNEXPECTED_MESSAGE, reply.code());
        assertFalse(ch.isOpen(), "connection closed");
        assertFalse(t.registry.isActive(DeviceName.of("supersmartwatch")), "nothing registered");
    }

    @Test
    void anUploadChunkBeforeLoginIsReleased() {
        EmbeddedChannel ch = connect();
        ByteBuf data = Unpooled.copiedBuffer(new byte[] {'1', '\n'});
        ErrorReply reply = assertInstanceOf(ErrorReply.class, send(ch, new UploadChunk(data)));
        assertEquals(ErrorCode.UNEXPECTED_MESSAGE, reply.code());
        assertEquals(0, data.refCnt(), "chunk released");
    }

    @Test
    void aConnectionThatDoesNotJoinInTimeIsClosed() {
        EmbeddedChannel ch = connect();
        assertEquals(LoginStatus.INVALID_PASSWORD, login(ch, "supersmartwatch", "wrong"));
        ch.advanceTimeBy(LOGIN_LIMIT.toMillis() - 1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertTrue(ch.isActive(), "open until the limit");
        assertNull(ch.readOutbound(), "nothing sent yet");

        ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();

        ErrorReply reply = assertInstanceOf(ErrorReply.class, ch.readOutbound());
        assertEquals(ErrorCode.LOGIN_TIMEOUT, reply.code());
        assertFalse(ch.isOpen(), "connection closed");
    }

    @Test
    void aJoinedConnectionIsNotTimedOut() {
        EmbeddedChannel ch = joined("supersmartwatch", "comp9331", 5432);
        ch.advanceTimeBy(LOGIN_LIMIT.toSeconds() * 3, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertTrue(ch.isActive(), "still open");
        assertNull(ch.readOutbound(), "nothing sent");
    }

    @Test
    void aDroppedConnectionAfterJoiningLeavesTheRegistry() {
        EmbeddedChannel ch = joined("supersmartwatch", "comp9331", 5432);
        ch.close();
        ch.runPendingTasks();
        assertFalse(t.registry.isActive(DeviceName.of("supersmartwatch")), "removed");
        assertEquals("", t.read("edge-device-log.txt"), "device log empty again");
    }

    @Test
    void aPasswordTypedAsTheNameIsNeverLoggedOnlyAReferenceToIt() {
        try (LogCapture logs = new LogCapture(AuthHandler.class)) {
            EmbeddedChannel ch = connect();
            assertEquals(LoginStatus.UNKNOWN_DEVICE, login(ch, "comp9331", "supersmartwatch"));
            assertEquals(LoginStatus.UNKNOWN_DEVICE, login(ch, "comp9331", "x"));
            assertEquals(LoginStatus.UNKNOWN_DEVICE, login(ch, "droiD$#$", "x"));

            List<String> lines = logs.lines();
            assertEquals(3, lines.size(), lines.toString());
            for (String line : lines) {
                assertTrue(line.matches("INFO Login failed from embedded: unknown device name \\(ref [0-9a-f]{8}\\)"),
                        line);
                assertFalse(line.contains("comp9331") || line.contains("droiD") || line.contains("supersmartwatch"),
                        line);
            }
            assertEquals(lines.get(0), lines.get(1), "the same text gives the same reference");
            assertNotEquals(lines.get(0), lines.get(2), "another text another one");
        }
    }

    @Test
    void aLoginWithANameThatIsNotValidIsAnUnknownDeviceAndTheNameIsNeverLogged() {
        try (LogCapture logs = new LogCapture(AuthHandler.class)) {
            EmbeddedChannel ch = connect();
            // What the codec makes of a Login whose name is "../../etc/passwd" or a typed password.
            Object reply = send(ch, new InvalidMessage(MessageType.LOGIN, "not a valid device name"));

            assertEquals(new LoginReply(LoginStatus.UNKNOWN_DEVICE), reply, "simply unknown");
            assertNull(ch.readOutbound(), "one reply");
            assertEquals(List.of("INFO Login failed from embedded: unknown device name (not a valid name)"),
                    logs.lines());
            assertTrue(ch.isActive(), "the device may try again, uncounted");
            assertEquals(LoginStatus.WELCOME, login(ch, "supersmartwatch", "comp9331"));
        }
    }

    @Test
    void anInvalidRequestBeforeJoiningIsAProtocolErrorLikeAnyOther() {
        EmbeddedChannel ch = connect();
        ErrorReply reply = assertInstanceOf(ErrorReply.class,
                send(ch, new InvalidMessage(MessageType.COMPUTE, "file ID must not be negative: -1")));
        assertEquals(new ErrorReply(ErrorCode.UNEXPECTED_MESSAGE, "COMPUTE before joining"), reply);
        assertFalse(ch.isOpen(), "closed");
    }

    @Test
    void aFloodOfFailedLoginsFromOneAddressLogsFiveLinesAndOneSummary() {
        try (LogCapture logs = new LogCapture(AuthHandler.class)) {
            EmbeddedChannel ch = connect();
            assertEquals(LoginStatus.INVALID_PASSWORD, login(ch, "supersmartwatch", "wrong"));
            for (int i = 0; i < 10_000; i++) {
                assertEquals(LoginStatus.UNKNOWN_DEVICE, login(ch, "guess" + i, "x"));
            }
            assertEquals(LoginStatus.INVALID_PASSWORD, login(ch, "supersmartwatch", "wrong again"));
            assertEquals(5, logs.lines().size(), "every kind of failure counts: " + logs.lines());

            ticker.advance(LogLimiter.WINDOW.toNanos(), TimeUnit.NANOSECONDS);
            logLimiter.flush();

            assertEquals("INFO Login failed from embedded: 9,997 more like this in the last 10 s",
                    logs.lines().get(5));
            assertEquals(LoginStatus.UNKNOWN_DEVICE, login(ch, "nobody", "x"));
            assertEquals(7, logs.lines().size(), "a new window logs again");
        }
    }

    @Test
    void aJoinOntoAFullDiskIsRefusedClosesAndTheDeviceCanJoinOnceSpaceIsBack() {
        t.close();
        RecordingDisk disk = new RecordingDisk(dir);
        t = new TestServices(dir, KeyedSerialExecutor.direct(), disk);
        disk.fill();
        EmbeddedChannel ch = connect();
        assertEquals(LoginStatus.WELCOME, login(ch, "supersmartwatch", "comp9331"));

        Object reply;
        List<String> warnings;
        try (LogCapture logs = new LogCapture()) {
            reply = send(ch, new RegisterUdp(5432));
            warnings = logs.warnings();
        }

        assertEquals(new ErrorReply(ErrorCode.OUT_OF_SPACE, "the server is out of disk space"), reply);
        assertFalse(ch.isOpen(), "a device that has not joined cannot stay");
        assertEquals(List.of("WARN Cannot record that supersmartwatch joined in edge-device-log.txt: "
                + "the server is out of disk space"), warnings, "one line, no stack trace");
        assertFalse(t.registry.isActive(DeviceName.of("supersmartwatch")), "the join is forgotten");
        assertFalse(Files.exists(dir.resolve("edge-device-log.txt.tmp")), "no temp file left");
        assertEquals("", t.read("edge-device-log.txt"), "the file as it was");

        disk.free();
        joined("supersmartwatch", "comp9331", 5432);
        assertTrue(t.read("edge-device-log.txt").startsWith("1; 30 September 2022 10:31:13; supersmartwatch; "),
                "joined once space is back");
    }
}
