package org.edgenet.server.net;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.ssl.SslContext;
import org.edgenet.common.message.MessageCodec;
import org.edgenet.common.message.MessageType;
import org.edgenet.common.wire.FrameDecoder;
import org.edgenet.common.wire.Limits;
import org.edgenet.server.service.Services;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.time.Duration;

/**
 * The pipeline of one device connection, read top to bottom: bytes become frames, frames become
 * messages, the read gate keeps the connection's own state (whether it is read and the messages
 * decoded meanwhile, the login and idle time-outs with one timer, keep-alives, the replies owed
 * for a drain, and its place among its address's pending logins until it joins), the auth handler
 * admits the device and then becomes the command handler, and the error handler hands what fails
 * to the {@link Disconnector}, which decides how a failing connection ends. Five handlers: every
 * joined device holds each one's pipeline context, and each is added and removed per connection.
 * The gate is made here, one per connection, and handed with the server's disconnector to the auth
 * handler, which hands both to the command handler; {@link ReadGate} lists what a connection can hold.
 * On a TLS port the {@link TlsDetector} comes first and gives its place to the TLS handler; before
 * it, on a connection from a load balancer, its PROXY protocol header is read ({@link ProxyHeader}).
 */
public final class ServerInitializer extends ChannelInitializer<SocketChannel> {
    public static final String PROXY_START = "proxyStart";
    public static final String PROXY = "proxy";
    public static final String PROXY_HEADER = "proxyHeader";
    public static final String TLS = "tls";
    public static final String FRAME = "frame";
    public static final String CODEC = "codec";
    public static final String READ_GATE = "readGate";
    public static final String AUTH = "auth";
    public static final String COMMAND = "command";
    public static final String ERRORS = "errors";

    private static final Logger log = LoggerFactory.getLogger(ServerInitializer.class);
    static final LogLimiter.Kind CONNECTION = new LogLimiter.Kind("Connection", log, Level.INFO);

    private final Limits limits;
    private final Duration loginTimeout;
    private final Duration replyTimeout;
    private final Services services;
    private final CommandHandlerFactory commands;
    private final ChannelGroup channels;
    private final LogLimiter logLimiter;
    private final Disconnector disconnector;
    private final ErrorHandler errors;
    /** Null when the port does not speak TLS. */
    private final SslContext tls;
    private final Duration handshakeTimeout;
    private final ConnectionLimits connectionLimits;
    private final Duration idleTimeout;
    private final Duration drain;

    /**
     * @param connectionLimits how many connections may be open, in all and not yet joined per address
     * @param idleTimeout      a device silent this long is disconnected; zero never
     * @param drain            how long requests in progress may take once the server begins to stop
     * @param tls              the TLS context of the port, or null for none
     * @param handshakeTimeout how long a TLS handshake may take
     */
    public ServerInitializer(Limits limits, Duration loginTimeout, Duration replyTimeout, Services services,
                             CommandHandlerFactory commands, ChannelGroup channels, LogLimiter logLimiter,
                             ConnectionLimits connectionLimits, Duration idleTimeout, Duration drain,
                             SslContext tls, Duration handshakeTimeout) {
        this.limits = limits;
        this.loginTimeout = loginTimeout;
        this.replyTimeout = replyTimeout;
        this.services = services;
        this.commands = commands;
        this.channels = channels;
        this.logLimiter = logLimiter;
        this.disconnector = new Disconnector(logLimiter);
        this.errors = new ErrorHandler(disconnector);
        this.tls = tls;
        this.handshakeTimeout = handshakeTimeout;
        this.connectionLimits = connectionLimits;
        this.idleTimeout = idleTimeout;
        this.drain = drain;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        // Counted before anything is allocated for it; a refused connection is told and closed.
        ConnectionLimits.Slot slot = connectionLimits.admit(ch);
        if (slot == null) {
            return;
        }
        ChannelPipeline p = ch.pipeline();
        if (slot.viaBalancer()) {
            // Logged once the balancer has named the device.
            p.addLast(PROXY_START, new ProxyHeader.Start(logLimiter)).addLast(PROXY, new HAProxyMessageDecoder())
                    .addLast(PROXY_HEADER, new ProxyHeader(slot, logLimiter));
        } else if (logLimiter.admit(CONNECTION, RemoteAddressFormat.ip(ch))) {
            log.info("Connection from {}", RemoteAddressFormat.ipAndPort(ch));
        }
        channels.add(ch);
        ReadGate gate = new ReadGate(replyTimeout, loginTimeout, idleTimeout, drain, disconnector, slot);
        if (tls != null) {
            p.addLast(TLS, new TlsDetector(tls, handshakeTimeout));
        }
        p.addLast(FRAME, new FrameDecoder(limits, MessageType::isKnown))
                .addLast(CODEC, MessageCodec.INSTANCE)
                .addLast(READ_GATE, gate)
                .addLast(AUTH, new AuthHandler(services, commands, gate, logLimiter, disconnector))
                .addLast(ERRORS, errors);
    }
}
