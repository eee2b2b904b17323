package org.edgenet.server;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * Cluster mode: the servers that share one edge network through an embedded Hazelcast member each.
 * With no members listed (the default) the server runs alone and starts no cluster library at all.
 *
 * @param members the members to join, one by one over TCP (no multicast, no auto-detection); this
 *                server's own address may be among them. Empty: no cluster
 * @param name    the cluster's name: members of another cluster on the same hosts are refused
 * @param port    the TCP port this server's member listens on, exactly (no port is tried after it)
 */
public record ClusterSettings(List<InetSocketAddress> members, String name, int port) {
    public static final String DEFAULT_NAME = "edgenet";
    public static final int DEFAULT_PORT = 5701;

    public ClusterSettings {
        members = List.copyOf(members);
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("cluster name must not be blank");
        }
        if (port < 1 || port > 0xFFFF) {
            throw new IllegalArgumentException("cluster port out of range: " + port);
        }
    }

    /** No cluster: the server alone, as without these settings. */
    public static ClusterSettings defaults() {
        return new ClusterSettings(List.of(), DEFAULT_NAME, DEFAULT_PORT);
    }

    /** True when the server is to run as a member of a cluster. */
    public boolean enabled() {
        return !members.isEmpty();
    }

    /**
     * True when every listed member is on this host's loopback interface: the member then listens
     * there only, as on a developer's machine or in a test, rather than on every interface.
     */
    public boolean loopbackOnly() {
        return enabled() && members.stream().allMatch(m -> m.getAddress() != null && m.getAddress().isLoopbackAddress());
    }
}
