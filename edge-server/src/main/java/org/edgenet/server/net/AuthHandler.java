package org.edgenet.server.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.message.InvalidMessage;
import org.edgenet.common.message.Joined;
import org.edgenet.common.message.Login;
import org.edgenet.common.message.LoginReply;
import org.edgenet.common.message.LoginStatus;
import org.edgenet.common.message.MessageType;
import org.edgenet.common.message.RegisterUdp;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;
import org.edgenet.server.service.ActiveDevice;
import org.edgenet.server.service.AlreadyJoinedException;
import org.edgenet.server.service.LoginGuard;
import org.edgenet.server.service.Services;
import org.edgenet.server.service.VerifierBusyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Admits a device: {@code Login} until the password is right, then {@code RegisterUdp}, which adds
 * the device to the registry. On success this handler replaces itself with the command handler, in
 * one step (the {@link ReadGate} sees the {@code Joined} reply and stops the login time-out);
 * anything else before that is a protocol violation.
 *
 * <pre>
 *   Login ──wrong/unknown/already joined──▶ LoginReply(…)      (try again)
 *   Login ──blocked──▶ LoginReply(BLOCKED | BLOCKED_NOW)        (close)
 *   Login ──right──▶ LoginReply(WELCOME) ─ RegisterUdp ─▶ Joined  (command mode)
 *   Login ──every password check busy──▶ ERROR LOGIN_BUSY       (try again; not counted)
 * </pre>
 *
 * <p>A blocked name is refused before its password is looked at. A hashed password, and an unknown
 * name when the file holds hashes, is checked off the event loop with reading held by the
 * {@link ReadGate}; a plain one is compared at once. So is the guard's answer in cluster mode,
 * where it comes over the network.
 */
