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

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

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
 * {@link ReadGate}; a plain one is compared at once.
 */
public final class AuthHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(AuthHandler.class);
    /** Every refused login, whatever the reason, counts towards one limit per address. */
    static final LogLimiter.Kind LOGIN_FAILED = new LogLimiter.Kind("Login failed", log, Level.INFO);

    /** What a device hears when every password check is busy. */
    static final String BUSY = "The server is busy checking other logins. Please try again in a moment";

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
        String ip = RemoteAddressFormat.ip(ctx.channel());
        boolean known = services.credentials().knows(device);
        // Before any hashing: a blocked name costs the server nothing.
        if (known && services.guard().blockedFor(device).isPresent()) {
            if (logLimiter.admit(LOGIN_FAILED, ip)) {
                log.info("Blocked device {} tried to join from {}", device, ip);
            }
            reply(ctx, LoginStatus.BLOCKED);
            return;
        }
        CompletableFuture<Boolean> check;
        try {
            check = services.credentials().verify(device, login.password());
        } catch (VerifierBusyException e) {
            if (logLimiter.admit(LOGIN_FAILED, ip)) {
                log.info("Login refused from {}: every password check is busy", ip);
            }
            services.metrics().loginBusy();
            disconnector.requestRefused(ctx, new ProtocolException(ErrorCode.LOGIN_BUSY, BUSY));
            return;
        }
        if (check.isDone()) {
            checked(ctx, device, known, check.join());
            return;
        }
        joining = true;
        gate.whileRunning(ctx, check, (matched, error) -> {
            joining = false;
            if (error != null) {
                throw new CompletionException(error);
            }
            checked(ctx, device, known, matched);
        });
    }

    /** Goes on once the password of {@code device} has been checked; on the event loop. */
    private void checked(ChannelHandlerContext ctx, DeviceName device, boolean known, boolean matched) {
        String ip = RemoteAddressFormat.ip(ctx.channel());
        LoginGuard guard = services.guard();
        if (!known) {
            unknownDevice(ctx, "ref " + LogRef.of(device.value()));
            return;
        }
        if (!matched) {
            LoginGuard.Failure f = guard.recordFailure(device);
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
            return;
        }
        if (!guard.recordSuccess(device)) {
            if (logLimiter.admit(LOGIN_FAILED, ip)) {
                log.info("Blocked device {} tried to join from {}", device, ip);
            }
            reply(ctx, LoginStatus.BLOCKED);
            return;
        }
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
