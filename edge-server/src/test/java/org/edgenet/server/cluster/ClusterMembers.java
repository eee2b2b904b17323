package org.edgenet.server.cluster;

import org.edgenet.server.ClusterSettings;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Members of one test cluster in this JVM, on 127.0.0.1 and consecutive ports from {@code firstPort}
 * (each test class takes its own block of 27500-27599), under a cluster name no other test shares.
 */
final class ClusterMembers {
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

    /** Starts every member, one after the other, and returns them in order. */
    List<ClusterNode> startAll() throws Exception {
        List<ClusterNode> nodes = new ArrayList<>();
        for (int i = 0; i < addresses.size(); i++) {
            nodes.add(ClusterNode.start(settings(i)));
        }
        return nodes;
    }
}
