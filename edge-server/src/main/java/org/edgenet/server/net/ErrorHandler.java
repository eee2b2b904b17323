package org.edgenet.server.net;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The last handler: every failure that reaches the end of the pipeline (a bad frame, a handler's
 * {@link org.edgenet.common.wire.ProtocolException}, a timer's verdict, a broken socket) goes to
 * the server's {@link Disconnector}, which decides what the device hears and whether the
 * connection closes. Holds nothing of its own, so one serves every connection.
 */
@ChannelHandler.Sharable
public final class ErrorHandler extends ChannelInboundHandlerAdapter {
    private final Disconnector disconnector;

    public ErrorHandler(Disconnector disconnector) {
        this.disconnector = disconnector;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        disconnector.failed(ctx, cause);
    }
}
