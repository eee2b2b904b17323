package org.edgenet.server.net;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.message.ErrorReply;
import org.edgenet.common.message.ListActive;
import org.edgenet.common.message.Login;
import org.edgenet.common.message.LoginReply;
import org.edgenet.common.message.LoginStatus;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.server.ServerConfig;
import org.edgenet.server.TestServices;
import org.edgenet.server.service.CredentialStore;
import org.edgenet.server.service.LoginGuard;
import org.edgenet.server.service.Secret;
import org.edgenet.server.service.Services;
import org.edgenet.server.service.VerifierBusyException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import static org.edgenet.server.net.ServerInitializer.AUTH;
import static org.edgenet.server.net.ServerInitializer.ERRORS;
import static org.edgenet.server.net.ServerInitializer.READ_GATE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The auth handler with a password check or a guard that does not answer at once: hashes, a full
 * pool, blocks, a guard in the cluster.
 */
class PasswordCheckTest {
    @TempDir
    Path dir;
    private TestServices t;
    private final MockTicker ticker = Ticker.newMockTicker();
    private final LogLimiter logLimiter = new LogLimiter(ticker);
    private final Disconnector disconnector = new Disconnector(logLimiter);
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private ControlledChecks checks;
    private Services services;

    /** The test's credentials: the file's table, with checks the test completes or refuses. */
    private static final class ControlledChecks implements CredentialStore {
        private final CredentialStore table;
        final List<CompletableFuture<Boolean>> pending = new ArrayList<>();
        boolean busy;

        ControlledChecks(CredentialStore table) {
            this.table = table;
        }

        @Override
        public boolean knows(DeviceName device) {
            return table.knows(device);
        }

        @Override
        public Optional<Secret> secret(DeviceName device) {
            return table.secret(device);
        }

        @Override
        public Optional<Secret> decoy() {
            return table.decoy();
        }

        @Override
        public int size() {
            return table.size();
        }

        @Override
        public CompletableFuture<Boolean> verify(DeviceName device, String password) {
            if (busy) {
                throw new VerifierBusyException();
            }
            CompletableFuture<Boolean> f = new CompletableFuture<>();
            pending.add(f);
            return f;
        }
    }

    /** The test's guard: the in-memory one, answering when the test says so, as one in a cluster would. */
    private static class LateGuard implements LoginGuard {
        private final LoginGuard inMemory;
        final List<Runnable> answers = new ArrayList<>();

        LateGuard(LoginGuard inMemory) {
            this.inMemory = inMemory;
        }

        private <T> CompletableFuture<T> later(Supplier<T> answer) {
            CompletableFuture<T> f = new CompletableFuture<>();
            answers.add(() -> f.complete(answer.get()));
            return f;
        }

        /** Answers the oldest question; true if there was one. */
        boolean answer() {
            if (answers.isEmpty()) {
                return false;
            }
            answers.remove(0).run();
            return true;
        }

        @Override
        public CompletableFuture<Optional<Duration>> blockedForLater(DeviceName device) {
            return later(() -> inMemory.blockedFor(device));
        }

        @Override
        public CompletableFuture<Failure> recordFailureLater(DeviceName device) {
            return later(() -> inMemory.recordFailure(device));
        }

        @Override
        public CompletableFuture<Boolean> recordSuccessLater(DeviceName device) {
            return later(() -> inMemory.recordSuccess(device));
        }

        @Override
        public Optional<Duration> blockedFor(DeviceName device) {
            throw new AssertionError("the event loop asked the guard and waited");
        }

        @Override
        public Failure recordFailure(DeviceName device) {
            throw new AssertionError("the event loop asked the guard and waited");
        }

        @Override
        public boolean recordSuccess(DeviceName device) {
            throw new AssertionError("the event loop asked the guard and waited");
        }

        @Override
        public int attempts() {
            return inMemory.attempts();
        }

        @Override
        public Duration blockDuration() {
            return inMemory.blockDuration();
        }
    }

    @BeforeEach
    void setUp() {
        t = new TestServices(dir);
        checks = new ControlledChecks(t.services.credentials());
        services = new Services(checks, t.services.guard(), t.services.registry(), t.services.data(),
                t.services.messages(), t.services.tracing());
    }

