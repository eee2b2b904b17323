package org.edgenet.server.cluster;

import com.hazelcast.map.IMap;
import org.edgenet.common.format.DeviceName;
import org.edgenet.server.service.LoginGuard;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Failure counts and blocks shared by every member: three wrong passwords through one server block
 * the name on all of them. Each call is one round trip to the member that holds the name's entry;
 * the login path asks without waiting ({@code ...Later}), off the event loop's time.
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
        return blockedForLater(device).join();
    }

    @Override
    public Failure recordFailure(DeviceName device) {
        return recordFailureLater(device).join();
    }

    @Override
    public boolean recordSuccess(DeviceName device) {
        return recordSuccessLater(device).join();
    }

    @Override
    public CompletableFuture<Optional<Duration>> blockedForLater(DeviceName device) {
        long now = clock.millis();
        return states.getAsync(device.value()).toCompletableFuture().thenApply(s -> s == null || !s.blockedAt(now)
                ? Optional.empty()
                : Optional.of(Duration.ofMillis(s.blockedUntil() - now)));
    }

    @Override
    public CompletableFuture<Failure> recordFailureLater(DeviceName device) {
        return states.submitToKey(device.value(),
                        new GuardState.Fail(clock.millis(), attempts, blockDuration.toMillis()))
                .toCompletableFuture().thenApply(o -> new Failure(o.failures(), o.blockedNow(), o.alreadyBlocked()));
    }

    @Override
    public CompletableFuture<Boolean> recordSuccessLater(DeviceName device) {
        return states.submitToKey(device.value(), new GuardState.Succeed(clock.millis())).toCompletableFuture();
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
