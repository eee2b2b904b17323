package org.edgenet.server.http;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import org.edgenet.common.cli.StartupException;
import org.edgenet.server.HttpSettings;
import org.edgenet.server.net.LogLimiter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The operator's HTTP port as the server runs it: the listener, the dashboard's page and live feed,
 * any further endpoints (such as {@code /metrics}), and the dashboard thread that ticks the feed
 * once a second and is the one to read the data directory for it.
 */
public final class OperatorPort implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OperatorPort.class);

    private final Channel listener;
    private final LiveFeed feed;
    private final ScheduledExecutorService dashboard;
    private final HttpSettings settings;

    private OperatorPort(Channel listener, LiveFeed feed, ScheduledExecutorService dashboard, HttpSettings settings) {
        this.listener = listener;
        this.feed = feed;
        this.dashboard = dashboard;
        this.settings = settings;
    }

    /**
     * Binds the port with the dashboard and {@code more} endpoints; nothing is read until
     * {@link #start()}.
     */
    public static OperatorPort open(HttpSettings settings, EventLoopGroup boss, EventLoopGroup workers,
                                    LogLimiter logLimiter, Clock clock, LiveFeed.Sources sources,
                                    List<HttpEndpoint> more) throws StartupException {
        LiveFeed feed = new LiveFeed(sources, clock);
        List<HttpEndpoint> endpoints = new ArrayList<>(DashboardPage.endpoints(settings.token()));
        endpoints.add(feed);
        endpoints.addAll(more);
        Channel listener = HttpPort.bind(settings, boss, workers, endpoints, logLimiter);
        // Its queue holds one task, the tick below, rescheduled: viewers add nothing to it.
        ScheduledExecutorService dashboard = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dashboard");
            t.setDaemon(true);
            return t;
        });
        return new OperatorPort(listener, feed, dashboard, settings);
    }

    /** Starts reading the port and ticking the feed. */
    public void start() {
        dashboard.scheduleAtFixedRate(this::tick, 0, 1, TimeUnit.SECONDS);
        listener.config().setAutoRead(true);
        // The console line is ServerMain's, beside the device port's.
        log.debug("Dashboard at http://{}:{}/", host(), port());
    }

    private void tick() {
        try {
            feed.tick();
        } catch (RuntimeException e) {
            // A failed second must not end the ticking: scheduleAtFixedRate stops at the first exception.
            log.warn("The dashboard feed failed to update: {}", e.toString());
        }
    }

    private String host() {
        String h = settings.bind().getHostAddress();
        return h.contains(":") ? "[" + h + "]" : h;
    }

    /** The port actually listened on. */
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** Stops the feed and closes the listener and every viewer; waits a bounded time for the listener. */
    @Override
    public void close() {
        dashboard.shutdownNow();
        feed.closeViewers();
        listener.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
