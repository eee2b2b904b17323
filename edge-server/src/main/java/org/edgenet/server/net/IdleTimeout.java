package org.edgenet.server.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.edgenet.common.message.KeepAlive;
import org.edgenet.common.wire.ChannelTimer;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;
import org.edgenet.common.wire.ReadingEvent;

import java.time.Duration;

/**
 * Ends a connection whose device has sent nothing, not even a {@link KeepAlive}, for the idle
 * time-out: a device that vanished without closing its socket (a half-open connection) is cut
 * within the time-out, and leaves exactly as after OUT. Keep-alives stop here; every other message
 * counts as a sign of life and goes on.
 *
 * <p>Silence counts only while the connection is read. While the {@link ReadGate} holds reading
 * (a request runs, the upload lane is full, replies wait unread) the device cannot be heard, so
 * the clock stops at {@link ReadingEvent#PAUSED} and starts afresh at {@link ReadingEvent#RESUMED}.
 * One timer per connection, moved forward lazily: a message only notes the time, and the timer,
 * when it fires early, sleeps again for what is left.
 */
public final class IdleTimeout extends ChannelInboundHandlerAdapter {
    private final Duration timeout;
    private ChannelHandlerContext ctx;
    private final ChannelTimer timer = new ChannelTimer();
    private long lastHeard;
    private boolean paused;

    /** @param timeout {@link Duration#ZERO} turns the time-out off; keep-alives are still dropped */
    public IdleTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            heard();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        heard();
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        heard();
        if (msg instanceof KeepAlive) {
            ReferenceCountUtil.release(msg);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == ReadingEvent.PAUSED) {
            paused = true;
            timer.cancel();
        } else if (evt == ReadingEvent.RESUMED) {
            paused = false;
            heard();
        }
        super.userEventTriggered(ctx, evt);
    }

    private void heard() {
        lastHeard = now();
        if (!timer.pending() && !paused && !timeout.isZero()) {
            schedule(timeout.toNanos());
        }
    }

    private void schedule(long nanos) {
        timer.schedule(ctx, this::check, nanos);
    }

    private void check() {
        if (paused || !ctx.channel().isActive()) {
            return;
        }
        long left = timeout.toNanos() - (now() - lastHeard);
        if (left > 0) {
            schedule(left);
            return;
        }
        ctx.fireExceptionCaught(new ProtocolException(ErrorCode.IDLE_TIMEOUT,
                "nothing received for " + LoginTimeout.describe(timeout) + " (idle time-out)"));
    }

    private long now() {
        return ctx.executor().ticker().nanoTime();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        timer.cancel();
    }
}
