package org.edgenet.server.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.ScheduledFuture;
import org.edgenet.server.net.LogLimiter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pipeline of one HTTP connection: a cap on connections, an idle time-out, Netty's codec with
 * small limits (the port only answers GET and HEAD, so a request has no business being large) and
 * the router.
 */
public final class HttpInitializer extends ChannelInitializer<SocketChannel> {
    private static final Logger log = LoggerFactory.getLogger(HttpInitializer.class);
    static final LogLimiter.Kind FULL = new LogLimiter.Kind("HTTP connection refused", log, Level.WARN);

    public static final String LIMIT = "http-limit";
    public static final String IDLE = "http-idle";
    public static final String CODEC = "http-codec";
    public static final String AGGREGATOR = "http-aggregator";
    public static final String DEADLINE = "http-deadline";
    public static final String ROUTER = "http-router";

    /** Request line, headers and body: a browser's GET fits with room to spare. */
    static final int MAX_LINE = 4096;
    static final int MAX_HEADERS = 8192;
    static final int MAX_BODY = 1024;
    /** Most HTTP connections at once: a few operators' browsers and scrapers, not a crowd. */
    public static final int MAX_CONNECTIONS = 64;
    /** A connection that neither sends nor receives this long is closed; a live feed writes every second. */
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
    /**
     * How long a whole request may take to arrive, from the connection's start or the previous
     * answer: one sent a byte at a time cannot hold a connection for ever.
     */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final HttpRouter router;
    private final ConnectionCap cap;

    public HttpInitializer(HttpRouter router, LogLimiter logLimiter) {
        this(router, new ConnectionCap(MAX_CONNECTIONS, logLimiter));
    }

    HttpInitializer(HttpRouter router, ConnectionCap cap) {
        this.router = router;
        this.cap = cap;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ChannelPipeline p = ch.pipeline();
        p.addLast(LIMIT, cap)
                .addLast(IDLE, new IdleClose(IDLE_TIMEOUT))
                .addLast(CODEC, new HttpServerCodec(MAX_LINE, MAX_HEADERS, MAX_BODY))
                .addLast(AGGREGATOR, new HttpObjectAggregator(MAX_BODY))
                .addLast(DEADLINE, new RequestDeadline(REQUEST_TIMEOUT))
                .addLast(ROUTER, router);
    }

    /** Closes a connection beyond the cap at once, before it is read. */
    @ChannelHandler.Sharable
    static final class ConnectionCap extends ChannelInboundHandlerAdapter {
        private final int max;
        private final LogLimiter logLimiter;
        private final AtomicInteger open = new AtomicInteger();

        ConnectionCap(int max, LogLimiter logLimiter) {
            this.max = max;
            this.logLimiter = logLimiter;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (open.incrementAndGet() > max) {
                open.decrementAndGet();
                String ip = HttpRouter.ip(ctx);
                if (logLimiter.admit(FULL, ip)) {
                    log.warn("Refused an HTTP connection from {}: {} are open already", ip, max);
                }
                ctx.close();
                return;
            }
            ctx.channel().closeFuture().addListener(f -> open.decrementAndGet());
            ctx.fireChannelActive();
        }

        int open() {
            return open.get();
        }
    }

    /**
     * Closes the connection when a request has not fully arrived {@link #REQUEST_TIMEOUT} after the
     * connection started or the last answer ended. A live feed's answer never ends, and it needs no
     * further request.
     */
    static final class RequestDeadline extends ChannelDuplexHandler {
        private final long nanos;
        private ScheduledFuture<?> timer;

        RequestDeadline(Duration timeout) {
            this.nanos = timeout.toNanos();
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            arm(ctx);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            disarm();
            ctx.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof LastHttpContent) {
                // FullHttpResponse is one too: the answer ends here, and the next request's time starts.
                promise = promise.unvoid();
                promise.addListener(f -> arm(ctx));
            }
            ctx.write(msg, promise);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            disarm();
            ctx.fireChannelInactive();
        }

        private void arm(ChannelHandlerContext ctx) {
            disarm();
            if (ctx.channel().isOpen()) {
                timer = ctx.executor().schedule(() -> ctx.close(), nanos, TimeUnit.NANOSECONDS);
            }
        }

        private void disarm() {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
        }
    }

    /** Closes the connection when it has been idle both ways. */
    static final class IdleClose extends IdleStateHandler {
        IdleClose(Duration timeout) {
            super(0, 0, timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) {
            ctx.close();
        }
    }
}
