package org.edgenet.client.it;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.edgenet.client.net.EdgeClient;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.FileId;
import org.edgenet.common.message.LoginStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The server as a process of its own, sent SIGTERM while 20 devices upload without pause: it exits
 * 0, every upload it confirmed is stored whole and logged, and nothing partial is left behind.
 */
class GracefulShutdownProcessTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");
    private static final int DEVICES = 20;
    /** Lines per upload: about 100 KB, so that some uploads are always in progress. */
    private static final int LINES = 15_000;

    @TempDir
    Path dir;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private Process server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.destroyForcibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private int start(Path out) throws IOException {
        server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlogback.configurationFile=" + Path.of("").toAbsolutePath().getParent().resolve("config/logback.xml"),
                "-cp", System.getProperty("java.class.path"), "org.edgenet.server.cli.ServerMain", "0", "5",
                "--drain-seconds", "10")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            String text = Files.readString(out, StandardCharsets.UTF_8);
            Matcher m = LISTENING.matcher(text);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            if (!server.isAlive()) {
                fail("the server exited at start: " + text);
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
        throw new AssertionError("the server did not start");
    }

    /** One device uploading file after file until the server stops it; remembers what was confirmed. */
    private final class Uploader {
        final String name;
        final EdgeClient client;
        final Path files;
        final Random random;
        /** fileID to sample count, for every upload the server confirmed. */
        final Map<Long, Long> confirmed = new ConcurrentHashMap<>();
        final CompletableFuture<Void> stopped = new CompletableFuture<>();
        long next;

        Uploader(String name, EdgeClient client, long seed) throws IOException {
            this.name = name;
            this.client = client;
            this.files = Files.createDirectories(dir.resolve("clients").resolve(name));
            this.random = new Random(seed);
        }

        Path file(long id) {
            return files.resolve(name + "-" + id + ".txt");
        }

        void uploadNext() {
            long id = next++;
            try {
                StringBuilder text = new StringBuilder(LINES * 7);
                for (int i = 0; i < LINES; i++) {
                    text.append(random.nextInt(1_000_000)).append('\n');
                }
                Files.writeString(file(id), text, StandardCharsets.US_ASCII);
            } catch (IOException e) {
                stopped.completeExceptionally(e);
                return;
            }
            client.upload(FileId.of(id), file(id)).whenCompleteAsync((uploaded, e) -> {
                if (e != null) {
                    stopped.complete(null);
                    return;
                }
                confirmed.put(id, uploaded.dataAmount());
                uploadNext();
            });
        }
    }

    @Test
    void sigtermDuringTwentyUploadsKeepsEveryConfirmedUploadWholeLeavesNothingPartialAndExitsZero() throws Exception {
        List<String> credentials = new ArrayList<>();
        for (int d = 0; d < DEVICES; d++) {
            credentials.add("device" + d + " pw");
        }
        Files.write(dir.resolve("credentials.txt"), credentials);
        Path out = dir.resolve("server.out");
        int port = start(out);

        List<Uploader> uploaders = new ArrayList<>();
        for (int d = 0; d < DEVICES; d++) {
            String name = "device" + d;
            EdgeClient c = EdgeClient.connect(group, "127.0.0.1", port).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(LoginStatus.WELCOME, c.login(DeviceName.of(name), "pw").get(WAIT.toSeconds(), TimeUnit.SECONDS));
            c.registerUdp(9000 + d).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            uploaders.add(new Uploader(name, c, d));
        }
        uploaders.forEach(Uploader::uploadNext);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (uploaders.stream().anyMatch(u -> u.confirmed.size() < 2)) {
            assertTrue(System.nanoTime() < deadline, "every device got two uploads through");
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }

        server.destroy();
        assertTrue(server.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "the server stopped");
        String log = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, server.exitValue(), "exit code after SIGTERM; the server said:\n" + log);
        for (Uploader u : uploaders) {
            u.stopped.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
        assertTrue(log.contains("Server stopped"), log);

        // What the server logged, per device: fileID to sample count.
        Map<String, Map<Long, Long>> logged = new TreeMap<>();
        for (String line : Files.readAllLines(dir.resolve("upload-log.txt"))) {
            String[] f = line.split("; ");
            logged.computeIfAbsent(f[0], k -> new TreeMap<>()).put(Long.parseLong(f[2]), Long.parseLong(f[3]));
        }
        int total = 0;
        for (Uploader u : uploaders) {
            assertEquals(new TreeMap<>(u.confirmed), logged.getOrDefault(u.name, Map.of()),
                    u.name + ": exactly the confirmed uploads are logged, with their counts");
            for (long id : u.confirmed.keySet()) {
                Path stored = dir.resolve("data").resolve(u.name).resolve(u.name + "-" + id + ".txt");
                assertArrayEquals(Files.readAllBytes(u.file(id)), Files.readAllBytes(stored),
                        u.name + " file " + id + " stored whole");
            }
            total += u.confirmed.size();
        }
        Set<String> storedNames = new TreeSet<>();
        try (Stream<Path> s = Files.walk(dir.resolve("data"))) {
            s.filter(Files::isRegularFile).forEach(p -> storedNames.add(p.getFileName().toString()));
        }
        Set<String> expected = new TreeSet<>();
        for (Uploader u : uploaders) {
            for (long id : u.confirmed.keySet()) {
                expected.add(u.name + "-" + id + ".txt");
                // The summary the server keeps beside each data file.
                expected.add(u.name + "-" + id + ".txt.stats");
            }
        }
        storedNames.remove(".edgenet-server.lock");
        assertEquals(expected, storedNames, "no temp file, no unconfirmed upload: nothing partial");
        assertTrue(total >= 2 * DEVICES, "uploads confirmed: " + total);
        assertEquals(List.of(), Files.readAllLines(dir.resolve("edge-device-log.txt")), "every device left");
    }
}
