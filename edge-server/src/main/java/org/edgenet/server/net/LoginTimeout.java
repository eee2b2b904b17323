package org.edgenet.server.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.edgenet.common.wire.ChannelTimer;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;

import java.time.Duration;

/**
 * Closes a connection that has not joined in time, so idle sockets cannot pile up. The auth
 * handler removes this handler on a successful join, which cancels the timer.
 */
public final class LoginTimeout extends ChannelInboundHandlerAdapter {
    private final Duration timeout;
    private final ChannelTimer timer = new ChannelTimer();

    public LoginTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    // The timer starts when the connection is live: either the handler joins a live pipeline, or
    // the pipeline is built first and the channel becomes active afterwards.
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            arm(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        arm(ctx);
        super.channelActive(ctx);
    }

    private void arm(ChannelHandlerContext ctx) {
        if (timer.pending()) {
            return;
        }
        timer.schedule(ctx, () -> {
            if (ctx.channel().isActive()) {
                ctx.fireExceptionCaught(new ProtocolException(ErrorCode.LOGIN_TIMEOUT,
                        "no login within " + describe(timeout)));
            }
        }, timeout.toNanos());
    }

    /** {@code 30 s}, or {@code 200 ms} when not a whole number of seconds: for messages to the peer. */
    static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        timer.cancel();
    }
}
