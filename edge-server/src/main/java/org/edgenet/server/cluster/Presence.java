package org.edgenet.server.cluster;

import com.hazelcast.query.Predicate;

import java.io.Serializable;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A joined device as the cluster shares it: what its device-log line and AED entry need, where in
 * the join order it came and which member holds its connection.
 *
 * @param order  its place in the join order of the whole cluster (a Flake ID: grows with time)
 * @param member the member whose server the device is connected to; its devices leave with it
 */
record Presence(String name, String ip, int udpPort, String since, long order, UUID member) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Matches the devices of members that are no longer in the cluster. */
    record HeldOutside(Set<UUID> members) implements Predicate<String, Presence> {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean apply(Map.Entry<String, Presence> entry) {
            return !members.contains(entry.getValue().member());
        }
    }

    /** Matches the devices of one member. */
    record HeldBy(UUID member) implements Predicate<String, Presence> {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean apply(Map.Entry<String, Presence> entry) {
            return member.equals(entry.getValue().member());
        }
    }
}
