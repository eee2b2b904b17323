package org.edgenet.common.wire;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * The one task a handler keeps pending on its channel's event loop, such as a time-out. Its owner
 * cancels it in {@code handlerRemoved}, which Netty also calls for every handler once a closed
 * channel is deregistered, so a closed connection holds no task in the loop's queue; nothing is
 * scheduled for a channel already closed. It watches no close future itself: a listener per timer
 * would stay with the channel, and keep the timer, after its handler has gone. Used on the event
 * loop only.
 */
public final class ChannelTimer {
    private ScheduledFuture<?> pending;

    /**
     * Runs {@code task} in {@code nanos} unless cancelled first; one already pending is cancelled.
     * Does nothing once the channel is closed.
     */
    public void schedule(ChannelHandlerContext ctx, Runnable task, long nanos) {
        cancel();
        if (!ctx.channel().isOpen()) {
            return;
        }
        pending = ctx.executor().schedule(() -> {
            pending = null;
            task.run();
        }, nanos, TimeUnit.NANOSECONDS);
    }

    /** True from {@link #schedule} until the task runs or is cancelled. */
    public boolean pending() {
        return pending != null;
    }

    public void cancel() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }
}