    @AfterEach
    void tearDown() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
        t.close();
    }

    private EmbeddedChannel connect() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ReadGate gate = new ReadGate(ServerConfig.DEFAULT_REPLY_TIMEOUT, Duration.ofSeconds(30), Duration.ZERO,
                Duration.ZERO, disconnector, null);
        ch.pipeline().addLast(READ_GATE, gate)
                .addLast(AUTH, new AuthHandler(services, CommandHandler.factory(services), gate, logLimiter,
                        disconnector))
                .addLast(ERRORS, new ErrorHandler(disconnector));
        channels.add(ch);
        return ch;
    }

    private static Login login(String device, String password) {
        return new Login(DeviceName.of(device), password);
    }

    @Test
    void readingStopsWhileAPasswordIsCheckedAndTheVerdictComesBackOnTheEventLoop() {
        EmbeddedChannel ch = connect();
        ch.writeInbound(login("supersmartwatch", "comp9331"));
        ch.runPendingTasks();

        assertNull(ch.readOutbound(), "no reply before the check ends");
        assertFalse(ch.config().isAutoRead(), "nothing more is read while the password is checked");
        ch.writeInbound(new ListActive());
        ch.runPendingTasks();
        assertNull(ch.readOutbound(), "a request behind the login waits");

        checks.pending.get(0).complete(true);
        ch.runPendingTasks();

        assertEquals(new LoginReply(LoginStatus.WELCOME), ch.readOutbound());
        // Only then is the request behind it read: before RegisterUdp, it breaks the protocol.
        ErrorReply after = assertInstanceOf(ErrorReply.class, ch.readOutbound(), "the held request comes after");
        assertEquals(ErrorCode.UNEXPECTED_MESSAGE, after.code());
    }

    @Test
    void aWrongHashedPasswordCountsAsAFailedAttempt() {
        EmbeddedChannel ch = connect();
        ch.writeInbound(login("supersmartwatch", "guess"));
        ch.runPendingTasks();
        checks.pending.get(0).complete(false);
        ch.runPendingTasks();

        assertEquals(new LoginReply(LoginStatus.INVALID_PASSWORD), ch.readOutbound());
        assertTrue(ch.config().isAutoRead(), "reading resumes after the verdict");
        assertEquals(2, services.guard().recordFailure(DeviceName.of("supersmartwatch")).failures(),
                "the wrong password was counted, so one more failure is the second");
    }

    @Test
    void anUnknownNameIsCheckedLikeAKnownOneAndThenCalledUnknown() {
        EmbeddedChannel ch = connect();
        ch.writeInbound(login("nobody-here", "guess"));
        ch.runPendingTasks();

        assertEquals(1, checks.pending.size(), "the unknown name goes through a check too");
        assertNull(ch.readOutbound(), "no quicker answer for an unknown name");
        checks.pending.get(0).complete(false);
        ch.runPendingTasks();

        assertEquals(new LoginReply(LoginStatus.UNKNOWN_DEVICE), ch.readOutbound());
    }

    @Test
    void aBlockedNameIsRefusedBeforeAnyHashing() {
        DeviceName device = DeviceName.of("supersmartwatch");
        for (int i = 0; i < TestServices.ATTEMPTS; i++) {
            services.guard().recordFailure(device);
        }
        EmbeddedChannel ch = connect();
        ch.writeInbound(login("supersmartwatch", "comp9331"));
        ch.runPendingTasks();

        assertEquals(new LoginReply(LoginStatus.BLOCKED), ch.readOutbound());
        assertTrue(checks.pending.isEmpty(), "no password check was started");
    }

    @Test
    void aFullPoolRefusesTheLoginWithAClearMessageAndKeepsTheConnection() {
        checks.busy = true;
        EmbeddedChannel ch = connect();
        ch.writeInbound(login("supersmartwatch", "comp9331"));
        ch.runPendingTasks();

        ErrorReply reply = assertInstanceOf(ErrorReply.class, ch.readOutbound());
        assertEquals(ErrorCode.LOGIN_BUSY, reply.code());
        assertEquals("The server is busy checking other logins. Please try again in a moment", reply.message());
        assertTrue(ch.isActive(), "the device may try again on the same connection");
        assertTrue(ch.config().isAutoRead(), "reading goes on");
        assertFalse(services.guard().blockedFor(DeviceName.of("supersmartwatch")).isPresent(), "not counted");

        checks.busy = false;
        ch.writeInbound(login("supersmartwatch", "comp9331"));
        ch.runPendingTasks();
        checks.pending.get(0).complete(true);
        ch.runPendingTasks();
        assertEquals(new LoginReply(LoginStatus.WELCOME), ch.readOutbound());
    }

    private EmbeddedChannel connectWithLateGuard(LateGuard guard) {
        services = new Services(checks, guard, t.services.registry(), t.services.data(), t.services.messages(),
                t.services.tracing());
        return connect();
    }

    @Test
    void aGuardThatAnswersLaterIsWaitedForWithoutTheEventLoopWaitingAndWithReadingHeld() {
        LateGuard guard = new LateGuard(t.services.guard());
        EmbeddedChannel ch = connectWithLateGuard(guard);
        ch.writeInbound(login("supersmartwatch", "comp9331"));
        ch.writeInbound(new ListActive());
        ch.runPendingTasks();
        assertTrue(checks.pending.isEmpty(), "no password is checked before the guard says the name is not blocked");

        assertTrue(guard.answer(), "the guard was asked whether the name is blocked");
        ch.runPendingTasks();
        checks.pending.get(0).complete(true);
        ch.runPendingTasks();
        assertNull(ch.readOutbound(), "no welcome before the guard has recorded the success");
        assertFalse(ch.config().isAutoRead(), "nothing more is read while the guard is asked");

        assertTrue(guard.answer(), "the guard was told of the right password");
        ch.runPendingTasks();
        assertEquals(new LoginReply(LoginStatus.WELCOME), ch.readOutbound());
        assertInstanceOf(ErrorReply.class, ch.readOutbound(), "the request behind the login is read only now");
    }

    @Test
    void aGuardThatAnswersLaterStillBlocksOnTheLastAllowedFailure() {
        LateGuard guard = new LateGuard(t.services.guard());
        EmbeddedChannel ch = connectWithLateGuard(guard);
        List<Object> replies = new ArrayList<>();
        for (int i = 0; i < TestServices.ATTEMPTS; i++) {
            ch.writeInbound(login("supersmartwatch", "guess"));
            ch.runPendingTasks();
            guard.answer();
            ch.runPendingTasks();
            checks.pending.get(i).complete(false);
            ch.runPendingTasks();
            guard.answer();
            ch.runPendingTasks();
            replies.add(ch.readOutbound());
        }

        assertEquals(new LoginReply(LoginStatus.INVALID_PASSWORD), replies.get(0));
        assertEquals(new LoginReply(LoginStatus.BLOCKED_NOW), replies.get(TestServices.ATTEMPTS - 1));
        assertTrue(t.services.guard().blockedFor(DeviceName.of("supersmartwatch")).isPresent(), "the name is blocked");
    }

    @Test
    void aGuardThatCannotAnswerIsAnInternalErrorAfterWhichTheDeviceMayTryAgain() {
        LateGuard guard = new LateGuard(t.services.guard()) {
            @Override
            public CompletableFuture<Optional<Duration>> blockedForLater(DeviceName device) {
                return CompletableFuture.failedFuture(new IllegalStateException("no cluster member answers"));
            }
        };
        EmbeddedChannel ch = connectWithLateGuard(guard);
        ch.writeInbound(login("supersmartwatch", "comp9331"));
        ch.runPendingTasks();

        ErrorReply reply = assertInstanceOf(ErrorReply.class, ch.readOutbound(), "the device is told");
        assertEquals(ErrorCode.INTERNAL, reply.code());
        assertTrue(checks.pending.isEmpty(), "no password was checked");
        assertTrue(ch.isActive(), "the device may try again on the same connection");
        assertTrue(ch.config().isAutoRead(), "reading goes on");
    }

    @Test
    void aCheckThatEndsAfterTheDeviceLeftStillCountsTheFailure() {
        EmbeddedChannel ch = connect();
        ch.writeInbound(login("supersmartwatch", "guess"));
        ch.runPendingTasks();
        ch.close();
        checks.pending.get(0).complete(false);
        ch.runPendingTasks();

        assertEquals(2, services.guard().recordFailure(DeviceName.of("supersmartwatch")).failures(),
                "closing the connection does not save a guess from being counted");
    }
}
