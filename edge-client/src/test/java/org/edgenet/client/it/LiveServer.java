package org.edgenet.client.it;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.edgenet.client.net.EdgeClient;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.message.LoginStatus;
import org.edgenet.server.EdgeServer;
import org.edgenet.server.ServerConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A real server on a free port with its files in a temporary directory, and real clients on one
 * shared event loop group, as the integration tests need them.
 */
final class LiveServer implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration POLL = Duration.ofMillis(5);

    final Path dir;
    final ServerConfig config;
    final EdgeServer server;
    final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final List<EdgeClient> clients = new ArrayList<>();

    /** Starts a server in {@code dir} whose credentials are the given {@code name password} lines. */
    LiveServer(Path dir, List<String> credentials, UnaryOperator<ServerConfig.Builder> tweak) throws Exception {
        this.dir = dir;
        Files.write(dir.resolve("credentials.txt"), credentials);
        this.config = tweak.apply(ServerConfig.in(dir).port(0)).build();
        this.server = EdgeServer.start(config);
    }

    CompletableFuture<EdgeClient> connect() {
        return EdgeClient.connect(group, "127.0.0.1", server.port()).thenApply(c -> {
            synchronized (clients) {
                clients.add(c);
            }
            return c;
        });
    }

    /** Connects, logs in and registers {@code udpPort}: a joined device. */
    CompletableFuture<EdgeClient> join(String device, String password, int udpPort) {
        return connect().thenCompose(c -> c.login(DeviceName.of(device), password).thenCompose(status -> {
            if (status != LoginStatus.WELCOME) {
                throw new IllegalStateException(device + " could not log in: " + status);
            }
            return c.registerUdp(udpPort);
        }).thenApply(joined -> c));
    }

    static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    List<String> lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }

    /** Polls until {@code condition} holds; the server writes its files on their own threads. */
    static void eventually(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting until " + what);
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
    }

    /** Polls the file until it has exactly {@code count} lines, then returns them. */
    List<String> awaitLines(Path file, int count) throws Exception {
        List<List<String>> last = new ArrayList<>(List.of(List.of()));
        eventually(file.getFileName() + " has " + count + " lines", () -> {
            try {
                last.set(0, lines(file));
            } catch (IOException e) {
                return false;
            }
            return last.get(0).size() == count;
        });
        assertEquals(count, last.get(0).size(), "lines in " + file.getFileName());
        return last.get(0);
    }

    @Override
    public void close() {
        synchronized (clients) {
            clients.forEach(EdgeClient::close);
        }
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
