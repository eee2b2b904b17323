package org.edgenet.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/** Real servers of one new cluster on 127.0.0.1 for the tests that speak to them over their ports. */
final class ClusterOfServers {
    /** Members start in seconds, but on a machine shared by many builds it can take a minute or more. */
    private static final Duration START = Duration.ofSeconds(120);

    private ClusterOfServers() {
    }

    /**
     * Starts {@code count} servers, each working in {@code dir/serverN} with the test credentials
     * and its member on {@code firstPort + N}, and {@code tweak} applied to each configuration.
     */
    static List<EdgeServer> start(Path dir, int firstPort, int count, UnaryOperator<ServerConfig.Builder> tweak)
            throws Exception {
        String name = "test-" + UUID.randomUUID();
        List<InetSocketAddress> members = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            members.add(new InetSocketAddress("127.0.0.1", firstPort + i));
        }
        List<EdgeServer> servers = new ArrayList<>();
        // At once: each member's start waits for the others to answer.
        ExecutorService starters = Executors.newFixedThreadPool(count);
        try {
            List<Future<EdgeServer>> started = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Path home = Files.createDirectories(dir.resolve("server" + i));
                Files.writeString(home.resolve("credentials.txt"), TestServices.CREDENTIALS);
                ServerConfig config = tweak.apply(ServerConfig.in(home).port(0)
                        .bindAddress(InetAddress.getLoopbackAddress())
                        .cluster(new ClusterSettings(members, name, firstPort + i))).build();
                started.add(starters.submit(() -> EdgeServer.start(config)));
            }
            for (Future<EdgeServer> f : started) {
                servers.add(f.get(START.toSeconds(), TimeUnit.SECONDS));
            }
        } catch (Exception e) {
            servers.forEach(EdgeServer::close);
            throw e;
        } finally {
            starters.shutdownNow();
        }
        return servers;
    }
}
