package org.edgenet.server;

import org.edgenet.common.wire.Limits;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Objects;

/**
 * Everything the server needs to start. Build it with {@link #builder()} (or {@link #in(Path)}),
 * setting only what differs from the defaults; every file path is relative to the working directory
 * unless made absolute.
 *
 * @param port            TCP port to listen on; 0 lets the system choose (see {@link EdgeServer#port()})
 * @param attempts        consecutive failed logins (1..5) after which a device is blocked
 * @param blockDuration   how long a blocked device stays blocked
 * @param bindAddress     local address to listen on; the wildcard address means every interface
 * @param credentialsFile {@code name password} lines
 * @param dataDir         uploaded data files, one directory per device
 * @param deviceLog       the active devices, rewritten on every join and leave
 * @param uploadLog       one line appended per upload
 * @param deletionLog     one line appended per deletion
 * @param loginTimeout    a connection that has not joined by then is closed
 * @param limits          frame size bound and mid-frame gap
 * @param clock           source of every timestamp and of block expiry
 * @param zone            time zone in which timestamps are written
 * @param replyTimeout    a connection whose replies stay unread (outbound buffer above its high-water
 *                        mark) this long is closed with {@code SLOW_READER}
 * @param ioThreads       event-loop threads serving connections; 0 lets Netty choose (twice the cores)
 * @param messages        device messages: limits, journal and the optional 0xAE73 port
 * @param tracing         contact tracing: TempID lifetime and the tracing files
 * @param security        TLS on the device port, and how credentials are checked and reloaded
 * @param operations      connection limits, idle time-out, maintenance and the drain at shutdown
 * @param cluster         cluster mode: the members to join; none means the server runs alone
 * @param http            the operator's HTTP port and its dashboard
 * @param metrics         whether the server keeps Prometheus metrics
 */