public final class AuthHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(AuthHandler.class);
    /** Every refused login, whatever the reason, counts towards one limit per address. */
    static final LogLimiter.Kind LOGIN_FAILED = new LogLimiter.Kind("Login failed", log, Level.INFO);

    /** What a device hears when every password check is busy. */
    static final String BUSY = "The server is busy checking other logins. Please try again in a moment";

    private static final Verdict WAS_BLOCKED = new Verdict(Outcome.BLOCKED, null);
    private static final CompletableFuture<Optional<Duration>> NOT_BLOCKED =
            CompletableFuture.completedFuture(Optional.empty());
    private static final CompletableFuture<Verdict> BLOCKED = CompletableFuture.completedFuture(WAS_BLOCKED);
    private static final CompletableFuture<Verdict> UNKNOWN = CompletableFuture.completedFuture(
            new Verdict(Outcome.UNKNOWN, null));

    private final Services services;
    private final CommandHandlerFactory commands;
    private final ReadGate gate;
    private final LogLimiter logLimiter;
    private final Disconnector disconnector;
    /** The device whose password was accepted and whose UDP port is awaited; null before that. */
    private DeviceName welcomed;
    /** True while a join is being recorded or a password checked; no message is read meanwhile. */
    private boolean joining;

    public AuthHandler(Services services, CommandHandlerFactory commands, ReadGate gate, LogLimiter logLimiter,
                       Disconnector disconnector) {
        this.services = services;
        this.commands = commands;
        this.gate = gate;
        this.logLimiter = logLimiter;
        this.disconnector = disconnector;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (joining) {
                throw new ProtocolException(ErrorCode.UNEXPECTED_MESSAGE, "message while joining");
            }
            if (msg instanceof Login login) {
                login(ctx, login);
            } else if (msg instanceof InvalidMessage invalid && invalid.type() == MessageType.LOGIN) {
                // A name that is not valid is in no credentials file: simply unknown, never shown.
                welcomed = null;
                unknownDevice(ctx, "not a valid name");
            } else if (msg instanceof RegisterUdp udp && welcomed != null) {
                join(ctx, welcomed, udp.udpPort());
            } else {
                throw new UnexpectedMessageException(msg, "before joining");
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void login(ChannelHandlerContext ctx, Login login) {
        welcomed = null;
        DeviceName device = login.device();
        boolean known = services.credentials().knows(device);
        LoginGuard guard = services.guard();
        // Before any hashing: a blocked name costs the server nothing. In cluster mode the guard
        // answers over the network, so each step waits without the event loop waiting.
        CompletableFuture<Verdict> verdict = (known ? guard.blockedForLater(device) : NOT_BLOCKED)
                .thenCompose(blocked -> blocked.isPresent() ? BLOCKED
                        : services.credentials().verify(device, login.password())
                                .thenCompose(matched -> recorded(guard, device, known, matched)));
        joining = true;
        gate.whileRunning(ctx, verdict, (v, error) -> {
            joining = false;
            if (error instanceof VerifierBusyException) {
                busy(ctx);
            } else if (error != null) {
                // The guard or the check failed (a cluster without an answer): told, and may try again.
                disconnector.requestFailed(ctx, "Login of " + device, error);
            } else {
                decided(ctx, device, v);
            }
        });
    }

    /** What a login comes to; {@code failure} only for a wrong password. */
    private record Verdict(Outcome outcome, LoginGuard.Failure failure) {
    }

    private enum Outcome { BLOCKED, UNKNOWN, WRONG, RIGHT }

    /** Tells the guard how the password check went, once it is known to be a known device's. */
    private static CompletableFuture<Verdict> recorded(LoginGuard guard, DeviceName device, boolean known,
                                                       boolean matched) {
        if (!known) {
            return UNKNOWN;
        }
        if (!matched) {
            return guard.recordFailureLater(device).thenApply(f -> new Verdict(Outcome.WRONG, f));
        }
        // False when another connection blocked the name since it was asked.
        return guard.recordSuccessLater(device).thenApply(ok -> ok ? new Verdict(Outcome.RIGHT, null)
                : WAS_BLOCKED);
    }

    private void busy(ChannelHandlerContext ctx) {
        String ip = RemoteAddressFormat.ip(ctx.channel());
        if (logLimiter.admit(LOGIN_FAILED, ip)) {
            log.info("Login refused from {}: every password check is busy", ip);
        }
        services.metrics().loginBusy();
        disconnector.requestRefused(ctx, new ProtocolException(ErrorCode.LOGIN_BUSY, BUSY));
    }

    /** Answers a login once the guard and the password have spoken; on the event loop. */
    private void decided(ChannelHandlerContext ctx, DeviceName device, Verdict verdict) {
        String ip = RemoteAddressFormat.ip(ctx.channel());
        LoginGuard guard = services.guard();
        switch (verdict.outcome()) {
            case UNKNOWN -> unknownDevice(ctx, "ref " + LogRef.of(device.value()));
            case BLOCKED -> {
                if (logLimiter.admit(LOGIN_FAILED, ip)) {
                    log.info("Blocked device {} tried to join from {}", device, ip);
                }
                reply(ctx, LoginStatus.BLOCKED);
            }
            case WRONG -> {
                LoginGuard.Failure f = verdict.failure();
                boolean logged = logLimiter.admit(LOGIN_FAILED, ip);
                if (f.alreadyBlocked()) {
                    if (logged) {
                        log.info("Blocked device {} tried to join from {}", device, ip);
                    }
                    reply(ctx, LoginStatus.BLOCKED);
                } else if (f.blockedNow()) {
                    if (logged) {
                        log.info("Login failed for {} from {}: invalid password ({} of {})", device, ip,
                                f.failures(), guard.attempts());
                        log.info("{} is blocked for {} s after {} failed attempts", device,
                                guard.blockDuration().toSeconds(), f.failures());
                    }
                    reply(ctx, LoginStatus.BLOCKED_NOW);
                } else {
                    if (logged) {
                        log.info("Login failed for {} from {}: invalid password ({} of {})", device, ip,
                                f.failures(), guard.attempts());
                    }
                    reply(ctx, LoginStatus.INVALID_PASSWORD);
                }
            }
            case RIGHT -> {
                // Checked here for a prompt answer; the join itself checks again, atomically.
                if (services.registry().isActive(device)) {
                    if (logLimiter.admit(LOGIN_FAILED, ip)) {
                        log.info("Login refused for {} from {}: already joined", device, ip);
                    }
                    reply(ctx, LoginStatus.ALREADY_JOINED);
                    return;
                }
                welcomed = device;
                reply(ctx, LoginStatus.WELCOME);
            }
        }
    }

    /** Never the name itself: an unknown name is often a password typed in the wrong field. */
    private void unknownDevice(ChannelHandlerContext ctx, String reference) {
        String ip = RemoteAddressFormat.ip(ctx.channel());
        if (logLimiter.admit(LOGIN_FAILED, ip)) {
            log.info("Login failed from {}: unknown device name ({})", ip, reference);
        }
        reply(ctx, LoginStatus.UNKNOWN_DEVICE);
    }

    private void reply(ChannelHandlerContext ctx, LoginStatus status) {
        services.metrics().login(status);
        if (status.closesConnection()) {
            disconnector.closeAfter(ctx, new LoginReply(status));
        } else {
            ctx.writeAndFlush(new LoginReply(status));
        }
    }

    private void join(ChannelHandlerContext ctx, DeviceName device, int udpPort) {
        String ip = RemoteAddressFormat.ip(ctx.channel());
        joining = true;
        gate.hold(ReadGate.Reason.REQUEST_RUNNING);
        services.registry().join(device, ip, udpPort).whenCompleteAsync((entry, error) -> {
            assert ctx.executor().inEventLoop();
            joining = false;
            welcomed = null;
            if (error != null) {
                joinFailed(ctx, device, Disconnector.causeOf(error));
            } else if (!ctx.channel().isActive()) {
                // The device went away while its join was recorded: it leaves as if it had said OUT.
                services.registry().leave(entry);
            } else {
                joined(ctx, entry);
            }
        }, ctx.executor());
    }

    private void joined(ChannelHandlerContext ctx, ActiveDevice entry) {
        log.info("{} joined from {} (udp {})", entry.name(), entry.ip(), entry.udpPort());
        services.metrics().joined();
        ctx.writeAndFlush(new Joined(entry.name(), entry.since()));
        ctx.pipeline().replace(this, ServerInitializer.COMMAND,
                commands.forSession(new Session(entry), gate, disconnector));
        // Requests that arrived behind the join go to the command handler.
        gate.release(ReadGate.Reason.REQUEST_RUNNING);
    }

    private void joinFailed(ChannelHandlerContext ctx, DeviceName device, Throwable error) {
        if (error instanceof AlreadyJoinedException) {
            String ip = RemoteAddressFormat.ip(ctx.channel());
            if (logLimiter.admit(LOGIN_FAILED, ip)) {
                log.info("Login refused for {} from {}: already joined", device, ip);
            }
            reply(ctx, LoginStatus.ALREADY_JOINED);
            gate.release(ReadGate.Reason.REQUEST_RUNNING);
        } else if (error instanceof ProtocolException p) {
            // The registry has forgotten the join and logged why; reading stays off until it closes.
            disconnector.refuseAndClose(ctx, p);
        } else {
            disconnector.failed(ctx, error);
        }
    }
}
