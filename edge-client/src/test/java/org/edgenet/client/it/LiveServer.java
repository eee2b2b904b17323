package org.edgenet.client.it;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.edgenet.client.net.EdgeClient;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.message.LoginStatus;
import org.edgenet.server.EdgeServer;
import org.edgenet.server.ServerConfig;

import org.edgenet.server.ClusterSettings;
import org.edgenet.server.MetricsSettings;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A real server on a free port with its files in a temporary directory, and real clients on one
 * shared event loop group, as the integration tests need them.
 *
 * <p>{@link #cluster} starts several servers in cluster mode instead: the first one works in
 * {@code dir} (so {@link #config} and {@link #server} are its), the others in {@code dir/node-N},
 * and every client connects to a node picked at random, from a seed printed for a rerun.
 */
final class LiveServer implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration POLL = Duration.ofMillis(5);
    /** Hazelcast member ports of these tests: 29500-29599, a fresh block of three per cluster. */
    private static final int FIRST_MEMBER_PORT = 29500;
    private static final int MEMBER_PORTS = 99;
    private static final AtomicInteger nextMemberPort = new AtomicInteger();

    final Path dir;
    final ServerConfig config;
    final EdgeServer server;
    /** Every node, {@link #server} first. */
    final List<EdgeServer> nodes;
    final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final List<EdgeClient> clients = new ArrayList<>();
    private final Random route;

    /** Starts a server in {@code dir} whose credentials are the given {@code name password} lines. */
    LiveServer(Path dir, List<String> credentials, UnaryOperator<ServerConfig.Builder> tweak) throws Exception {
        this.dir = dir;
        Files.write(dir.resolve("credentials.txt"), credentials);
        this.config = tweak.apply(ServerConfig.in(dir).port(0)).build();
        this.server = EdgeServer.start(config);
        this.nodes = List.of(server);
        this.route = new Random(0);
    }

    private LiveServer(Path dir, ServerConfig config, List<EdgeServer> nodes, long seed) {
        this.dir = dir;
        this.config = config;
        this.server = nodes.get(0);
        this.nodes = nodes;
        this.route = new Random(seed);
    }

    /**
     * Starts {@code count} servers of one new cluster on 127.0.0.1, each with the same credentials
     * and {@code tweak}, each with its own message journal. Returns once every node sees the others.
     */
    static LiveServer cluster(Path dir, List<String> credentials, UnaryOperator<ServerConfig.Builder> tweak,
                              int count) throws Exception {
        int first = FIRST_MEMBER_PORT + nextMemberPort.getAndAdd(count) % (MEMBER_PORTS - count);
        List<InetSocketAddress> members = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            members.add(new InetSocketAddress("127.0.0.1", first + i));
        }
        String name = "it-" + UUID.randomUUID();
        List<ServerConfig> configs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Path nodeDir = i == 0 ? dir : Files.createDirectories(dir.resolve("node-" + i));
            Files.write(nodeDir.resolve("credentials.txt"), credentials);
            ServerConfig c = tweak.apply(ServerConfig.in(nodeDir).port(0)).build();
            configs.add(c.toBuilder().metrics(new MetricsSettings(true))
                    .messages(c.messages().withJournal(nodeDir.resolve("messages")))
                    .cluster(new ClusterSettings(members, name, first + i)).build());
        }
        // Each start waits for the other members to answer: started one by one they would take seconds each.
        ExecutorService starters = Executors.newFixedThreadPool(count);
        List<EdgeServer> started = new ArrayList<>();
        try {
            List<Future<EdgeServer>> starting = new ArrayList<>();
            for (ServerConfig c : configs) {
                starting.add(starters.submit(() -> EdgeServer.start(c)));
            }
            for (Future<EdgeServer> f : starting) {
                started.add(f.get(WAIT.toSeconds(), TimeUnit.SECONDS));
            }
        } catch (Exception e) {
            started.forEach(EdgeServer::close);
            throw e;
        } finally {
            starters.shutdownNow();
        }
        long seed = System.nanoTime();
        System.out.println("Clients go to random nodes of " + name + ", seed " + seed);
        LiveServer live = new LiveServer(dir, configs.get(0), started, seed);
        eventually("every node sees " + count + " members",
                () -> started.stream().allMatch(s -> gauge(s, "edgenet_cluster_members") == count));
        return live;
    }

    /** The value of the gauge {@code name} (no tags) on {@code server}'s /metrics; NaN when it has none. */
    static double gauge(EdgeServer server, String name) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            server.metrics().scrape(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1));
            }
        }
        return Double.NaN;
    }

    /** The port of a node picked at random: the first when there is only one. */
    int anyPort() {
        synchronized (route) {
            return nodes.get(route.nextInt(nodes.size())).port();
        }
    }

    CompletableFuture<EdgeClient> connect() {
        return EdgeClient.connect(group, "127.0.0.1", anyPort()).thenApply(c -> {
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
        nodes.forEach(EdgeServer::close);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
