package org.edgenet.server.service;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.edgenet.common.format.DeviceName;

/**
 * Counts consecutive failed logins per device name and blocks the name, for every connection and
 * address, once the count reaches the limit. Implementations are thread-safe.
 */
public interface LoginGuard {
    /** How much longer {@code device} stays blocked, or empty when it may try to log in. */
    Optional<Duration> blockedFor(DeviceName device);

    /** Records a wrong password for a known device and says where that leaves it. */
    Failure recordFailure(DeviceName device);

    /**
     * A right password: the count starts again from zero, unless the device is blocked (another
     * connection may have blocked it since {@link #blockedFor} was asked), in which case nothing
     * changes and the answer is false.
     */
    boolean recordSuccess(DeviceName device);

    /**
     * {@link #blockedFor}, {@link #recordFailure} and {@link #recordSuccess} for a caller on an
     * event loop, which must not wait: a guard that asks over the network answers later, one in
     * memory at once.
     */
    default CompletableFuture<Optional<Duration>> blockedForLater(DeviceName device) {
        return CompletableFuture.completedFuture(blockedFor(device));
    }

    /** {@link #recordFailure}, for a caller on an event loop. */
    default CompletableFuture<Failure> recordFailureLater(DeviceName device) {
        return CompletableFuture.completedFuture(recordFailure(device));
    }

    /** {@link #recordSuccess}, for a caller on an event loop. */
    default CompletableFuture<Boolean> recordSuccessLater(DeviceName device) {
        return CompletableFuture.completedFuture(recordSuccess(device));
    }

    /** The consecutive failures allowed before a block. */
    int attempts();

    /** How long a block lasts. */
    Duration blockDuration();

    /**
     * The state after one more failure.
     *
     * @param failures      consecutive failures so far, this one included
     * @param blockedNow    true when this failure blocked the device
     * @param alreadyBlocked true when another connection blocked the device a moment before
     */
    record Failure(int failures, boolean blockedNow, boolean alreadyBlocked) {
    }
}
