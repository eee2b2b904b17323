package org.edgenet.common.wire;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * The one task a handler keeps pending on its channel's event loop, such as a time-out. It is
 * cancelled when the channel closes, so that a closed connection holds no task in the loop's queue;
 * a handler that leaves a pipeline still open cancels it itself. Used on the event loop only.
 */
public final class ChannelTimer {
    private ScheduledFuture<?> pending;
    private boolean watchingClose;

    /** Runs {@code task} in {@code nanos} unless cancelled first; one already pending is cancelled. */
    public void schedule(ChannelHandlerContext ctx, Runnable task, long nanos) {
        cancel();
        pending = ctx.executor().schedule(() -> {
            pending = null;
            task.run();
        }, nanos, TimeUnit.NANOSECONDS);
        // After scheduling: on a channel already closed the listener runs at once and cancels it.
        if (!watchingClose) {
            watchingClose = true;
            ctx.channel().closeFuture().addListener(f -> cancel());
        }
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
