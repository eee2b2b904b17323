package org.edgenet.server.net;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.util.AttributeKey;
import org.edgenet.common.message.ErrorReply;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.io.IOException;
import java.util.concurrent.CompletionException;

/**
 * The last handler and the one place that decides what happens to a connection after an error.
 * A protocol violation is answered with an {@link ErrorReply} and the connection closes once the
 * reply is written; a refused request is answered and the session goes on; a connection the peer
 * broke is closed quietly; anything else is a bug, logged once, and the connection closes.
 *
 * <p>A connection gets one verdict: protocol errors after the first fatal one (frames decoded
 * before it, say) are neither answered nor logged. Warnings are limited per address by the
 * server's {@link LogLimiter}; the handler holds nothing else, so one serves every connection.
 */
@ChannelHandler.Sharable
public final class ErrorHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ErrorHandler.class);
    static final LogLimiter.Kind PROTOCOL_VIOLATION = new LogLimiter.Kind("Protocol violation", log, Level.WARN);
    static final LogLimiter.Kind NO_LOGIN = new LogLimiter.Kind("Login timeout", log, Level.WARN);
    /** Present once the connection has been told it is closed for a protocol violation. */
    private static final AttributeKey<Boolean> CONDEMNED = AttributeKey.valueOf(ErrorHandler.class, "condemned");

    private final LogLimiter logLimiter;

    public ErrorHandler(LogLimiter logLimiter) {
        this.logLimiter = logLimiter;
    }

    /** The failure itself, without the wrappers of decoders and futures. */
    static Throwable causeOf(Throwable t) {
        while ((t instanceof DecoderException || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable t = causeOf(cause);
        if (t instanceof ProtocolException p) {
            if (ctx.channel().hasAttr(CONDEMNED)) {
                log.debug("After closing {}: {}", Peers.describe(ctx.channel()), p.getMessage());
                return;
            }
            ErrorReply reply = ErrorReply.of(p);
            if (p.code().fatal()) {
                ctx.channel().attr(CONDEMNED).set(Boolean.TRUE);
                LogLimiter.Kind kind = p.code() == ErrorCode.LOGIN_TIMEOUT ? NO_LOGIN : PROTOCOL_VIOLATION;
                if (logLimiter.admit(kind, Peers.ip(ctx.channel()))) {
                    log.warn("Closing {} : {}", Peers.describe(ctx.channel()), reply.message());
                }
                // Frames already decoded must not be served after the verdict.
                ctx.channel().config().setAutoRead(false);
                ctx.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
            } else {
                log.info("Return message: {}", reply.message());
                ctx.writeAndFlush(reply);
            }
        } else if (t instanceof IOException) {
            log.debug("Connection {} failed: {}", Peers.describe(ctx.channel()), t.toString());
            ctx.close();
        } else {
            log.error("Unexpected failure on {}", Peers.describe(ctx.channel()), t);
            ctx.close();
        }
    }
}