public record ServerConfig(int port, int attempts, Duration blockDuration, InetAddress bindAddress,
                           Path credentialsFile, Path dataDir, Path deviceLog, Path uploadLog, Path deletionLog,
                           Duration loginTimeout, Limits limits, Clock clock, ZoneId zone,
                           Duration replyTimeout, int ioThreads, MessageSettings messages,
                           TracingSettings tracing, SecuritySettings security, OperationsSettings operations,
                           ClusterSettings cluster, HttpSettings http,
                           MetricsSettings metrics) {
    public static final int MIN_ATTEMPTS = 1;
    public static final int MAX_ATTEMPTS = 5;
    public static final Duration DEFAULT_BLOCK = Duration.ofSeconds(10);
    public static final Duration DEFAULT_LOGIN_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_REPLY_TIMEOUT = Duration.ofSeconds(30);

    public ServerConfig {
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (attempts < MIN_ATTEMPTS || attempts > MAX_ATTEMPTS) {
            throw new IllegalArgumentException("attempts must be between 1 and 5: " + attempts);
        }
        requirePositive(blockDuration, "blockDuration");
        requirePositive(loginTimeout, "loginTimeout");
        requirePositive(replyTimeout, "replyTimeout");
        if (ioThreads < 0) {
            throw new IllegalArgumentException("ioThreads must not be negative: " + ioThreads);
        }
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(credentialsFile, "credentialsFile");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(deviceLog, "deviceLog");
        Objects.requireNonNull(uploadLog, "uploadLog");
        Objects.requireNonNull(deletionLog, "deletionLog");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(messages, "messages");
        Objects.requireNonNull(tracing, "tracing");
        Objects.requireNonNull(security, "security");
        Objects.requireNonNull(operations, "operations");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(metrics, "metrics");
    }

    /**
     * A builder that starts from the defaults: port 4000, 3 attempts, files in the working
     * directory, system clock and zone.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults with every file inside {@code dir}: what tests and side-by-side servers want. */
    public static Builder in(Path dir) {
        return builder().filesIn(dir);
    }

    /** A builder that starts from this configuration. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Collects the settings one at a time; {@link #build()} checks them all at once (see the record's
     * components for what each means).
     */
    public static final class Builder {
        private int port = 4000;
        private int attempts = 3;
        private Duration blockDuration = DEFAULT_BLOCK;
        private InetAddress bindAddress = new InetSocketAddress(0).getAddress();
        private Path credentialsFile = Path.of("credentials.txt");
        private Path dataDir = Path.of("data");
        private Path deviceLog = Path.of("edge-device-log.txt");
        private Path uploadLog = Path.of("upload-log.txt");
        private Path deletionLog = Path.of("deletion-log.txt");
        private Duration loginTimeout = DEFAULT_LOGIN_TIMEOUT;
        private Limits limits = Limits.SERVER;
        private Clock clock = Clock.systemDefaultZone();
        private ZoneId zone = ZoneId.systemDefault();
        private Duration replyTimeout = DEFAULT_REPLY_TIMEOUT;
        private int ioThreads;
        private MessageSettings messages = MessageSettings.defaults();
        private TracingSettings tracing = TracingSettings.defaults();
        private SecuritySettings security = SecuritySettings.defaults();
        private OperationsSettings operations = OperationsSettings.defaults();
        private ClusterSettings cluster = ClusterSettings.defaults();
        private HttpSettings http = HttpSettings.defaults();
        private MetricsSettings metrics = MetricsSettings.defaults();

        private Builder() {
        }

        private Builder(ServerConfig c) {
            port = c.port;
            attempts = c.attempts;
            blockDuration = c.blockDuration;
            bindAddress = c.bindAddress;
            credentialsFile = c.credentialsFile;
            dataDir = c.dataDir;
            deviceLog = c.deviceLog;
            uploadLog = c.uploadLog;
            deletionLog = c.deletionLog;
            loginTimeout = c.loginTimeout;
            limits = c.limits;
            clock = c.clock;
            zone = c.zone;
            replyTimeout = c.replyTimeout;
            ioThreads = c.ioThreads;
            messages = c.messages;
            tracing = c.tracing;
            security = c.security;
            operations = c.operations;
            cluster = c.cluster;
            http = c.http;
            metrics = c.metrics;
        }

        /** @throws IllegalArgumentException when a setting is out of range, as the record's constructor says */
        public ServerConfig build() {
            return new ServerConfig(port, attempts, blockDuration, bindAddress, credentialsFile, dataDir, deviceLog,
                    uploadLog, deletionLog, loginTimeout, limits, clock, zone, replyTimeout, ioThreads, messages,
                    tracing,
                    security,
                    operations, cluster, http, metrics);
        }

        /** Every file under {@code dir}, with its default name. */
        public Builder filesIn(Path dir) {
            credentialsFile = dir.resolve("credentials.txt");
            dataDir = dir.resolve("data");
            deviceLog = dir.resolve("edge-device-log.txt");
            uploadLog = dir.resolve("upload-log.txt");
            deletionLog = dir.resolve("deletion-log.txt");
            messages = messages.withJournal(dir.resolve("messages"));
            tracing = tracing.in(dir);
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder attempts(int attempts) {
            this.attempts = attempts;
            return this;
        }

        public Builder blockDuration(Duration blockDuration) {
            this.blockDuration = blockDuration;
            return this;
        }

        public Builder bindAddress(InetAddress bindAddress) {
            this.bindAddress = bindAddress;
            return this;
        }

        public Builder credentialsFile(Path credentialsFile) {
            this.credentialsFile = credentialsFile;
            return this;
        }

        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        public Builder deviceLog(Path deviceLog) {
            this.deviceLog = deviceLog;
            return this;
        }

        public Builder uploadLog(Path uploadLog) {
            this.uploadLog = uploadLog;
            return this;
        }

        public Builder deletionLog(Path deletionLog) {
            this.deletionLog = deletionLog;
            return this;
        }

        public Builder loginTimeout(Duration loginTimeout) {
            this.loginTimeout = loginTimeout;
            return this;
        }

        public Builder limits(Limits limits) {
            this.limits = limits;
            return this;
        }

        /** Changes only the mid-frame gap; the frame size bound stays. */
        public Builder frameGap(Duration frameGap) {
            this.limits = new Limits(limits.maxBody(), frameGap);
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public Builder zone(ZoneId zone) {
            this.zone = zone;
            return this;
        }

        public Builder replyTimeout(Duration replyTimeout) {
            this.replyTimeout = replyTimeout;
            return this;
        }

        public Builder ioThreads(int ioThreads) {
            this.ioThreads = ioThreads;
            return this;
        }

        public Builder messages(MessageSettings messages) {
            this.messages = messages;
            return this;
        }

        public Builder tracing(TracingSettings tracing) {
            this.tracing = tracing;
            return this;
        }

        public Builder security(SecuritySettings security) {
            this.security = security;
            return this;
        }

        public Builder operations(OperationsSettings operations) {
            this.operations = operations;
            return this;
        }

        public Builder cluster(ClusterSettings cluster) {
            this.cluster = cluster;
            return this;
        }

        public Builder http(HttpSettings http) {
            this.http = http;
            return this;
        }

        public Builder metrics(MetricsSettings metrics) {
            this.metrics = metrics;
            return this;
        }
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }
}
