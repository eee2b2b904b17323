package org.edgenet.server;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * How the server runs as a service: how many connections it holds, when it cuts a silent device,
 * how often it tidies its files and how long it lets uploads finish when it stops.
 *
 * @param maxConnections        most device connections at once; one more is told
 *                              {@code SERVER_FULL} and closed
 * @param maxPendingLoginsPerIp most connections from one address that have not joined yet: a fleet
 *                              behind one NAT fits, one address cannot hold thousands of logins open
 * @param idleTimeout           a device that sends nothing, not even a keep-alive, this long is
 *                              disconnected with {@code IDLE_TIMEOUT}; {@link Duration#ZERO} never
 * @param maintenanceInterval   how often the maintenance tasks run; {@link Duration#ZERO} never
 * @param drain                 how long uploads in progress may take to finish when the server stops
 * @param balancers             the addresses of TCP load balancers in front of the server, which
 *                              begin each connection with a PROXY protocol header naming the device's
 *                              address; none by default
 */
public record OperationsSettings(int maxConnections, int maxPendingLoginsPerIp, Duration idleTimeout,
                                 Duration maintenanceInterval, Duration drain, Set<InetAddress> balancers) {
    public static final int DEFAULT_MAX_CONNECTIONS = 20_000;
    public static final int DEFAULT_MAX_PENDING_LOGINS_PER_IP = 100;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(300);
    public static final Duration DEFAULT_MAINTENANCE_INTERVAL = Duration.ofMinutes(10);
    public static final Duration DEFAULT_DRAIN = Duration.ofSeconds(10);

    public OperationsSettings {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be positive: " + maxConnections);
        }
        if (maxPendingLoginsPerIp < 1) {
            throw new IllegalArgumentException("maxPendingLoginsPerIp must be positive: " + maxPendingLoginsPerIp);
        }
        requireNotNegative(idleTimeout, "idleTimeout");
        requireNotNegative(maintenanceInterval, "maintenanceInterval");
        requireNotNegative(drain, "drain");
        balancers = Set.copyOf(balancers);
    }

    /** Without balancers. */
    public OperationsSettings(int maxConnections, int maxPendingLoginsPerIp, Duration idleTimeout,
                              Duration maintenanceInterval, Duration drain) {
        this(maxConnections, maxPendingLoginsPerIp, idleTimeout, maintenanceInterval, drain, Set.of());
    }

    /** 20,000 connections, 100 pending logins per address, 300 s idle, maintenance every 10 min, 10 s drain. */
    public static OperationsSettings defaults() {
        return new OperationsSettings(DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_PENDING_LOGINS_PER_IP, DEFAULT_IDLE_TIMEOUT,
                DEFAULT_MAINTENANCE_INTERVAL, DEFAULT_DRAIN);
    }

    public OperationsSettings withMaxConnections(int n) {
        return new OperationsSettings(n, maxPendingLoginsPerIp, idleTimeout, maintenanceInterval, drain, balancers);
    }

    public OperationsSettings withMaxPendingLoginsPerIp(int n) {
        return new OperationsSettings(maxConnections, n, idleTimeout, maintenanceInterval, drain, balancers);
    }

    public OperationsSettings withIdleTimeout(Duration d) {
        return new OperationsSettings(maxConnections, maxPendingLoginsPerIp, d, maintenanceInterval, drain, balancers);
    }

    public OperationsSettings withBalancers(Set<InetAddress> addresses) {
        return new OperationsSettings(maxConnections, maxPendingLoginsPerIp, idleTimeout, maintenanceInterval, drain,
                addresses);
    }

    private static void requireNotNegative(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative: " + d);
        }
    }
}
