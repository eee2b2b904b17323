package org.edgenet.client.it;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.edgenet.client.net.EdgeClient;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.message.LoginStatus;
import org.edgenet.server.EdgeServer;
import org.edgenet.server.ServerConfig;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A real server on a free port with its files in a temporary directory, and real clients on one
 * shared event loop group, as the integration tests need them.
 *
 * <p>{@link #processes} uses a cluster of server processes instead (see {@link ServerProcesses}),
 * which the tests of a class share: {@link #config} is the first node's, and every client connects
 * to a node picked at random, from a seed printed for a rerun. Closing waits until every device has
 * left on every node, so that the next test starts with none; the upload and deletion logs keep
 * growing, and {@link #awaitLinesOfAll} counts only the lines written since this test began.
 */
final class LiveServer implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration POLL = Duration.ofMillis(5);

    /** One server of the test: in this JVM, or a process of its own. */
    interface Node {
        /** The device port. */
        int port();

        /** The 0xAE73 message port; negative when it is off. */
        int messagePort();

        /** Where this server's own files are: working directory, logs, data directory. */
        ServerConfig config();

        /** The value of the gauge {@code name} (no tags) on this server's /metrics; NaN when it has none. */
        double gauge(String name);

        /** What the server logged, one entry per line or event, oldest first. */
        List<String> log();
    }

    final Path dir;
    final ServerConfig config;
    /** The server in this JVM; null when the nodes are processes. */
    final EdgeServer server;
    /** Every node, the one of {@link #config} first. */
    final List<Node> nodes;
    final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final List<EdgeClient> clients = new ArrayList<>();
    private final Random route;
    private final AutoCloseable stop;
    /** Lines each log of a shared cluster had when this test began. */
    private final Map<Path, Integer> linesBefore = new HashMap<>();

    /** Starts a server in {@code dir} whose credentials are the given {@code name password} lines. */
    LiveServer(Path dir, List<String> credentials, UnaryOperator<ServerConfig.Builder> tweak) throws Exception {
        this.dir = dir;
        Files.write(dir.resolve("credentials.txt"), credentials);
        this.config = tweak.apply(ServerConfig.in(dir).port(0)).build();
        this.server = EdgeServer.start(config);
        this.nodes = List.of(new InJvm(server, config));
        this.route = new Random(0);
        this.stop = server::close;
    }

    private LiveServer(ServerProcesses cluster, long seed) throws IOException {
        this.nodes = cluster.nodes();
        this.config = nodes.get(0).config();
        this.dir = config.credentialsFile().getParent();
        this.server = null;
        this.route = new Random(seed);
        this.stop = this::awaitNoDevices;
        for (Node n : nodes) {
            for (Path log : List.of(n.config().uploadLog(), n.config().deletionLog())) {
                linesBefore.put(log, lines(log).size());
            }
        }
    }

    /**
     * {@code count} server processes of one cluster on 127.0.0.1, each with these credentials and
     * {@code tweak} (what a command line can say), sharing one data directory: the last test's
     * when it asked for the same, else new ones. Returns once every node sees all members.
     */
    static LiveServer processes(List<String> credentials, UnaryOperator<ServerConfig.Builder> tweak, int count)
            throws Exception {
        ServerProcesses cluster = ServerProcesses.shared(credentials, tweak, count, WAIT.multipliedBy(6));
        long seed = System.nanoTime();
        System.out.println("Clients go to random nodes of " + cluster.name() + ", seed " + seed);
        return new LiveServer(cluster, seed);
    }

    /** Stops the processes the tests of a class shared. */
    static void stopProcesses() throws IOException {
        ServerProcesses.stopShared();
    }

    /**
     * Waits until every node counts no device and shows none in its device log; stops the shared
     * processes when that does not happen, so that the next test does not inherit a device.
     */
    private void awaitNoDevices() throws IOException {
        try {
            eventually("every device has left every node", () -> nodes.stream().allMatch(n -> {
                try {
                    return n.gauge("edgenet_devices_joined") == 0 && lines(n.config().deviceLog()).isEmpty();
                } catch (IOException e) {
                    return false;
                }
            }));
        } catch (AssertionError e) {
            stopProcesses();
            throw e;
        }
    }

    /** The value of the gauge {@code name} (no tags) in a /metrics {@code scrape}; NaN when it has none. */
    static double gauge(String scrape, String name) {
        for (String line : scrape.split("\n")) {
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

    /** The first node's 0xAE73 message port. */
    int messagePort() {
        return nodes.get(0).messagePort();
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

    /**
     * Polls the file {@code which} of every node (each server writes the uploads and deletions it
     * received to its own log) until they have {@code count} lines together, not counting those
     * written before this test began, then returns those lines.
     */
    List<String> awaitLinesOfAll(Function<ServerConfig, Path> which, int count) {
        List<List<String>> last = new ArrayList<>(List.of(List.of()));
        eventually("the nodes' " + which.apply(config).getFileName() + " have " + count + " lines", () -> {
            List<String> all = new ArrayList<>();
            for (Node n : nodes) {
                Path file = which.apply(n.config());
                try {
                    List<String> lines = lines(file);
                    all.addAll(lines.subList(Math.min(lines.size(), linesBefore.getOrDefault(file, 0)), lines.size()));
                } catch (IOException e) {
                    return false;
                }
            }
            last.set(0, all);
            return all.size() == count;
        });
        return last.get(0);
    }

    @Override
    public void close() {
        synchronized (clients) {
            clients.forEach(EdgeClient::close);
        }
        try {
            stop.close();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop the servers", e);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** A server of this JVM; its log is what a test's own appender catches, so it has none here. */
    private record InJvm(EdgeServer server, ServerConfig config) implements Node {
        @Override
        public int port() {
            return server.port();
        }

        @Override
        public int messagePort() {
            return server.messagePort();
        }

        @Override
        public double gauge(String name) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                server.metrics().scrape(out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return LiveServer.gauge(out.toString(StandardCharsets.UTF_8), name);
        }

        @Override
        public List<String> log() {
            return List.of();
        }
    }
}
