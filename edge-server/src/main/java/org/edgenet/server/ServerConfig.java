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
 * Everything the server needs to start. Start from {@link #defaults()} and change what differs with
 * the {@code with…} methods; every file path is relative to the working directory unless made absolute.
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
 */
public record ServerConfig(int port, int attempts, Duration blockDuration, InetAddress bindAddress,
                           Path credentialsFile, Path dataDir, Path deviceLog, Path uploadLog, Path deletionLog,
                           Duration loginTimeout, Limits limits, Clock clock, ZoneId zone,
                           Duration replyTimeout, int ioThreads, MessageSettings messages) {
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
    }

    /** Port 4000, 3 attempts, files in the working directory, system clock and zone. */
    public static ServerConfig defaults() {
        return new ServerConfig(4000, 3, DEFAULT_BLOCK, new InetSocketAddress(0).getAddress(),
                Path.of("credentials.txt"), Path.of("data"), Path.of("edge-device-log.txt"),
                Path.of("upload-log.txt"), Path.of("deletion-log.txt"), DEFAULT_LOGIN_TIMEOUT,
                Limits.SERVER, Clock.systemDefaultZone(), ZoneId.systemDefault(), DEFAULT_REPLY_TIMEOUT, 0,
                MessageSettings.defaults());
    }

    /**
     * Defaults with every file inside {@code dir}: what tests and side-by-side servers want.
     */
    public static ServerConfig in(Path dir) {
        return defaults().withFilesIn(dir);
    }

    public ServerConfig withFilesIn(Path dir) {
        return new ServerConfig(port, attempts, blockDuration, bindAddress, dir.resolve("credentials.txt"),
                dir.resolve("data"), dir.resolve("edge-device-log.txt"), dir.resolve("upload-log.txt"),
                dir.resolve("deletion-log.txt"), loginTimeout, limits, clock, zone, replyTimeout, ioThreads,
                messages.withJournal(dir.resolve("messages")));
    }

    public ServerConfig withPort(int port) {
        return new ServerConfig(port, attempts, blockDuration, bindAddress, credentialsFile, dataDir, deviceLog,
                uploadLog, deletionLog, loginTimeout, limits, clock, zone, replyTimeout, ioThreads, messages);
    }

    public ServerConfig withAttempts(int attempts) {
        return new ServerConfig(port, attempts, blockDuration, bindAddress, credentialsFile, dataDir, deviceLog,
                uploadLog, deletionLog, loginTimeout, limits, clock, zone, replyTimeout, ioThreads, messages);
    }

    public ServerConfig withBlockDuration(Duration blockDuration) {
        return new ServerConfig(port, attempts, blockDuration, bindAddress, credentialsFile, dataDir, deviceLog,
                uploadLog, deletionLog, loginTimeout, limits, clock, zone, replyTimeout, ioThreads, messages);
    }

    public ServerConfig withBindAddress(InetAddress bindAddress) {
        return new ServerConfig(port, attempts, blockDuration, bindAddress, credentialsFile, dataDir, deviceLog,
                uploadLog, deletionLog, loginTimeout, limits, clock, zone, replyTimeout, ioThreads, messages);
    }

    public ServerConfig withCredentialsFile(Path credentialsFile) {
        return new ServerConfig(port, attempts, blockDuration, bindAddress, credentialsFile, dataDir, deviceLog,
                uploadLog, deletionLog, loginTimeout, limits, clock, zone, replyTimeout, ioThreads, messages);
    }

    public ServerConfig withDataDir(Path dataDir) {
        return new ServerConfig(port, attempts, blockDuration, bindAddress, credentialsFile, dataDir, deviceLog,
                uploadLog, deletionLog, loginTimeout, limits, clock, zone, replyTimeout, ioThreads, messages);
    }

    public ServerConfig withDeviceLog(Path deviceLog) {
        return new ServerConfig(port, attempts, blockDuration, bindAddress, credentialsFile, dataDir, deviceLog,
                uploadLog, deletionLog, loginTimeout, limits, clock, zone, replyTimeout, ioThreads, messages);
    }

    public ServerConfig withUploadLog(Path uploadLog) {
        return new ServerConfig(port, attempts, blockDuration, bindAddress, credentialsFile, dataDir, deviceLog,
                uploadLog, deletionLog, loginTimeout, limits, clock, zone, replyTimeout, ioThreads, messages);
    }

    public ServerConfig withDeletionLog(Path deletionLog) {
        return new ServerConfig(port, attempts, blockDuration, bindAddress, credentialsFile, dataDir, deviceLog,
                uploadLog, deletionLog, loginTimeout, limits, clock, zone, replyTimeout, ioThreads, messages);
    }

    public ServerConfig withLoginTimeout(Duration loginTimeout) {
        return new ServerConfig(port, attempts, blockDuration, bindAddress, credentialsFile, dataDir, deviceLog,
                uploadLog, deletionLog, loginTimeout, limits, clock, zone, replyTimeout, ioThreads, messages);
    }

    public ServerConfig withReplyTimeout(Duration replyTimeout) {
        return new ServerConfig(port, attempts, blockDuration, bindAddress, credentialsFile, dataDir, deviceLog,
                uploadLog, deletionLog, loginTimeout, limits, clock, zone, replyTimeout, ioThreads, messages);
    }

    public ServerConfig withIoThreads(int ioThreads) {
        return new ServerConfig(port, attempts, blockDuration, bindAddress, credentialsFile, dataDir, deviceLog,
                uploadLog, deletionLog, loginTimeout, limits, clock, zone, replyTimeout, ioThreads, messages);
    }

    /** Changes only the mid-frame gap; the frame size bound stays. */
    public ServerConfig withFrameGap(Duration frameGap) {
        return withLimits(new Limits(limits.maxBody(), frameGap));
    }

    public ServerConfig withLimits(Limits limits) {
        return new ServerConfig(port, attempts, blockDuration, bindAddress, credentialsFile, dataDir, deviceLog,
                uploadLog, deletionLog, loginTimeout, limits, clock, zone, replyTimeout, ioThreads, messages);
    }

    public ServerConfig withClock(Clock clock) {
        return new ServerConfig(port, attempts, blockDuration, bindAddress, credentialsFile, dataDir, deviceLog,
                uploadLog, deletionLog, loginTimeout, limits, clock, zone, replyTimeout, ioThreads, messages);
    }

    public ServerConfig withZone(ZoneId zone) {
        return new ServerConfig(port, attempts, blockDuration, bindAddress, credentialsFile, dataDir, deviceLog,
                uploadLog, deletionLog, loginTimeout, limits, clock, zone, replyTimeout, ioThreads, messages);
    }

    public ServerConfig withMessages(MessageSettings messages) {
        return new ServerConfig(port, attempts, blockDuration, bindAddress, credentialsFile, dataDir, deviceLog,
                uploadLog, deletionLog, loginTimeout, limits, clock, zone, replyTimeout, ioThreads, messages);
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }
}
