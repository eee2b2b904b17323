package org.edgenet.server.net;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import org.edgenet.common.message.ErrorReply;
import org.edgenet.common.wire.ProtocolException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.CompletionException;

/**
 * The last handler and the one place that decides what happens to a connection after an error.
 * A protocol violation is answered with an {@link ErrorReply} and the connection closes once the
 * reply is written; a refused request is answered and the session goes on; a connection the peer
 * broke is closed quietly; anything else is a bug, logged once, and the connection closes.
 */
@ChannelHandler.Sharable
public final class ErrorHandler extends ChannelInboundHandlerAdapter {
    public static final ErrorHandler INSTANCE = new ErrorHandler();

    private static final Logger log = LoggerFactory.getLogger(ErrorHandler.class);

    private ErrorHandler() {
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
            ErrorReply reply = ErrorReply.of(p);
            if (p.code().fatal()) {
                log.warn("Closing {} : {}", Peers.describe(ctx.channel()), reply.message());
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
