package org.edgenet.client.trace;

import java.time.Duration;
import java.util.Objects;

/**
 * The device's side of contact tracing.
 *
 * @param beaconEvery how often to beacon every active device; {@link Duration#ZERO} (the default) never
 * @param retention   how long a contact-log entry is kept after its TempID was last heard
 */
public record TraceSettings(Duration beaconEvery, Duration retention) {
    /** 002's value. */
    public static final Duration DEFAULT_RETENTION = Duration.ofMinutes(3);

    public TraceSettings {
        Objects.requireNonNull(beaconEvery, "beaconEvery");
        if (beaconEvery.isNegative()) {
            throw new IllegalArgumentException("beaconEvery must not be negative: " + beaconEvery);
        }
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("retention must be positive: " + retention);
        }
    }

    /** No automatic beacons; entries kept 3 minutes. */
    public static TraceSettings defaults() {
        return new TraceSettings(Duration.ZERO, DEFAULT_RETENTION);
    }

    public boolean beacons() {
        return !beaconEvery.isZero();
    }
}
