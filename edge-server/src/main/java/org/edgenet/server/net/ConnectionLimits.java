package org.edgenet.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import org.edgenet.common.message.ErrorReply;
import org.edgenet.common.message.MessageCodec;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.server.metrics.ServerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many device connections the server holds: at most {@code maxConnections} in all, and at
 * most {@code maxPendingPerIp} from one address that have not joined yet, so that a fleet behind
 * one NAT fits but one address cannot hold thousands of logins open. A connection is counted
 * before its pipeline is built; one over a limit gets {@code ERROR(SERVER_FULL, "the server is
 * full")}, written straight to the socket, and is closed. The log says which limit, limited per
 * address by the {@link LogLimiter}. A connection from a load balancer counts against its
 * device's address, which the balancer's PROXY protocol header names ({@link ProxyHeader}), so it
 * is counted in all at once and against its address once the header has come. Safe to use from
 * every event loop at once.
 */
public final class ConnectionLimits {
    private static final Logger log = LoggerFactory.getLogger(ConnectionLimits.class);
    static final LogLimiter.Kind REFUSED = new LogLimiter.Kind("Refused connection", log, Level.WARN);
    static final String FULL = "the server is full";

    private final int maxConnections;
    private final int maxPendingPerIp;
    private final LogLimiter logLimiter;
    private final ServerMetrics metrics;
    private final Set<InetAddress> balancers;
    private final AtomicInteger open = new AtomicInteger();
    /** Connections not joined yet, per address; an address leaves the map when its count is 0. */
    private final ConcurrentHashMap<String, Integer> pending = new ConcurrentHashMap<>();

    public ConnectionLimits(int maxConnections, int maxPendingPerIp, LogLimiter logLimiter, ServerMetrics metrics) {
        this(maxConnections, maxPendingPerIp, Set.of(), logLimiter, metrics);
    }

    /** @param balancers the load balancers whose connections begin with a PROXY protocol header */
    public ConnectionLimits(int maxConnections, int maxPendingPerIp, Set<InetAddress> balancers, LogLimiter logLimiter,
                            ServerMetrics metrics) {
        this.maxConnections = maxConnections;
        this.maxPendingPerIp = maxPendingPerIp;
        this.balancers = Set.copyOf(balancers);
        this.logLimiter = logLimiter;
        this.metrics = metrics;
    }

    /**
     * Counts a new connection, or refuses it: then the device is told and the channel closes, and
     * the caller builds no pipeline.
     *
     * @return the connection's place, released when it closes; null when refused
     */
    Slot admit(Channel ch) {
        String ip = RemoteAddressFormat.ip(ch);
        if (open.incrementAndGet() > maxConnections) {
            open.decrementAndGet();
            metrics.connectionRefused(ServerMetrics.Refusal.MAX_CONNECTIONS);
            refuse(ch, ip, String.format(Locale.ROOT, "max-connections (%,d) reached", maxConnections));
            return null;
        }
        boolean viaBalancer = !balancers.isEmpty() && ch.remoteAddress() instanceof InetSocketAddress a
                && balancers.contains(a.getAddress());
        if (!viaBalancer && !pend(ip)) {
            open.decrementAndGet();
            metrics.connectionRefused(ServerMetrics.Refusal.MAX_PENDING_LOGINS_PER_IP);
            refuse(ch, ip, pendingRefusal());
            return null;
        }
        Slot slot = new Slot(viaBalancer ? null : ip, viaBalancer);
        ch.closeFuture().addListener(slot);
        return slot;
    }

    /** Counts one more connection not joined from {@code ip}; false when that is one too many. */
    private boolean pend(String ip) {
        boolean[] over = new boolean[1];
        pending.compute(ip, (k, n) -> {
            int now = n == null ? 0 : n;
            if (now >= maxPendingPerIp) {
                over[0] = true;
                return now;
            }
            return now + 1;
        });
        return !over[0];
    }

    private String pendingRefusal() {
        return String.format(Locale.ROOT, "max-pending-logins-per-ip (%,d) reached: that many"
                + " connections from this address have not joined", maxPendingPerIp);
    }

    /** Connections counted now: a test hook. */
    int open() {
        return open.get();
    }

    /** Connections from {@code ip} that have not joined: a test hook. */
    int pending(String ip) {
        return pending.getOrDefault(ip, 0);
    }

    private void refuse(Channel ch, String ip, String which) {
        logRefusal(ch, ip, which);
        // Whatever the device sends meanwhile is dropped unread; the reply is one small frame.
        ch.pipeline().addLast(DiscardInbound.INSTANCE);
        ch.writeAndFlush(fullFrame(ch.alloc())).addListener(ChannelFutureListener.CLOSE);
    }

    /** {@code ERROR(SERVER_FULL)} as bytes, to be written below the codec. */
    static ByteBuf fullFrame(ByteBufAllocator alloc) {
        ByteBuf frame = alloc.buffer(64);
        MessageCodec.encode(new ErrorReply(ErrorCode.SERVER_FULL, FULL), frame);
        return frame;
    }

    private void logRefusal(Channel ch, String ip, String which) {
        if (logLimiter.admit(REFUSED, ip)) {
            log.warn("Refused a connection from {}: {}", RemoteAddressFormat.ipAndPort(ch), which);
        }
    }

    private void unpend(String ip) {
        pending.computeIfPresent(ip, (k, n) -> n <= 1 ? null : n - 1);
    }

    /**
     * One counted connection: pending until it joins, counted until it closes. Both happen on the
     * channel's event loop (a close future tells its listeners there), so plain fields do. The slot
     * is its own close listener and lets go of the address once the device has joined: every
     * joined device holds one.
     */
    final class Slot implements ChannelFutureListener {
        /** The address the connection is pending for; null once the device has joined. */
        private String ip;
        private boolean counted = true;
        private final boolean viaBalancer;

        private Slot(String ip, boolean viaBalancer) {
            this.ip = ip;
            this.viaBalancer = viaBalancer;
        }

        /** True when the connection comes from a load balancer and begins with a PROXY protocol header. */
        boolean viaBalancer() {
            return viaBalancer;
        }

        /**
         * The balancer has named the device's address: the connection now counts against it, or,
         * when that address has too many not joined, the refusal is logged and counted and the
         * answer is false: the caller tells the device {@link #FULL} and closes.
         */
        boolean pendFor(Channel ch, String deviceIp) {
            if (!pend(deviceIp)) {
                metrics.connectionRefused(ServerMetrics.Refusal.MAX_PENDING_LOGINS_PER_IP);
                logRefusal(ch, deviceIp, pendingRefusal());
                return false;
            }
            ip = deviceIp;
            return true;
        }

        /** The device has joined: it no longer counts against its address. */
        void joined() {
            if (ip != null) {
                String was = ip;
                ip = null;
                unpend(was);
            }
        }

        void closed() {
            joined();
            if (counted) {
                counted = false;
                open.decrementAndGet();
            }
        }

        @Override
        public void operationComplete(ChannelFuture closed) {
            closed();
        }
    }
}
