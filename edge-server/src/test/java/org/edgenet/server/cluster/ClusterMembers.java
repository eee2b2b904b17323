package org.edgenet.server.cluster;

import org.edgenet.server.ClusterSettings;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Members of one test cluster in this JVM, on 127.0.0.1 and consecutive ports from {@code firstPort}
 * (each test class takes its own block of 27500-27599), under a cluster name no other test shares.
 */
final class ClusterMembers {
    static final Duration DEADLINE = Duration.ofSeconds(120);
    private final String name = "test-" + UUID.randomUUID();
    private final List<InetSocketAddress> addresses = new ArrayList<>();

    ClusterMembers(int firstPort, int count) {
        for (int i = 0; i < count; i++) {
            addresses.add(new InetSocketAddress("127.0.0.1", firstPort + i));
        }
    }

    /** The settings of member {@code i}. */
    ClusterSettings settings(int i) {
        return new ClusterSettings(addresses, name, addresses.get(i).getPort());
    }

    /**
     * Starts every member at once (each start waits for the others to answer, so in turn they would
     * take seconds each) and returns them in order once each sees all the others.
     */
    List<ClusterNode> startAll() throws Exception {
        ExecutorService starters = Executors.newFixedThreadPool(addresses.size());
        try {
            List<Future<ClusterNode>> started = new ArrayList<>();
            for (int i = 0; i < addresses.size(); i++) {
                ClusterSettings s = settings(i);
                started.add(starters.submit(() -> ClusterNode.start(s)));
            }
            List<ClusterNode> nodes = new ArrayList<>();
            for (Future<ClusterNode> f : started) {
                nodes.add(f.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
            }
            long end = System.nanoTime() + DEADLINE.toNanos();
            while (nodes.stream().anyMatch(n -> n.members() != nodes.size())) {
                if (System.nanoTime() > end) {
                    nodes.forEach(ClusterNode::close);
                    throw new AssertionError("the members did not form one cluster within " + DEADLINE.toSeconds() + " s");
                }
                TimeUnit.MILLISECONDS.sleep(20);
            }
            return nodes;
        } finally {
            starters.shutdownNow();
        }
    }
}
