package org.edgenet.server.cli;

import io.netty.util.NetUtil;
import org.edgenet.common.cli.WholeNumberConverter;
import org.edgenet.server.OperationsSettings;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The options of running the server as a service (limits, idle time-out, maintenance, drain, balancers),
 * mixed into {@link ServerMain}. Each value is checked by its converter, so that a bad one is one
 * line, as in ServerMain. An option left out keeps its default, the field's first value.
 */
public final class OperationsOptions {
    static final int MAX_CONNECTIONS = 1_000_000;
    static final int MAX_IDLE_SECONDS = 86_400;
    /** A week. */
    static final int MAX_MAINTENANCE_MINUTES = 10_080;
    static final int MAX_DRAIN_SECONDS = 3_600;

    @Option(names = "--max-connections", paramLabel = "N",
            description = "most device connections at once (default 20000)", converter = ConnectionsConverter.class)
    private int maxConnections = OperationsSettings.DEFAULT_MAX_CONNECTIONS;

    @Option(names = "--max-pending-logins-per-ip", paramLabel = "N",
            description = "most connections from one address that have not joined yet (default 100)",
            converter = PendingConverter.class)
    private int maxPendingLoginsPerIp = OperationsSettings.DEFAULT_MAX_PENDING_LOGINS_PER_IP;

    @Option(names = "--idle-timeout-seconds", paramLabel = "S",
            description = "a device silent this long is disconnected; 0 never (default 300)",
            converter = IdleConverter.class)
    private int idleTimeoutSeconds = (int) OperationsSettings.DEFAULT_IDLE_TIMEOUT.toSeconds();

    @Option(names = "--maintenance-minutes", paramLabel = "M",
            description = "how often temp files, summaries and the journal are tidied; 0 never (default 10)",
            converter = MaintenanceConverter.class)
    private int maintenanceMinutes = (int) OperationsSettings.DEFAULT_MAINTENANCE_INTERVAL.toMinutes();

    @Option(names = "--drain-seconds", paramLabel = "S",
            description = "how long uploads in progress may finish when the server stops (default 10)",
            converter = DrainConverter.class)
    private int drainSeconds = (int) OperationsSettings.DEFAULT_DRAIN.toSeconds();

    @Option(names = "--proxy-protocol-from", paramLabel = "IP,...",
            description = "load balancers whose connections begin with a PROXY protocol header naming the"
                    + " device's address (default: none)", converter = BalancersConverter.class)
    private Set<InetAddress> balancers = Set.of();

    OperationsSettings settings() {
        return new OperationsSettings(maxConnections, maxPendingLoginsPerIp, Duration.ofSeconds(idleTimeoutSeconds),
                Duration.ofMinutes(maintenanceMinutes), Duration.ofSeconds(drainSeconds), balancers);
    }

    /** IP addresses only: a name would be looked up once at start and silently trust whoever has it then. */
    static final class BalancersConverter implements ITypeConverter<Set<InetAddress>> {
        static final int MAX_BALANCERS = 64;

        @Override
        public Set<InetAddress> convert(String text) {
            String[] parts = text.split(",", -1);
            if (parts.length > MAX_BALANCERS) {
                throw new TypeConversionException("Invalid balancers: at most " + MAX_BALANCERS + " may be listed");
            }
            Set<InetAddress> addresses = new LinkedHashSet<>();
            for (String part : parts) {
                InetAddress a = NetUtil.createInetAddressFromIpAddressString(part.strip());
                if (a == null) {
                    throw new TypeConversionException("Invalid balancer address: '" + part.strip()
                            + "'. It must be an IP address, e.g. 10.0.0.5");
                }
                addresses.add(a);
            }
            return Set.copyOf(addresses);
        }
    }

    static final class ConnectionsConverter extends WholeNumberConverter {
        ConnectionsConverter() {
            super(1, MAX_CONNECTIONS, "Invalid connection limit: %s. It must be a whole number from 1 to "
                    + MAX_CONNECTIONS);
        }
    }

    static final class PendingConverter extends WholeNumberConverter {
        PendingConverter() {
            super(1, MAX_CONNECTIONS, "Invalid pending-login limit: %s. It must be a whole number from 1 to "
                    + MAX_CONNECTIONS);
        }
    }

    static final class IdleConverter extends WholeNumberConverter {
        IdleConverter() {
            super(0, MAX_IDLE_SECONDS, "Invalid idle time-out: %s. It must be a whole number of seconds from 0 (never)"
                    + " to " + MAX_IDLE_SECONDS);
        }
    }

    static final class MaintenanceConverter extends WholeNumberConverter {
        MaintenanceConverter() {
            super(0, MAX_MAINTENANCE_MINUTES, "Invalid maintenance interval: %s. It must be a whole number of minutes"
                    + " from 0 (never) to " + MAX_MAINTENANCE_MINUTES);
        }
    }

    static final class DrainConverter extends WholeNumberConverter {
        DrainConverter() {
            super(0, MAX_DRAIN_SECONDS, "Invalid drain time: %s. It must be a whole number of seconds from 0 to "
                    + MAX_DRAIN_SECONDS);
        }
    }
}
