package org.edgenet.server.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.edgenet.common.cli.StartupException;
import org.edgenet.server.HttpSettings;
import org.edgenet.server.net.LogLimiter;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.List;

/** Opens the operator's HTTP port on the server's own event loops. */
public final class HttpPort {
    /**
     * What one HTTP connection may have waiting for its client before it stops being read, or, for
     * a live feed, is dropped: a page and its scripts fit, a feed never falls behind by more.
     */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(64 * 1024, 256 * 1024);

    private HttpPort() {
    }

    /**
     * Binds the port; it is not read until the caller turns on auto-read.
     *
     * @throws StartupException when the bind address is not loopback and no token is set, or the
     *                          port cannot be bound
     */
    public static Channel bind(HttpSettings settings, EventLoopGroup boss, EventLoopGroup workers,
                               List<HttpEndpoint> endpoints, LogLimiter logLimiter) throws StartupException {
        String where = settings.bind().getHostAddress() + " port " + settings.port();
        if (!settings.bind().isLoopbackAddress() && settings.token().isEmpty()) {
            throw new StartupException("Cannot serve HTTP on " + settings.bind().getHostAddress()
                    + " without --http-token: anyone who can reach the port could watch the devices");
        }
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.SO_BACKLOG, 64)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(new HttpInitializer(new HttpRouter(endpoints, settings.token(), logLimiter), logLimiter));
        try {
            return b.bind(new InetSocketAddress(settings.bind(), settings.port())).sync().channel();
        } catch (Exception e) {
            if (e instanceof BindException && String.valueOf(e.getMessage()).contains("in use")) {
                throw new StartupException("Cannot serve HTTP on " + where + ": the port is already in use", e);
            }
            throw new StartupException("Cannot serve HTTP on " + where + ": " + e.getMessage(), e);
        }
    }
}
