package org.edgenet.server.cluster;

import com.hazelcast.map.IMap;
import org.edgenet.common.format.DeviceName;
import org.edgenet.server.service.LoginGuard;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Failure counts and blocks shared by every member: three wrong passwords through one server block
 * the name on all of them. Each call is one round trip to the member that holds the name's entry.
 * Times come from the injected clock of the server that asks. Thread-safe.
 */
final class ClusterLoginGuard implements LoginGuard {
    private final IMap<String, GuardState> states;
    private final int attempts;
    private final Duration blockDuration;
    private final Clock clock;

    ClusterLoginGuard(IMap<String, GuardState> states, int attempts, Duration blockDuration, Clock clock) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1: " + attempts);
        }
        this.states = states;
        this.attempts = attempts;
        this.blockDuration = blockDuration;
        this.clock = clock;
    }

    @Override
    public Optional<Duration> blockedFor(DeviceName device) {
        long now = clock.millis();
        GuardState s = states.get(device.value());
        if (s == null || !s.blockedAt(now)) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofMillis(s.blockedUntil() - now));
    }

    @Override
    public Failure recordFailure(DeviceName device) {
        GuardState.Outcome o = states.executeOnKey(device.value(),
                new GuardState.Fail(clock.millis(), attempts, blockDuration.toMillis()));
        return new Failure(o.failures(), o.blockedNow(), o.alreadyBlocked());
    }

    @Override
    public boolean recordSuccess(DeviceName device) {
        return states.executeOnKey(device.value(), new GuardState.Succeed(clock.millis()));
    }

    @Override
    public int attempts() {
        return attempts;
    }

    @Override
    public Duration blockDuration() {
        return blockDuration;
    }
}
