package org.edgenet.client.it;

import org.edgenet.server.MessageSettings;
import org.edgenet.server.ServerConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Server JVMs of one new cluster on 127.0.0.1, started together and stopped together: each in its
 * own working directory {@code node-N} of a temporary directory, all with the data directory
 * {@code data} there, each with its dashboard port open for /metrics. Starting three JVMs takes
 * seconds, so the tests of a class share them while they ask for the same settings ({@link #shared}).
 *
 * <p>Each process writes its console to {@code server.out} in its working directory; the device
 * and message ports are read from there (both are 0: the system picks them). A JVM shutdown hook
 * kills whatever {@link #close} did not stop, so that no server outlives the tests.
 */
final class ServerProcesses implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("EdgeNet server listening on port (\\d+)");
    private static final Pattern MESSAGE_PORT = Pattern.compile("0xAE73 message port listening on \\S+ port (\\d+)");
    /** "10:49:34.127 INFO  " before each message, as config/logback.xml writes it. */
    private static final Pattern LOG_PREFIX = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} [A-Z]+ +");
    /** The last line a server prints once it has started. */
    private static final String DASHBOARD = "Dashboard at http://127.0.0.1:";
    /** Member and HTTP ports of these tests: 29700-29899, a block of two per node. */
    private static final int FIRST_PORT = 29700;
    private static final int PORTS = 200;
    /** Starts at a random block: a rerun should not meet the ports of the last run, still closing. */
    private static final AtomicInteger nextPort = new AtomicInteger(new Random().nextInt(PORTS));
    private static final Duration STOP = Duration.ofSeconds(30);
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The servers {@link #shared} started last, while they run. */
    private static ServerProcesses current;

    private final String name;
    private final Path dir;
    /** What these servers were started with: credentials, size and command line. */
    private final List<String> key;
    private final List<ProcessNode> nodes = new ArrayList<>();
    private final Thread killer = new Thread(this::kill, "kill-server-processes");

    private ServerProcesses(String name, Path dir, List<String> key) {
        this.name = name;
        this.dir = dir;
        this.key = key;
        Runtime.getRuntime().addShutdownHook(killer);
    }

    /**
     * Servers of {@code count} members with these credentials and {@code tweak}'s settings: the ones
     * the last call started when it asked for the same, or else new ones, after the others stopped.
     * {@code tweak} must say only what a command line can (a test's own clock, say, is refused).
     */
    static synchronized ServerProcesses shared(List<String> credentials, UnaryOperator<ServerConfig.Builder> tweak,
                                               int count, Duration wait) throws Exception {
        ServerConfig base = ServerConfig.in(Path.of("node")).port(0).build();
        List<String> key = new ArrayList<>(credentials);
        key.add(count + " nodes");
        key.addAll(arguments(base, journalIn(base, tweak.apply(base.toBuilder()).build())));
        if (current != null && current.key.equals(key) && current.nodes.stream().allMatch(n -> n.process.isAlive())) {
            return current;
        }
        stopShared();
        current = start(Files.createTempDirectory("edgenet-cluster-"), credentials, tweak, count, wait, key);
        return current;
    }

    /** Stops the servers {@link #shared} keeps, if any, and removes their directories. */
    static synchronized void stopShared() throws IOException {
        if (current != null) {
            ServerProcesses stopping = current;
            current = null;
            stopping.close();
            try (Stream<Path> files = Files.walk(stopping.dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /**
     * Starts {@code count} servers whose settings are {@code tweak}'s; returns once every server
     * listens and sees {@code count} members, and stops them all when one fails.
     */
    private static ServerProcesses start(Path dir, List<String> credentials,
                                         UnaryOperator<ServerConfig.Builder> tweak, int count, Duration wait,
                                         List<String> key) throws Exception {
        long began = System.nanoTime();
        int first = freeBlock(2 * count);
        String members = IntStream.range(0, count).mapToObj(i -> "127.0.0.1:" + (first + i))
                .collect(Collectors.joining(","));
        Path data = Files.createDirectories(dir.resolve("data"));
        ServerProcesses cluster = new ServerProcesses("it-" + UUID.randomUUID(), dir, key);
        try {
            List<List<String>> arguments = new ArrayList<>();
            List<ServerConfig> configs = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Path nodeDir = Files.createDirectories(dir.resolve("node-" + i));
                Files.write(nodeDir.resolve("credentials.txt"), credentials);
                ServerConfig base = ServerConfig.in(nodeDir).port(0).dataDir(data).build();
                ServerConfig wanted = journalIn(base, tweak.apply(base.toBuilder()).build());
                List<String> args = arguments(base, wanted);
                args.addAll(List.of("--data-dir", data.toString(), "--cluster-members", members,
                        "--cluster-name", cluster.name, "--cluster-port", Integer.toString(first + i),
                        "--http-port", Integer.toString(first + count + i)));
                arguments.add(args);
                configs.add(wanted);
            }
            for (int i = 0; i < count; i++) {
                cluster.nodes.add(ProcessNode.launch(configs.get(i), arguments.get(i), first + count + i));
            }
            long deadline = System.nanoTime() + wait.toNanos();
            for (ProcessNode n : cluster.nodes) {
                n.awaitListening(deadline);
            }
            LiveServer.eventually("every node sees " + count + " members", () -> cluster.nodes.stream()
                    .allMatch(n -> n.gauge("edgenet_cluster_members") == count));
            System.out.println("Started " + count + " server processes of " + cluster.name + " in "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began) + " ms");
        } catch (Throwable e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** Each server journals what it accepted in its own directory, as in production. */
    private static ServerConfig journalIn(ServerConfig base, ServerConfig wanted) {
        return wanted.toBuilder().messages(wanted.messages().withJournal(base.messages().journal())).build();
    }

    String name() {
        return name;
    }

    List<LiveServer.Node> nodes() {
        return List.copyOf(nodes);
    }

    /**
     * The command line that gives a server {@code wanted}, where it differs from {@code base}, the
     * defaults in the server's own directory.
     */
    private static List<String> arguments(ServerConfig base, ServerConfig wanted) {
        List<String> args = new ArrayList<>(List.of("0", Integer.toString(wanted.attempts())));
        ServerConfig.Builder said = base.toBuilder().attempts(wanted.attempts());
        if (!wanted.blockDuration().equals(base.blockDuration())) {
            args.addAll(List.of("--block-seconds", Long.toString(wanted.blockDuration().toSeconds())));
            said.blockDuration(Duration.ofSeconds(wanted.blockDuration().toSeconds()));
        }
        MessageSettings messages = base.messages();
        if (wanted.messages().port() != messages.port()) {
            args.addAll(List.of("--message-port", Integer.toString(wanted.messages().port())));
            messages = messages.withPort(wanted.messages().port());
        }
        if (wanted.messages().perRecipient() != messages.perRecipient()) {
            args.addAll(List.of("--message-limit", Integer.toString(wanted.messages().perRecipient())));
            messages = messages.withPerRecipient(wanted.messages().perRecipient());
        }
        said.messages(messages);
        if (wanted.operations().maxConnections() != base.operations().maxConnections()) {
            args.addAll(List.of("--max-connections", Integer.toString(wanted.operations().maxConnections())));
            said.operations(base.operations().withMaxConnections(wanted.operations().maxConnections()));
        }
        if (!said.build().equals(wanted)) {
            throw new IllegalArgumentException("A server process cannot be given these settings on its command line: "
                    + wanted);
        }
        return args;
    }

    /** The first port of {@code size} in a row, in this class's range, that nothing listens on now. */
    private static int freeBlock(int size) {
        for (int tries = 0; tries < PORTS / size; tries++) {
            int first = FIRST_PORT + Math.floorMod(nextPort.getAndAdd(size), PORTS - size);
            if (IntStream.range(first, first + size).allMatch(ServerProcesses::free)) {
                return first;
            }
        }
        throw new IllegalStateException("no " + size + " free ports in a row in " + FIRST_PORT + "-"
                + (FIRST_PORT + PORTS - 1));
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** SIGTERM to every server at once, so that they drain and leave together; SIGKILL after a deadline. */
    @Override
    public void close() {
        long began = System.nanoTime();
        nodes.forEach(n -> n.process.destroy());
        long deadline = began + STOP.toNanos();
        try {
            for (ProcessNode n : nodes) {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!n.process.waitFor(left, TimeUnit.NANOSECONDS)) {
                    System.out.println("The server in " + n.directory()
                            + " did not stop within " + STOP.toSeconds() + " s: killed");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            kill();
            System.out.println("Stopped the server processes of " + name + " in "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began) + " ms");
            try {
                Runtime.getRuntime().removeShutdownHook(killer);
            } catch (IllegalStateException e) {
                // The JVM is exiting: the hook runs anyway.
            }
        }
    }

    private void kill() {
        for (ProcessNode n : nodes) {
            n.process.destroyForcibly();
        }
        for (ProcessNode n : nodes) {
            try {
                n.process.waitFor(STOP.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** One server JVM on the test's class path; its ports are known once it has said it listens. */
    private static final class ProcessNode implements LiveServer.Node {
        final ServerConfig config;
        final Process process;
        final Path output;
        final int httpPort;
        private volatile int port = -1;
        private volatile int messagePort = -1;

        private ProcessNode(ServerConfig config, Process process, Path output, int httpPort) {
            this.config = config;
            this.process = process;
            this.output = output;
            this.httpPort = httpPort;
        }

        static ProcessNode launch(ServerConfig config, List<String> args, int httpPort) throws IOException {
            Path dir = config.credentialsFile().getParent();
            Path output = dir.resolve("server.out");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dlogback.configurationFile="
                            + Path.of("").toAbsolutePath().getParent().resolve("config/logback.xml"),
                    // A server of a test lives seconds: the quick compiler alone starts it sooner.
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    // What the server's jar grants Hazelcast in its manifest; a class path has no manifest.
                    "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
                    "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                    "--add-opens", "java.management/sun.management=ALL-UNNAMED",
                    "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), "org.edgenet.server.cli.ServerMain"));
            command.addAll(args);
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            return new ProcessNode(config, p, output, httpPort);
        }

        Path directory() {
            return output.getParent();
        }

        void awaitListening(long deadline) throws IOException {
            while (System.nanoTime() < deadline) {
                String text = Files.readString(output, StandardCharsets.UTF_8);
                if (text.contains(DASHBOARD)) {
                    port = Integer.parseInt(find(LISTENING, text));
                    String message = find(MESSAGE_PORT, text);
                    messagePort = message == null ? -1 : Integer.parseInt(message);
                    return;
                }
                if (!process.isAlive()) {
                    throw new AssertionError("The server in " + directory() + " exited at start:\n" + text);
                }
                LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            }
            throw new AssertionError("The server in " + directory() + " did not start:\n"
                    + Files.readString(output, StandardCharsets.UTF_8));
        }

        private static String find(Pattern pattern, String text) {
            Matcher m = pattern.matcher(text);
            return m.find() ? m.group(1) : null;
        }

        @Override
        public int port() {
            return port;
        }

        @Override
        public int messagePort() {
            return messagePort;
        }

        @Override
        public ServerConfig config() {
            return config;
        }

        /** Scraped over HTTP; NaN while the server does not answer. */
        @Override
        public double gauge(String name) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).build();
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                return response.statusCode() == 200 ? LiveServer.gauge(response.body(), name) : Double.NaN;
            } catch (IOException e) {
                return Double.NaN;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Double.NaN;
            }
        }

        /** The console's lines without their time and level: the messages, as an appender sees them. */
        @Override
        public List<String> log() {
            try {
                return Files.readAllLines(output, StandardCharsets.UTF_8).stream()
                        .map(l -> LOG_PREFIX.matcher(l).replaceFirst("")).toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
