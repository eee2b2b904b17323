package org.edgenet.server.net;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of a connection whose input no longer matters (one refused by a limit, a
 * dashboard feed): whatever arrives is released, any failure closes the connection.
 */
@ChannelHandler.Sharable
public final class DiscardInbound extends ChannelInboundHandlerAdapter {
    public static final DiscardInbound INSTANCE = new DiscardInbound();

    private DiscardInbound() {
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
