package org.edgenet.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.AttributeKey;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The start of a connection from a load balancer: its PROXY protocol header (version 1 or 2,
 * decoded by Netty's {@link HAProxyMessageDecoder} just before this handler) names the device's
 * address, which from then on is the connection's address for the console, the limits, the device
 * log, AED and UVF. The connection then counts against that address's pending logins. The
 * balancer's own health checks (a LOCAL header, or one naming the check's own connection) keep
 * the balancer's address and are not logged. A connection that does
 * not begin with a header is closed without a reply, as the protocol asks, and logged here. Until
 * the header the login timeout runs as for any connection, so a balancer that sends nothing holds
 * nothing for long.
 */
final class ProxyHeader extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ProxyHeader.class);
    static final LogLimiter.Kind NO_HEADER = new LogLimiter.Kind("No PROXY header", log, Level.WARN);
    private static final AttributeKey<InetSocketAddress> DEVICE = AttributeKey.valueOf("edgenet.device-address");

    private final ConnectionLimits.Slot slot;
    private final LogLimiter logLimiter;

    ProxyHeader(ConnectionLimits.Slot slot, LogLimiter logLimiter) {
        this.slot = slot;
        this.logLimiter = logLimiter;
    }

    /** The device's address as the balancer named it, else the connection's remote address. */
    static SocketAddress deviceAddress(Channel ch) {
        if (ch.hasAttr(DEVICE)) {
            InetSocketAddress named = ch.attr(DEVICE).get();
            if (named != null) {
                return named;
            }
        }
        return ch.remoteAddress();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HAProxyMessage header)) {
            ctx.fireChannelRead(msg);
            return;
        }
        String balancer = RemoteAddressFormat.ipAndPort(ctx.channel());
        InetSocketAddress device;
        try {
            device = deviceOf(header);
            // A version 1 health check names its own connection: the balancer itself, no device.
            if (device != null && device.equals(ctx.channel().remoteAddress())) {
                device = null;
            }
            if (device != null) {
                ctx.channel().attr(DEVICE).set(device);
            }
        } finally {
            ReferenceCountUtil.release(header);
        }
        String ip = RemoteAddressFormat.ip(ctx.channel());
        if (!slot.pendFor(ctx.channel(), ip)) {
            // The decoder passes on what followed the header: none of it is served.
            ctx.pipeline().replace(this, null, DiscardInbound.INSTANCE);
            ctx.writeAndFlush(ConnectionLimits.fullFrame(ctx.alloc())).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.pipeline().remove(this);
        // The balancer's own health checks, every few seconds, are not news.
        if (device != null && logLimiter.admit(ServerInitializer.CONNECTION, ip)) {
            log.info("Connection from {} through {}", RemoteAddressFormat.ipAndPort(ctx.channel()), balancer);
        }
    }

    /** The source of a proxied TCP connection; null for a LOCAL header or any other kind. */
    private static InetSocketAddress deviceOf(HAProxyMessage header) {
        if (header.command() != HAProxyCommand.PROXY || header.sourceAddress() == null
                || (header.proxiedProtocol() != HAProxyProxiedProtocol.TCP4
                && header.proxiedProtocol() != HAProxyProxiedProtocol.TCP6)) {
            return null;
        }
        InetAddress address = NetUtil.createInetAddressFromIpAddressString(header.sourceAddress());
        return address == null ? null : new InetSocketAddress(address, header.sourcePort());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof HAProxyProtocolException) {
            // The decoder has closed the connection already.
            noHeader(ctx, logLimiter, cause.getMessage());
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    private static void noHeader(ChannelHandlerContext ctx, LogLimiter logLimiter, String why) {
        if (logLimiter.admit(NO_HEADER, RemoteAddressFormat.ip(ctx.channel()))) {
            log.warn("Closed {}: a connection from a balancer must begin with a PROXY protocol header ({})",
                    RemoteAddressFormat.ipAndPort(ctx.channel()), why);
        }
    }

    /**
     * Before the decoder: the first bytes must start either header. The decoder would take any
     * other start for the text header and wait for its line end, up to 108 bytes, while a device
     * that connected straight to a balancer's address waits for an answer.
     */
    static final class Start extends ChannelInboundHandlerAdapter {
        private static final byte[] TEXT = "PROXY ".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] BINARY = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

        private final LogLimiter logLimiter;

        Start(LogLimiter logLimiter) {
            this.logLimiter = logLimiter;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf first && !startsWith(first, TEXT) && !startsWith(first, BINARY)) {
                first.release();
                noHeader(ctx, logLimiter, "it began with other bytes");
                ctx.close();
                return;
            }
            ctx.pipeline().remove(this);
            ctx.fireChannelRead(msg);
        }

        /** True when what has come so far could be the start of {@code prefix}. */
        private static boolean startsWith(ByteBuf buf, byte[] prefix) {
            int n = Math.min(buf.readableBytes(), prefix.length);
            for (int i = 0; i < n; i++) {
                if (buf.getByte(buf.readerIndex() + i) != prefix[i]) {
                    return false;
                }
            }
            return true;
        }
    }
}
