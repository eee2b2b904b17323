package org.edgenet.server.net;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.edgenet.common.message.ErrorReply;
import org.edgenet.common.message.Joined;
import org.edgenet.common.message.KeepAlive;
import org.edgenet.common.message.Message;
import org.edgenet.common.message.Notice;
import org.edgenet.common.message.Ticket;
import org.edgenet.common.message.UploadAbort;
import org.edgenet.common.message.UploadChunk;
import org.edgenet.common.message.UploadEnd;
import org.edgenet.common.wire.ChannelTimer;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;
import org.edgenet.common.wire.ReadingEvent;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The connection's own state between the codec and the auth or command handler: whether it is
 * read, its login and idle time-outs, and its part in a drain. One handler with one timer does all
 * of it, because every joined device holds it: a handler per concern cost a pipeline context and
 * an object each, per device, and a handler to add and remove per connection.
 *
 * <p><b>Reading.</b> {@code autoRead} is on exactly when no {@link Reason} holds, and nothing else
 * in the pipeline sets it. While a reason holds, the gate keeps the messages already decoded (the
 * rest of the socket read during which it closed) and hands them on, one at a time and in order,
 * once it opens again, so a handler never sees a request it could not serve at once.
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
 * <p><b>Time-outs.</b> A connection that has not joined within the login time-out is closed with
 * {@link ErrorCode#LOGIN_TIMEOUT}; the gate sees the {@link Joined} reply go out, which also
 * releases the connection's place among its address's pending logins. A device that has sent
 * nothing, not even a {@link KeepAlive}, for the idle time-out is cut with
 * {@link ErrorCode#IDLE_TIMEOUT} (a half-open connection), and leaves exactly as after OUT.
 * Keep-alives stop here; every other message counts as a sign of life. Silence counts only while
 * the connection is read: the idle clock stops while a reason holds and starts afresh when the
 * gate opens. One timer serves both, moved forward lazily: a message only notes the time, and the
 * timer, when it fires early, sleeps again for what is left.
 *
 * <p><b>Drain.</b> The gate counts the replies the server owes the device (a request in, its one
 * reply out; an upload owes its reply from its begin to its end). When {@link #DRAIN} comes down
 * the pipeline, the device is told {@link #SHUTTING_DOWN} and the connection closes as soon as
 * nothing is owed, so an upload in progress finishes, is stored and confirmed first; whatever is
 * still owed after the drain time is abandoned the same way (an upload not finished by then is
 * dropped, never confirmed). That last reply goes out from the end of the pipeline, through the
 * gate, so that reading stops for good and a device that does not read it is closed anyway.
 *
 * <p>What one connection can hold, whatever its peer sends:
 * <ul>
 *   <li>decoded requests waiting in the gate: the rest of the socket read during
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

    /** The user event that starts the drain; fired by the server into every device pipeline. */
    public static final Object DRAIN = new Object() {
        @Override
        public String toString() {
            return "drain";
        }
    };
    static final ErrorReply SHUTTING_DOWN = new ErrorReply(ErrorCode.SHUTTING_DOWN, "The server is shutting down");

    private final Duration replyTimeout;
    /** Zero: none. */
    private final long loginNanos;
    /** Zero: none; keep-alives are still dropped. */
    private final long idleNanos;
    private final Duration drainLimit;
    /** Null for a gate tested alone: a drain then closes the connection at once. */
    private final Disconnector disconnector;
    /** The connection's place among its address's pending logins; null once joined, or when not counted. */
    private ConnectionLimits.Slot pendingLogin;

    /** The reasons held, one bit per {@link Reason#ordinal()}: a set without an object per connection. */
    private int reasons;
    /** What the pipeline was last told with a {@link ReadingEvent}. */
    private boolean reading = true;
    private ChannelHandlerContext ctx;
    /** Decoded messages held while a reason holds; made only then, and dropped once empty. */
    private ArrayDeque<Object> held;
    /** True while held messages are handed on, so that a release meanwhile does not hand on out of order. */
    private boolean handing;
    private ScheduledFuture<?> slowReaderTimer;
    private ScheduledFuture<?> closeTimer;
    /** Told whenever {@link Reason#REQUEST_RUNNING} is released: a request's reply is on its way. */
    private Runnable requestDone = () -> { };

    /** The login and idle time-outs' one timer, and for the drain's deadline once it waits. */
    private final ChannelTimer timer = new ChannelTimer();
    private boolean started;
    private boolean joined;
    private long connectedAt;
    private long lastHeard;

    /** Replies the device is waiting for: 0 or 1 for a device that waits for each reply. */
    private int owed;
    private boolean draining;

    /**
     * @param replyTimeout   how long replies may stay above the high-water mark before the
     *                       connection is closed with {@link ErrorCode#SLOW_READER}
     * @param loginTimeout   a connection that has not joined by then is closed; zero never
     * @param idleTimeout    a device silent this long is disconnected; zero never
     * @param drainLimit     how long the device's requests in progress may take once the drain starts
     * @param pendingLogin   the connection's place among its address's pending logins, or null
     */
    public ReadGate(Duration replyTimeout, Duration loginTimeout, Duration idleTimeout, Duration drainLimit,
                    Disconnector disconnector, ConnectionLimits.Slot pendingLogin) {
        this.replyTimeout = replyTimeout;
        this.loginNanos = loginTimeout.toNanos();
        this.idleNanos = idleTimeout.toNanos();
        this.drainLimit = drainLimit;
        this.disconnector = disconnector;
        this.pendingLogin = pendingLogin;
    }

    /** A gate alone, for tests of the handlers behind it: no time-outs, and a drain closes at once. */
    ReadGate(Duration replyTimeout) {
        this(replyTimeout, Duration.ZERO, Duration.ZERO, Duration.ZERO, null, null);
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
            if (open) {
                heard();
            } else if (joined && !draining) {
                // The device cannot be heard meanwhile; before the join the login time-out still runs.
                timer.cancel();
            }
            // Told before anything is handed on: the messages handed on may close the gate again,
            // and the last event must be the one that holds.
            ctx.pipeline().fireUserEventTriggered(open ? ReadingEvent.RESUMED : ReadingEvent.PAUSED);
        }
        if (open) {
            handOn();
        }
        // The socket is read again only once every held message has been handed on.
        boolean read = reasons == 0 && held == null;
        if (ctx.channel().config().isAutoRead() != read) {
            ctx.channel().config().setAutoRead(read);
        }
    }

    /** Hands on the held messages, one at a time, for as long as the gate stays open. */
    private void handOn() {
        if (handing || held == null) {
            return;
        }
        handing = true;
        try {
            while (reasons == 0 && held != null) {
                Object msg = held.poll();
                if (held.isEmpty()) {
                    held = null;
                }
                ctx.fireChannelRead(msg);
                if (held == null) {
                    ctx.fireChannelReadComplete();
                }
            }
        } finally {
            handing = false;
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            start();
        }
        apply();
        if (!ctx.channel().isWritable()) {
            repliesUnread();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        start();
        super.channelActive(ctx);
    }

    private void start() {
        if (!started) {
            started = true;
            connectedAt = now();
            heard();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        heard();
        if (msg instanceof KeepAlive) {
            ReferenceCountUtil.release(msg);
            return;
        }
        count(msg);
        // autoRead off with no reason held: the disconnector's verdict, just before its last reply.
        if (reasons == 0 && held == null && ctx.channel().config().isAutoRead()) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (held == null) {
            held = new ArrayDeque<>(4);
        }
        held.add(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        // Told once the handlers behind have had every message of the read, not before.
        if (held == null) {
            super.channelReadComplete(ctx);
        }
    }

    /** The drain's count of replies owed, kept as requests arrive, held ones included. */
    private void count(Object msg) {
        if (msg instanceof UploadAbort) {
            // The upload's reply is no longer owed; an abort itself has none.
            owed = Math.max(0, owed - 1);
        } else if (msg instanceof Message && !(msg instanceof UploadChunk || msg instanceof UploadEnd)) {
            owed++;
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt != DRAIN) {
            super.userEventTriggered(ctx, evt);
            return;
        }
        if (draining) {
            return;
        }
        draining = true;
        if (owed == 0) {
            farewell();
        } else {
            timer.schedule(ctx, this::farewell, drainLimit.toNanos());
        }
    }

    private void farewell() {
        timer.cancel();
        if (!ctx.channel().isActive() || ctx.isRemoved()) {
            return;
        }
        if (disconnector == null) {
            ctx.channel().close();
        } else {
            disconnector.closeAfter(ctx.pipeline().lastContext(), SHUTTING_DOWN);
        }
    }

    /** True once the drain has begun: a test hook. */
    boolean draining() {
        return draining;
    }

    private void heard() {
        if (!started) {
            return;
        }
        lastHeard = now();
        if (!timer.pending()) {
            arm(lastHeard);
        }
    }

    /** Sets the timer for the nearer of the login and the idle time-out, if either runs. */
    private void arm(long now) {
        if (draining) {
            return;
        }
        long wait = Long.MAX_VALUE;
        if (!joined && loginNanos > 0) {
            wait = connectedAt + loginNanos - now;
        }
        if (idleNanos > 0 && reading) {
            wait = Math.min(wait, lastHeard + idleNanos - now);
        }
        if (wait != Long.MAX_VALUE) {
            timer.schedule(ctx, this::check, Math.max(0, wait));
        }
    }

    private void check() {
        if (!ctx.channel().isActive()) {
            return;
        }
        long now = now();
        if (!joined && loginNanos > 0 && now - connectedAt >= loginNanos) {
            ctx.fireExceptionCaught(new ProtocolException(ErrorCode.LOGIN_TIMEOUT,
                    "no login within " + describe(Duration.ofNanos(loginNanos))));
        } else if (idleNanos > 0 && reading && now - lastHeard >= idleNanos) {
            ctx.fireExceptionCaught(new ProtocolException(ErrorCode.IDLE_TIMEOUT,
                    "nothing received for " + describe(Duration.ofNanos(idleNanos)) + " (idle time-out)"));
        } else {
            arm(now);
        }
    }

    private long now() {
        return ctx.executor().ticker().nanoTime();
    }

    /** {@code 30 s}, or {@code 200 ms} when not a whole number of seconds: for messages to the peer. */
    static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
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
                    "replies not read for " + describe(replyTimeout)));
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        // The disconnector decides that a connection ends before it writes the last reply.
        if (Disconnector.isClosing(ctx.channel())) {
            closing();
        }
        if (msg instanceof Message && !(msg instanceof Ticket || msg instanceof Notice) && owed > 0) {
            owed--;
        }
        boolean joinedNow = msg instanceof Joined;
        super.write(ctx, msg, promise);
        if (joinedNow) {
            joined();
        }
        if (draining && owed == 0) {
            // After the reply that settled the last request, in order, once this write is done.
            ctx.executor().execute(this::farewell);
        }
    }

    /** The login is over: the login time-out stops, and the address has one pending login less. */
    private void joined() {
        if (joined) {
            return;
        }
        joined = true;
        if (pendingLogin != null) {
            pendingLogin.joined();
            pendingLogin = null;
        }
        // The timer pending for the login deadline stays: when it fires it sleeps again for the
        // idle time-out, which saves a cancel and a schedule on every join.
        if (!draining && !timer.pending()) {
            arm(now());
        }
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
        releaseHeld();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimers();
        releaseHeld();
    }

    private void releaseHeld() {
        if (held != null) {
            for (Object msg; (msg = held.poll()) != null; ) {
                ReferenceCountUtil.release(msg);
            }
            held = null;
        }
    }

    private void cancelTimers() {
        timer.cancel();
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
