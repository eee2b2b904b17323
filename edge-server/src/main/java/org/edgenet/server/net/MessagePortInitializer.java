package org.edgenet.server.net;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import org.edgenet.server.service.MessageStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pipeline of an 0xAE73 connection, the second kind the server accepts, on the same event
 * loops as the devices' connections and sharing their message store: the decoder reads the one
 * MessageRequest record, the handler serves it and ends the connection. Nothing here is
 * authenticated, so the number of such connections open at once is bounded by
 * {@link #MAX_CONNECTIONS}; one beyond is closed at once.
 */
public final class MessagePortInitializer extends ChannelInitializer<SocketChannel> {
    public static final String DECODER = "ae73Decoder";
    public static final String HANDLER = "ae73Handler";
    public static final int MAX_CONNECTIONS = 1024;

    private static final Logger log = LoggerFactory.getLogger(MessagePortInitializer.class);
    static final LogLimiter.Kind REFUSED = new LogLimiter.Kind("Message port full", log, Level.WARN);

    private final Ae73Handler handler;
    private final ChannelGroup channels;
    private final LogLimiter logLimiter;
    private final AtomicInteger open = new AtomicInteger();

    public MessagePortInitializer(MessageStore store, ChannelGroup channels, LogLimiter logLimiter) {
        this.handler = new Ae73Handler(store, logLimiter);
        this.channels = channels;
        this.logLimiter = logLimiter;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        if (open.incrementAndGet() > MAX_CONNECTIONS) {
            open.decrementAndGet();
            if (logLimiter.admit(REFUSED, RemoteAddressFormat.ip(ch))) {
                log.warn("Closing 0xAE73 connection {}: {} are open already", RemoteAddressFormat.ipAndPort(ch), MAX_CONNECTIONS);
            }
            ch.close();
            return;
        }
        ch.closeFuture().addListener(f -> open.decrementAndGet());
        channels.add(ch);
        ch.pipeline().addLast(DECODER, new Ae73Decoder()).addLast(HANDLER, handler);
    }
}
