package org.edgenet.server.net;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import org.edgenet.common.message.ErrorReply;
import org.edgenet.common.message.KeepAlive;
import org.edgenet.common.message.Message;
import org.edgenet.common.message.Notice;
import org.edgenet.common.message.Ticket;
import org.edgenet.common.message.UploadAbort;
import org.edgenet.common.message.UploadChunk;
import org.edgenet.common.message.UploadEnd;
import org.edgenet.common.wire.ChannelTimer;
import org.edgenet.common.wire.ErrorCode;

import java.time.Duration;

/**
 * A connection's part in stopping the server. It counts the replies the server owes the device
 * (a request in, its one reply out; an upload owes its reply from its begin to its end). When
 * {@link #START} comes down the pipeline, the device is told {@link #SHUTTING_DOWN} and the
 * connection closes as soon as nothing is owed, so an upload in progress finishes, is stored and
 * confirmed first; whatever is still owed after the drain time is abandoned the same way (an
 * upload not finished by then is dropped, never confirmed).
 *
 * <p>The last reply goes out from the end of the pipeline, through the {@link ReadGate}, so that
 * reading stops for good and a device that does not read it is closed anyway.
 */
public final class Drain extends ChannelDuplexHandler {
    /** The user event that starts the drain; fired by the server into every device pipeline. */
    public static final Object START = new Object() {
        @Override
        public String toString() {
            return "drain";
        }
    };
    static final ErrorReply SHUTTING_DOWN = new ErrorReply(ErrorCode.SHUTTING_DOWN, "The server is shutting down");

    private final Duration limit;
    private final Disconnector disconnector;
    /** Replies the device is waiting for: 0 or 1 for a device that waits for each reply. */
    private int owed;
    private boolean draining;
    /** Made only when a drain has to wait: most connections never see one. */
    private ChannelTimer deadline;

    /** @param limit how long the device's requests in progress may take once the drain starts */
    public Drain(Duration limit, Disconnector disconnector) {
        this.limit = limit;
        this.disconnector = disconnector;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof UploadAbort) {
            // The upload's reply is no longer owed; an abort itself has none.
            owed = Math.max(0, owed - 1);
        } else if (msg instanceof Message && !(msg instanceof UploadChunk || msg instanceof UploadEnd
                || msg instanceof KeepAlive)) {
            owed++;
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        boolean reply = msg instanceof Message && !(msg instanceof Ticket || msg instanceof Notice);
        if (reply && owed > 0) {
            owed--;
        }
        super.write(ctx, msg, promise);
        if (draining && owed == 0) {
            // After the reply that settled the last request, in order, once this write is done.
            ctx.executor().execute(() -> farewell(ctx));
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt != START) {
            super.userEventTriggered(ctx, evt);
            return;
        }
        ReferenceCountUtil.release(evt);
        if (draining) {
            return;
        }
        draining = true;
        if (owed == 0) {
            farewell(ctx);
        } else {
            deadline = new ChannelTimer();
            deadline.schedule(ctx, () -> farewell(ctx), limit.toNanos());
        }
    }

    private void farewell(ChannelHandlerContext ctx) {
        cancelDeadline();
        if (ctx.channel().isActive() && !ctx.isRemoved()) {
            disconnector.closeAfter(ctx.pipeline().lastContext(), SHUTTING_DOWN);
        }
    }

    /** True once the drain has begun: a test hook. */
    boolean draining() {
        return draining;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelDeadline();
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel();
        }
    }
}
