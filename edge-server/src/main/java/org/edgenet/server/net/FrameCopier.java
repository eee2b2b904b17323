package org.edgenet.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Gives each frame its own buffer. The frame decoder hands out slices of its cumulation buffer,
 * and while any slice is alive (a frame waiting in the flow-control queue, an upload chunk being
 * written) the decoder can neither compact nor release that buffer; during a long upload it would
 * grow to the size of the whole file. One copy per frame keeps the server's memory per connection
 * bounded by a few frames.
 */
@ChannelHandler.Sharable
public final class FrameCopier extends ChannelInboundHandlerAdapter {
    public static final FrameCopier INSTANCE = new FrameCopier();

    private FrameCopier() {
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ByteBuf copy;
        try {
            copy = ctx.alloc().buffer(frame.readableBytes());
            copy.writeBytes(frame);
        } finally {
            frame.release();
        }
        ctx.fireChannelRead(copy);
    }
}
