package org.edgenet.server.net;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import org.edgenet.common.message.Joined;

/**
 * Holds a connection's place among the pending logins of its address until the device joins: it
 * sees the {@link Joined} reply go out, releases the place and removes itself.
 */
final class PendingLogin extends ChannelDuplexHandler {
    private final ConnectionLimits.Slot slot;

    PendingLogin(ConnectionLimits.Slot slot) {
        this.slot = slot;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        boolean joined = msg instanceof Joined;
        super.write(ctx, msg, promise);
        if (joined) {
            slot.joined();
            ctx.pipeline().remove(this);
        }
    }
}
