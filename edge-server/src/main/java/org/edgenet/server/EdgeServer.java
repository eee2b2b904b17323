package org.edgenet.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.channel.group.ChannelMatcher;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.Ticker;
import org.edgenet.common.cli.StartupException;
import org.edgenet.server.cluster.ClusterNode;
import org.edgenet.server.http.DashboardSources;
import org.edgenet.server.http.OperatorPort;
import org.edgenet.server.http.RecentActivity;
import org.edgenet.server.metrics.MetricsEndpoint;
import org.edgenet.server.metrics.PrometheusMetrics;
import org.edgenet.server.metrics.ServerMetrics;
import org.edgenet.server.net.CommandHandler;
import org.edgenet.server.net.ConnectionLimits;
import org.edgenet.server.net.LogLimiter;
import org.edgenet.server.net.MessagePortInitializer;
import org.edgenet.server.net.ReadGate;
import org.edgenet.server.net.ServerInitializer;
import org.edgenet.server.net.ServerTls;
import org.edgenet.server.service.ActivityLog;
import org.edgenet.server.service.DeviceRegistry;
import org.edgenet.server.service.Disk;
import org.edgenet.server.service.FileDataStore;
import org.edgenet.server.service.FileDeviceRegistry;
import org.edgenet.server.service.InMemoryLoginGuard;
import org.edgenet.server.service.JournalMessageStore;
import org.edgenet.server.service.KeyedSerialExecutor;
import org.edgenet.server.service.LoginGuard;
import org.edgenet.server.service.Maintenance;
import org.edgenet.server.service.MaintenanceTask;
import org.edgenet.server.service.MaintenanceTasks;
import org.edgenet.server.service.MessageStore;
import org.edgenet.server.service.Services;
import org.edgenet.server.service.TicketService;
import org.edgenet.server.service.TracingService;
import org.edgenet.server.service.WatchedCredentialStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The running server: a listening socket, its event loops and the file-backed services. Start it
 * with {@link #start(ServerConfig)}; {@link #close()} ends every connection, lets the services
 * write what they hold and releases everything.
 */
public final class EdgeServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EdgeServer.class);

    /**
     * Replies a connection may have waiting for its peer before it stops being read, and the level
     * below which it is read again. One reply may be larger (an AED list of thousands of devices);
     * the point is that no second reply is made while it is unread. Every reply but AED is under
     * 1 KiB, so an honest device never meets the mark, while thousands of devices that do not read
     * hold at most 64 KiB each.
     */
    static final WriteBufferWaterMark REPLY_WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);
    /** Largest socket read: bounds what one read can decode while reading is being stopped. */
    static final int MAX_READ = 16 * 1024;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ChannelGroup channels;
    private final Channel listener;
    /** The 0xAE73 listener; null when it is off. */
    private final Channel messageListener;
    /** The operator's HTTP port; null when it is off. */
    private final OperatorPort http;
    /** Closed in reverse order of opening, after the event loops stop. */
    private final List<AutoCloseable> services;
    private final LogLimiter logLimiter;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** How long uploads in progress may take to finish when the server stops. */
    private final Duration drain;
    private final ServerMetrics metrics;

    private EdgeServer(EventLoopGroup boss, EventLoopGroup workers, ChannelGroup channels, Channel listener,
                       Channel messageListener, OperatorPort http, List<AutoCloseable> services, LogLimiter logLimiter,
                       Duration drain, ServerMetrics metrics) {
        this.http = http;
        this.metrics = metrics;
        this.boss = boss;
        this.workers = workers;
        this.channels = channels;
        this.listener = listener;
        this.messageListener = messageListener;
        this.services = services;
        this.logLimiter = logLimiter;
        this.drain = drain;
    }

    /**
     * Reads the credentials, opens the files and starts listening; returns once connections are
     * accepted.
     *
     * @throws StartupException with a one-line reason when the credentials cannot be read, a file
     *                          cannot be opened or the port cannot be bound
     */
    public static EdgeServer start(ServerConfig config) throws Exception {
        SecuritySettings security = config.security();
        SslContext tls = ServerTls.context(security);
        WatchedCredentialStore credentials = WatchedCredentialStore.open(config.credentialsFile(),
                security.credentialsPoll(), security.checkThreads(), security.checkQueue());
        List<AutoCloseable> opened = new ArrayList<>();
        opened.add(credentials);
        EventLoopGroup boss = null;
        EventLoopGroup workers = null;
        try {
            // Before any file is opened: a second server in the same place must change nothing.
            for (Path dir : workingDirectories(config)) {
                opened.add(DirectoryLock.acquire(dir));
            }
            if (config.cluster().enabled()) {
                opened.add(SharedDataDirectory.claim(config.dataDir(), config.cluster().name()));
            } else {
                SharedDataDirectory.refuseIfShared(config.dataDir());
            }
            Disk disk = Disk.synced();
            // Named only here, so that a server without cluster settings never loads the cluster library.
            ClusterNode cluster = config.cluster().enabled() ? add(opened, ClusterNode.start(config.cluster())) : null;
            FileDeviceRegistry fileRegistry = cluster != null ? null : open(opened, () -> FileDeviceRegistry.open(
                    config.deviceLog(), config.clock(), config.zone(), disk), config.deviceLog());
            DeviceRegistry registry = cluster == null ? fileRegistry : open(opened, () -> cluster.registry(
                    config.deviceLog(), config.clock(), config.zone(), disk), config.deviceLog());
            ActivityLog uploads = open(opened, () -> ActivityLog.open(config.uploadLog(), disk), config.uploadLog());
            ActivityLog deletions = open(opened, () -> ActivityLog.open(config.deletionLog(), disk),
                    config.deletionLog());
            // The lanes mostly wait for the disk to flush, and flushes that wait at the same time share
            // one journal commit: more lanes than cores let devices share that cost.
            var lanes = KeyedSerialExecutor.threads(Math.max(16, 2 * Runtime.getRuntime().availableProcessors()), "data");
            FileDataStore data;
            try {
                data = new FileDataStore(config.dataDir(), uploads, deletions, lanes, disk, config.clock(),
                        config.zone(), cluster == null ? null : cluster.sharedFiles());
            } catch (IOException e) {
                lanes.close();
                throw new StartupException("Cannot use data directory " + config.dataDir() + ": " + reason(e), e);
            }
            opened.add(data);
            MessageSettings ms = config.messages();
            JournalMessageStore journal = open(opened, () -> JournalMessageStore.open(ms.journal(), ms.perRecipient(),
                    ms.totalBytes(), disk, config.clock().withZone(config.zone())), ms.journal());
            MessageStore messages = cluster == null ? journal
                    : open(opened, () -> cluster.messages(ms, config.clock().withZone(config.zone()), journal), ms.journal());
            TracingService tracing = open(opened, () -> TracingService.open(config.tracing(), disk, config.clock(),
                    config.zone(), messages), config.tracing().tempIdFile());
            if (cluster != null) {
                cluster.shareTempIds(tracing, config.tracing().tempIdLifetime().plus(config.tracing().retention()));
            }
            List<MaintenanceTask> tasks = MaintenanceTasks.standard(data, journal);
            tasks.add(MaintenanceTasks.tempIds(tracing));
            opened.add(Maintenance.every(config.operations().maintenanceInterval(), tasks));
            LoginGuard guard = cluster == null
                    ? new InMemoryLoginGuard(config.attempts(), config.blockDuration(), config.clock())
                    : cluster.loginGuard(config.attempts(), config.blockDuration(), config.clock());
            // The HTTP port serves them, so they are kept whenever it listens.
            ServerMetrics metrics = config.metrics().enabled() || config.http().listens()
                    ? new PrometheusMetrics(() -> registry.active().size(), data::storedBytes,
                            cluster == null ? journal::waitingTotal : cluster::messagesWaitingHere)
                    : ServerMetrics.NONE;
            opened.add(metrics);
            if (cluster != null && metrics instanceof PrometheusMetrics prometheus) {
                prometheus.bind(cluster.meters());
            }
            RecentActivity recent = new RecentActivity(config.clock(), config.zone());
            Services services = new Services(credentials, guard, registry, recent.observe(data), messages,
                    tracing, metrics);

            boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
            workers = new MultiThreadIoEventLoopGroup(config.ioThreads(), NioIoHandler.newFactory());
            LogLimiter logLimiter = new LogLimiter(Ticker.systemTicker());
            // Summaries of ended windows go out within a second, also when no further event comes.
            boss.scheduleAtFixedRate(logLimiter::flush, 1, 1, TimeUnit.SECONDS);
            ChannelGroup channels = new DefaultChannelGroup("devices", GlobalEventExecutor.INSTANCE);
            OperationsSettings ops = config.operations();
            ServerBootstrap b = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    // No connection is accepted before the files are reset below.
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, REPLY_WATER_MARK)
                    .childOption(ChannelOption.RECVBUF_ALLOCATOR, readSizes())
                    .childHandler(new ServerInitializer(config.limits(), config.loginTimeout(), config.replyTimeout(),
                            services, CommandHandler.factory(services,
                                    cluster == null ? new TicketService() : cluster.tickets()),
                            channels, logLimiter,
                            new ConnectionLimits(ops.maxConnections(), ops.maxPendingLoginsPerIp(), ops.balancers(),
                                    logLimiter, metrics),
                            ops.idleTimeout(), ops.drain(), tls, security.handshakeTimeout()));
            InetSocketAddress address = new InetSocketAddress(config.bindAddress(), config.port());
            Channel listener;
            try {
                listener = b.bind(address).sync().channel();
            } catch (Exception e) {
                throw bindFailure(config, e);
            }
            Channel messageListener = null;
            if (ms.listens()) {
                try {
                    messageListener = bindMessagePort(ms, boss, workers, messages, channels, logLimiter);
                } catch (StartupException e) {
                    Shutdown.begin().await(listener.close(), "the listening socket to close");
                    throw e;
                }
            }
            OperatorPort http = null;
            if (config.http().listens()) {
                try {
                    http = OperatorPort.open(config.http(), boss, workers, logLimiter, config.clock(),
                            new DashboardSources(registry, recent, data, metrics::commandsHandled,
                                    cluster == null ? List::of : cluster::shares),
                            List.of(new MetricsEndpoint(metrics)));
                } catch (StartupException e) {
                    Shutdown shutdown = Shutdown.begin();
                    shutdown.await(listener.close(), "the listening socket to close");
                    if (messageListener != null) {
                        shutdown.await(messageListener.close(), "the message port to close");
                    }
                    throw e;
                }
            }
            // The directories are ours (locked above), so no other server uses these files: start afresh.
            try {
                if (fileRegistry != null) {
                    fileRegistry.clear();
                }
                if (cluster == null) {
                    // Members share the data directory: the temp files may be other members' uploads.
                    data.removeLeftoverUploads();
                }
            } catch (IOException e) {
                Shutdown shutdown = Shutdown.begin();
                shutdown.await(listener.close(), "the listening socket to close");
                if (messageListener != null) {
                    shutdown.await(messageListener.close(), "the message port to close");
                }
                if (http != null) {
                    http.close();
                }
                throw new StartupException("Cannot prepare " + config.deviceLog() + " and " + config.dataDir()
                        + ": " + reason(e), e);
            }
            listener.config().setAutoRead(true);
            if (messageListener != null) {
                messageListener.config().setAutoRead(true);
                InetSocketAddress at = (InetSocketAddress) messageListener.localAddress();
                log.warn("The 0xAE73 message port is open on {} port {}. It has no authentication: anyone who "
                        + "can reach it can read any mailbox and leave messages under any name",
                        at.getAddress().getHostAddress(), at.getPort());
            }
            if (http != null) {
                http.start();
            }
            return new EdgeServer(boss, workers, channels, listener, messageListener, http, opened, logLimiter,
                    ops.drain(), metrics);
        } catch (Exception e) {
            Shutdown.begin().stopThreads(workers, boss, 1);
            Shutdown.closeAll(opened);
            throw e;
        }
    }

    /** Opens the 0xAE73 listener on the same event loops; not read until the server is ready. */
    private static Channel bindMessagePort(MessageSettings ms, EventLoopGroup boss, EventLoopGroup workers,
                                           MessageStore messages, ChannelGroup channels, LogLimiter logLimiter)
            throws StartupException {
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.SO_BACKLOG, 256)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new MessagePortInitializer(messages, channels, logLimiter));
        try {
            return b.bind(new InetSocketAddress(ms.bind(), ms.port())).sync().channel();
        } catch (Exception e) {
            String where = ms.bind().getHostAddress() + " port " + ms.port();
            if (e instanceof BindException && String.valueOf(e.getMessage()).contains("in use")) {
                throw new StartupException("Cannot listen for 0xAE73 messages on " + where
                        + ": the port is already in use", e);
            }
            throw new StartupException("Cannot listen for 0xAE73 messages on " + where + ": " + reason(e), e);
        }
    }

    /** Every directory the server writes in; each is claimed with a {@link DirectoryLock}. */
    static Set<Path> workingDirectories(ServerConfig config) {
        Set<Path> dirs = new LinkedHashSet<>();
        for (Path file : List.of(config.deviceLog(), config.uploadLog(), config.deletionLog(),
                config.tracing().tempIdFile(), config.tracing().traceLog())) {
            Path parent = file.toAbsolutePath().normalize().getParent();
            dirs.add(parent);
        }
        if (!config.cluster().enabled()) {
            // The members of a cluster share their data directory: SharedDataDirectory guards it.
            dirs.add(config.dataDir().toAbsolutePath().normalize());
        }
        dirs.add(config.messages().journal().toAbsolutePath().normalize());
        return dirs;
    }

    /**
     * One read of at most {@link #MAX_READ} bytes per turn of the event loop: a connection that
     * floods small requests gets through at most a few thousand before the other connections on
     * its thread get their turn, and a read loop ends as soon as the gate stops reading.
     */
    private static RecvByteBufAllocator readSizes() {
        return new AdaptiveRecvByteBufAllocator(64, 2048, MAX_READ).maxMessagesPerRead(1);
    }

    private interface Opener<T> {
        T open() throws IOException;
    }

    private static <T extends AutoCloseable> T open(List<AutoCloseable> opened, Opener<T> opener, Object what)
            throws StartupException {
        try {
            T t = opener.open();
            opened.add(t);
            return t;
        } catch (IOException e) {
            throw new StartupException("Cannot write " + what + ": " + reason(e), e);
        }
    }

    private static <T extends AutoCloseable> T add(List<AutoCloseable> opened, T t) {
        opened.add(t);
        return t;
    }

    private static StartupException bindFailure(ServerConfig config, Exception e) {
        String where = config.bindAddress().isAnyLocalAddress()
                ? "port " + config.port()
                : config.bindAddress().getHostAddress() + " port " + config.port();
        if (e instanceof BindException && String.valueOf(e.getMessage()).contains("in use")) {
            return new StartupException("Cannot listen on " + where + ": the port is already in use", e);
        }
        return new StartupException("Cannot listen on " + where + ": " + reason(e), e);
    }

    private static String reason(Exception e) {
        String m = e.getMessage();
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return m == null ? e.getClass().getSimpleName() : m;
    }

    /** The port actually listened on; differs from the configured one when that was 0. */
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** The port of the 0xAE73 listener; -1 when it is off. */
    public int messagePort() {
        return messageListener == null ? -1 : ((InetSocketAddress) messageListener.localAddress()).getPort();
    }

    /** The port of the HTTP listener; -1 when it is off. */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    /** What the server counts, for the operator's HTTP port; {@link ServerMetrics#NONE} when metrics are off. */
    public ServerMetrics metrics() {
        return metrics;
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitClose() throws InterruptedException {
        stopped.await();
    }

    /**
     * Stops listening, tells every device that the server is shutting down and lets requests in
     * progress (uploads above all) finish for up to the drain time, closes every connection (each
     * device leaves as if it had sent OUT), waits for the services to write what they hold, and
     * releases the threads. Safe to call twice. Every wait is bounded: what does not stop in time
     * is left behind with a warning, so that a stuck connection thread cannot keep the process
     * from ending.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            awaitQuietly();
            return;
        }
        try {
            Shutdown accepting = Shutdown.begin();
            accepting.await(listener.close(), "the listening socket to close");
            if (messageListener != null) {
                accepting.await(messageListener.close(), "the message port to close");
            }
            if (http != null) {
                http.close();
            }
            drainDevices();
            Shutdown shutdown = Shutdown.begin();
            shutdown.await(channels.close(), "the device connections to close");
            shutdown.stopThreads(workers, boss, 5);
            Shutdown.closeAll(services);
            logLimiter.flushAll();
            log.info("Server stopped");
        } finally {
            stopped.countDown();
        }
    }

    /**
     * Tells every joined or joining device that the server stops, and waits until each has had the
     * replies it is owed, or the drain time is over; the {@link ReadGate} of each connection decides.
     */
    private void drainDevices() {
        ChannelMatcher devices = ch -> ch.pipeline().get(ReadGate.class) != null;
        ChannelGroupFuture done = channels.newCloseFuture(devices);
        int count = 0;
        for (Channel ch : channels) {
            if (devices.matches(ch)) {
                count++;
                ch.pipeline().fireUserEventTriggered(ReadGate.DRAIN);
            }
        }
        if (count == 0) {
            return;
        }
        log.info("Stopping: {} {} told; requests in progress have up to {} s to finish", count,
                count == 1 ? "connection" : "connections", drain.toSeconds());
        // The drain, then the last reply's grace, then a margin for the closes themselves.
        Duration wait = drain.plus(ReadGate.CLOSE_GRACE).plusSeconds(1);
        if (!done.awaitUninterruptibly(wait.toMillis())) {
            log.warn("Gave up waiting for the devices to finish after {} s", wait.toSeconds());
        }
    }

    /** The threads that serve connections: a test hook. */
    EventLoopGroup connectionThreads() {
        return workers;
    }

    /** Bytes of replies waiting to be sent on the busiest connection: a test hook. */
    long maxQueuedReplyBytes() {
        long max = 0;
        for (Channel ch : channels) {
            ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
            if (out != null) {
                max = Math.max(max, out.totalPendingWriteBytes());
            }
        }
        return max;
    }

    private void awaitQuietly() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
