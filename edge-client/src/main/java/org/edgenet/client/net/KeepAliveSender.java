package org.edgenet.client.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import org.edgenet.common.message.KeepAlive;

/**
 * Sends a {@link KeepAlive} when the device has written nothing for a while, typically because it
 * waits at its prompt, so that the server's idle time-out (300 s by default) cuts only devices that
 * are gone. Nothing is sent while earlier writes wait for the server to read them: those already
 * show the device is there, and keep-alives must not pile up behind them.
 */
final class KeepAliveSender extends ChannelInboundHandlerAdapter {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            if (ctx.channel().isWritable()) {
                ctx.writeAndFlush(new KeepAlive());
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }
}
