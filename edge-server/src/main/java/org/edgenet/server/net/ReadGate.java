package org.edgenet.server.net;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;
import org.edgenet.common.wire.ReadingEvent;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Decides, for one connection, whether it is read: {@code autoRead} is on exactly when no
 * {@link Reason} holds, and nothing else in the pipeline sets it. While it is off, the
 * flow-control handler keeps frames already decoded, so a handler never sees a request it could
 * not serve at once.
 *
 * <p>Every change is announced from the head of the pipeline with a {@link ReadingEvent}, so the
 * frame decoder's mid-frame gap does not count while the server itself is not reading.
 *
 * <p>The handlers hold and release {@link Reason#REQUEST_RUNNING} and {@link Reason#LANE_FULL};
 * the gate itself watches the rest. It sees every reply on its way out: when the channel becomes
 * unwritable (more than the high-water mark of replies unread by the peer) reading stops until
 * the buffer drains below the low-water mark, so an unread reply is never followed by a second.
 * If the replies stay unread for the reply timeout, the connection ends with
 * {@link ErrorCode#SLOW_READER}. The last reply, which the {@link Disconnector} sends once it has
 * decided that the connection ends (a fatal error, {@code Left}, a blocked login, a refused join),
 * stops reading for good, and because a peer that does not read would keep that reply, and so the
 * connection, forever, the channel is closed anyway after {@link #CLOSE_GRACE}.
 *
 * <p>What one connection can hold, whatever its peer sends:
 * <ul>
 *   <li>decoded requests waiting in the flow-control handler: the rest of the socket read during
 *       which the gate closed, since no further read happens until the handler has handed over
 *       everything; a read is at most 16 KiB ({@code EdgeServer.MAX_READ}), so at most 2,048
 *       header-only frames (some 100 KB of heap at worst) or one upload chunk and what follows it;
 *   <li>the decoder's partial frame: less than one frame, at most 65 KiB + 1 KiB;
 *   <li>replies: the high-water mark (64 KiB) plus the reply that crossed it plus the reply of
 *       the one request still running; the largest replies are an RDM's message batch, whose
 *       journal records add up to at most 1 MiB ({@link MessageCommands#MAX_BATCH_BYTES}; a
 *       first message is sent even if larger, so a lone one of 64 KiB of text and two 255-byte
 *       names always goes), encoded in about as many bytes, and an AED list (3,000 devices are
 *       about 150 KB). So a connection holds less than about 2.1 MiB of replies; the kernel's
 *       socket buffers come on top, outside the JVM;
 *   <li>service work: one request ({@link Reason#REQUEST_RUNNING}) and at most
 *       {@link UploadReceiver#MAX_CHUNKS_IN_FLIGHT} upload chunks of 64 KiB
 *       ({@link Reason#LANE_FULL}), hence at most one line each for the activity logs and one
 *       join or leave for the device log;
 *   <li>a download: one 64 KiB chunk being read from the disk, and one request held back until
 *       the stream ends ({@link DownloadSender}).
 * </ul>
 */
public final class ReadGate extends ChannelDuplexHandler {
    /** Why a connection is not read. */
    public enum Reason {
        /** A request (a join or a command) is served off the event loop; its reply comes first. */
        REQUEST_RUNNING,
        /** The upload lane holds as many chunks of this connection as it may. */
        LANE_FULL,
        /** The replies waiting for the peer are above the high-water mark. */
        REPLIES_UNREAD,
        /** The last reply is on its way; nothing more is served. */
        CLOSING
    }

    /** How long a connection's last reply may take to leave before the connection closes anyway. */
    public static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

    private final Duration replyTimeout;
    /** The reasons held, one bit per {@link Reason#ordinal()}: a set without an object per connection. */
    private int reasons;
    /** What the pipeline was last told with a {@link ReadingEvent}. */
    private boolean reading = true;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> slowReaderTimer;
    private ScheduledFuture<?> closeTimer;
    /** Told whenever {@link Reason#REQUEST_RUNNING} is released: a request's reply is on its way. */
    private Runnable requestDone = () -> { };

    /**
     * @param replyTimeout how long replies may stay above the high-water mark before the
     *                     connection is closed with {@link ErrorCode#SLOW_READER}
     */
    public ReadGate(Duration replyTimeout) {
        this.replyTimeout = replyTimeout;
    }

    /** Stops reading until {@code reason} is released; holding a reason twice is holding it once. */
    public void hold(Reason reason) {
        assert ctx.executor().inEventLoop();
        if ((reasons & bit(reason)) == 0) {
            reasons |= bit(reason);
            apply();
        }
    }

    /**
     * Runs a request's service work with reading held ({@link Reason#REQUEST_RUNNING}), then
     * {@code then} back on the event loop with the failure unwrapped, and reads on. If {@code then}
     * throws, the failure goes down the pipeline and reading stays held. Work that is done already
     * (answered from memory) is finished at once: no hop through the event loop's queue, and
     * reading never stops.
     */
    public <T> void whileRunning(ChannelHandlerContext ctx, CompletableFuture<T> work,
                                 BiConsumer<T, Throwable> then) {
        if (work.isDone() && ctx.executor().inEventLoop()) {
            finishAtOnce(ctx, work, then);
            return;
        }
        hold(Reason.REQUEST_RUNNING);
        work.whenCompleteAsync((value, error) -> {
            assert ctx.executor().inEventLoop();
            try {
                then.accept(value, error == null ? null : Disconnector.causeOf(error));
            } catch (RuntimeException e) {
                ctx.fireExceptionCaught(e);
                return;
            }
            // After a closing reply the gate holds CLOSING, so reading does not resume.
            release(Reason.REQUEST_RUNNING);
        }, ctx.executor());
    }

    private <T> void finishAtOnce(ChannelHandlerContext ctx, CompletableFuture<T> work, BiConsumer<T, Throwable> then) {
        T value = null;
        Throwable error = null;
        try {
            value = work.join();
        } catch (CompletionException | CancellationException e) {
            error = Disconnector.causeOf(e);
        }
        try {
            then.accept(value, error);
        } catch (RuntimeException e) {
            hold(Reason.REQUEST_RUNNING);
            ctx.fireExceptionCaught(e);
        }
    }

    /** Reads on if no other reason holds. */
    public void release(Reason reason) {
        assert ctx.executor().inEventLoop();
        if ((reasons & bit(reason)) != 0) {
            reasons &= ~bit(reason);
            if (reason == Reason.REQUEST_RUNNING) {
                requestDone.run();
            }
            apply();
        }
    }

    /** {@code done} runs each time a request's work is over and reading may resume: the command timer. */
    public void onRequestDone(Runnable done) {
        requestDone = done;
    }

    public boolean holds(Reason reason) {
        return (reasons & bit(reason)) != 0;
    }

    private static int bit(Reason reason) {
        return 1 << reason.ordinal();
    }

    private void apply() {
        boolean open = reasons == 0;
        if (open != reading) {
            reading = open;
            // Told before autoRead changes: the messages that turning it on delivers may close the
            // gate again, and the last event must be the one that holds.
            ctx.pipeline().fireUserEventTriggered(open ? ReadingEvent.RESUMED : ReadingEvent.PAUSED);
        }
        // Turning autoRead on asks for a read: the flow-control handler first hands over what it
        // holds, one message at a time, for as long as the gate stays open.
        if (ctx.channel().config().isAutoRead() != open) {
            ctx.channel().config().setAutoRead(open);
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        apply();
        if (!ctx.channel().isWritable()) {
            repliesUnread();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable()) {
            cancelSlowReaderTimer();
            release(Reason.REPLIES_UNREAD);
        } else {
            repliesUnread();
        }
        super.channelWritabilityChanged(ctx);
    }

    private void repliesUnread() {
        if (slowReaderTimer == null) {
            slowReaderTimer = ctx.executor().schedule(this::slowReader, replyTimeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        hold(Reason.REPLIES_UNREAD);
    }

    private void slowReader() {
        slowReaderTimer = null;
        if (ctx.channel().isActive() && !holds(Reason.CLOSING)) {
            // The error handler answers and closes, as for any protocol violation; the reply waits
            // behind the unread ones, so the close timer started by its write is what ends it.
            ctx.fireExceptionCaught(new ProtocolException(ErrorCode.SLOW_READER,
                    "replies not read for " + LoginTimeout.describe(replyTimeout)));
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        // The disconnector decides that a connection ends before it writes the last reply.
        if (Disconnector.isClosing(ctx.channel())) {
            closing();
        }
        super.write(ctx, msg, promise);
    }

    private void closing() {
        hold(Reason.CLOSING);
        if (closeTimer == null) {
            Runnable close = () -> ctx.channel().close();
            closeTimer = ctx.executor().schedule(close, CLOSE_GRACE.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        // Work that completes after the close must not turn reading back on.
        hold(Reason.CLOSING);
        cancelTimers();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimers();
    }

    private void cancelTimers() {
        cancelSlowReaderTimer();
        if (closeTimer != null) {
            closeTimer.cancel(false);
            closeTimer = null;
        }
    }

    private void cancelSlowReaderTimer() {
        if (slowReaderTimer != null) {
            slowReaderTimer.cancel(false);
            slowReaderTimer = null;
        }
    }
}
