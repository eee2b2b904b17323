package org.edgenet.server.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.edgenet.common.format.DeviceName;

/**
 * Failure counts and blocks held in memory. Only names that have credentials are ever passed in,
 * so the map is bounded by the credentials file. Expiry is checked when a device tries again,
 * against the injected clock, so no timer is needed.
 */
public final class InMemoryLoginGuard implements LoginGuard {
    private final int attempts;
    private final Duration blockDuration;
    private final Clock clock;
    private final ConcurrentMap<DeviceName, State> states = new ConcurrentHashMap<>();

    /** @param blockedUntil null while the device is not blocked */
    private record State(int failures, Instant blockedUntil) {
    }

    public InMemoryLoginGuard(int attempts, Duration blockDuration, Clock clock) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1: " + attempts);
        }
        this.attempts = attempts;
        this.blockDuration = blockDuration;
        this.clock = clock;
    }

    @Override
    public Optional<Duration> blockedFor(DeviceName device) {
        Instant now = clock.instant();
        // Drops an expired block atomically, so the next failure counts from one again.
        State s = states.computeIfPresent(device, (k, v) -> expired(v, now) ? null : v);
        if (s == null || s.blockedUntil() == null) {
            return Optional.empty();
        }
        return Optional.of(Duration.between(now, s.blockedUntil()));
    }

    @Override
    public Failure recordFailure(DeviceName device) {
        Instant now = clock.instant();
        boolean[] wasBlocked = new boolean[1];
        State s = states.compute(device, (k, v) -> {
            if (v == null || expired(v, now)) {
                v = new State(0, null);
            }
            // A concurrent connection may have reached the limit between check and failure.
            wasBlocked[0] = v.blockedUntil() != null;
            if (wasBlocked[0]) {
                return v;
            }
            int failures = v.failures() + 1;
            return new State(failures, failures >= attempts ? now.plus(blockDuration) : null);
        });
        boolean blocked = s.blockedUntil() != null;
        return new Failure(s.failures(), blocked && !wasBlocked[0], wasBlocked[0]);
    }

    @Override
    public boolean recordSuccess(DeviceName device) {
        Instant now = clock.instant();
        boolean[] blocked = new boolean[1];
        states.computeIfPresent(device, (k, v) -> {
            blocked[0] = v.blockedUntil() != null && !expired(v, now);
            return blocked[0] ? v : null;
        });
        return !blocked[0];
    }

    @Override
    public int attempts() {
        return attempts;
    }

    @Override
    public Duration blockDuration() {
        return blockDuration;
    }

    private static boolean expired(State s, Instant now) {
        return s.blockedUntil() != null && !now.isBefore(s.blockedUntil());
    }
}
