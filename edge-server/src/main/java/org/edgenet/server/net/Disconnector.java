package org.edgenet.server.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import io.netty.util.AttributeKey;
import org.edgenet.common.message.ErrorReply;
import org.edgenet.common.message.Message;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.io.IOException;
import java.util.concurrent.CompletionException;

/**
 * The one place that decides what a device hears when something goes wrong on its connection, and
 * whether the connection then closes (after HiveMQ's disconnector). The {@link ErrorHandler} at
 * the end of the pipeline, the auth handler and the command handler hand it what happened; none of
 * them writes an {@link ErrorReply} or closes a connection itself.
 *
 * <pre>
 *   protocol violation (a fatal code)     ErrorReply, close once written; one WARN per address, limited
 *   refused request (any other code)      ErrorReply, the session goes on; INFO "Return message: ..."
 *     (or the caller's own INFO line)
 *   the peer broke the connection         close at once, nothing said (DEBUG)
 *   anything else, which is a bug         close, nothing said to the peer; ERROR with the stack trace
 *   a request the services failed         its refusal, or INTERNAL after an ERROR line; goes on
 *   a refused join                        ErrorReply, close once written
 *   the last message (Left, a blocked     the message, close once written
 *     login)
 * </pre>
 *
 * <p>A connection gets one closing verdict. From then on nothing more is written or logged for
 * it: not for frames decoded before the verdict, nor for a timer that fires or a request that
 * completes after it. The verdict is kept on the channel, so one disconnector serves every
 * connection of a server. Closing goes through the write's listener; the {@link ReadGate} sees the
 * last reply go out, stops reading, and closes the connection anyway if the peer never takes it.
 */
public final class Disconnector {
    private static final Logger log = LoggerFactory.getLogger(Disconnector.class);
    static final LogLimiter.Kind PROTOCOL_VIOLATION = new LogLimiter.Kind("Protocol violation", log, Level.WARN);
    static final LogLimiter.Kind NO_LOGIN = new LogLimiter.Kind("Login timeout", log, Level.WARN);
    /** A silent device is no misbehaving peer: it is gone, or its network is. */
    static final LogLimiter.Kind IDLE = new LogLimiter.Kind("Idle time-out", log, Level.INFO);
    /** Present once the connection has had its closing verdict. */
    private static final AttributeKey<Boolean> CLOSING = AttributeKey.valueOf(Disconnector.class, "closing");
    private static final String INTERNAL = "the server could not complete the request";

    private final LogLimiter logLimiter;

    /** @param logLimiter limits the warnings per address, across the server's connections */
    public Disconnector(LogLimiter logLimiter) {
        this.logLimiter = logLimiter;
    }

    /** The failure itself, without the wrappers of decoders and futures. */
    static Throwable causeOf(Throwable t) {
        while ((t instanceof DecoderException || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Anything that went wrong on the connection, a refused request included. */
    public void failed(ChannelHandlerContext ctx, Throwable failure) {
        Throwable t = causeOf(failure);
        if (t instanceof IOException) {
            // The peer is gone: nothing can reach it, whatever was decided before.
            if (!closing(ctx)) {
                ctx.channel().attr(CLOSING).set(Boolean.TRUE);
                log.debug("Connection {} failed: {}", RemoteAddressFormat.ipAndPort(ctx.channel()), t.toString());
            }
            ctx.close();
        } else if (!closing(ctx)) {
            judge(ctx, t);
        }
    }

    private void judge(ChannelHandlerContext ctx, Throwable t) {
        if (t instanceof ProtocolException p && !p.code().fatal()) {
            refuse(ctx, p);
        } else if (t instanceof ProtocolException p) {
            LogLimiter.Kind kind = p.code() == ErrorCode.LOGIN_TIMEOUT ? NO_LOGIN
                    : p.code() == ErrorCode.IDLE_TIMEOUT ? IDLE : PROTOCOL_VIOLATION;
            ErrorReply reply = ErrorReply.of(p);
            if (logLimiter.admit(kind, RemoteAddressFormat.ip(ctx.channel()))) {
                log.atLevel(kind.level()).log("Closing {} : {}", RemoteAddressFormat.ipAndPort(ctx.channel()),
                        reply.message());
            }
            closeAfter(ctx, reply);
        } else {
            ctx.channel().attr(CLOSING).set(Boolean.TRUE);
            log.error("Unexpected failure on {}", RemoteAddressFormat.ipAndPort(ctx.channel()), t);
            ctx.close();
        }
    }

    /**
     * A request the services could not complete: their refusal goes back and the session goes on;
     * any other failure is logged as {@code <what> failed} and the device is told only
     * {@link ErrorCode#INTERNAL}. Nothing happens once the connection is closing or closed.
     *
     * @param what the request, for the log, e.g. {@code SCS on file 3 for supersmartwatch}
     */
    public void requestFailed(ChannelHandlerContext ctx, String what, Throwable failure) {
        if (closing(ctx) || !ctx.channel().isActive()) {
            return;
        }
        Throwable t = causeOf(failure);
        if (t instanceof ProtocolException p && !p.code().fatal()) {
            refuse(ctx, p);
        } else {
            log.error("{} failed", what, t);
            refuse(ctx, new ProtocolException(ErrorCode.INTERNAL, INTERNAL));
        }
    }

    /**
     * A request refused for a reason the caller has logged in its own words (one that must not
     * repeat what the device typed, say): the refusal goes back and the session goes on. Nothing
     * happens once the connection is closing or closed.
     */
    public void requestRefused(ChannelHandlerContext ctx, ProtocolException refusal) {
        if (closing(ctx) || !ctx.channel().isActive()) {
            return;
        }
        if (refusal.code().fatal()) {
            throw new IllegalArgumentException("not a refusal: " + refusal.code());
        }
        ctx.writeAndFlush(ErrorReply.of(refusal));
    }

    /**
     * A refusal after which the connection may not go on although its code would let a session go
     * on, such as a join the registry could not record: only a joined device may go past its
     * password. The caller has logged why.
     */
    public void refuseAndClose(ChannelHandlerContext ctx, ProtocolException refusal) {
        closeAfter(ctx, ErrorReply.of(refusal));
    }

    /** Sends the connection's last message and closes it once written; the caller has logged why. */
    public void closeAfter(ChannelHandlerContext ctx, Message last) {
        if (closing(ctx)) {
            return;
        }
        ctx.channel().attr(CLOSING).set(Boolean.TRUE);
        // Frames already decoded must not be served after the verdict.
        ctx.channel().config().setAutoRead(false);
        ctx.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
    }

    /** True once the connection has had its closing verdict, for the {@link ReadGate}. */
    static boolean isClosing(Channel channel) {
        return channel.hasAttr(CLOSING);
    }

    private static boolean closing(ChannelHandlerContext ctx) {
        return isClosing(ctx.channel());
    }

    private static void refuse(ChannelHandlerContext ctx, ProtocolException refusal) {
        ErrorReply reply = ErrorReply.of(refusal);
        log.info("Return message: {}", reply.message());
        ctx.writeAndFlush(reply);
    }
}
