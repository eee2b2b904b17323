package org.edgenet.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Contact tracing (TID, UCL): TempIDs and the tracing log.
 *
 * @param tempIdLifetime how long a TempID is valid; a device asking again within it gets the same one
 * @param retention      how long tempIDs.txt keeps a TempID after its expiry
 * @param tempIdFile     {@code device tempID start expiry} lines, one per TempID issued
 * @param traceLog       one block per contact log uploaded: the reporter and its contacts
 */
public record TracingSettings(Duration tempIdLifetime, Duration retention, Path tempIdFile, Path traceLog) {
    public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(15);
    /** 002: health authorities keep contact records for 21 days. */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(21);
    /** A day: longer defeats the point of TempIDs, which is that they change. */
    public static final int MAX_LIFETIME_MINUTES = 1_440;

    public TracingSettings {
        if (tempIdLifetime.isNegative() || tempIdLifetime.isZero()
                || tempIdLifetime.compareTo(Duration.ofMinutes(MAX_LIFETIME_MINUTES)) > 0) {
            throw new IllegalArgumentException("a TempID lives from 1 second to a day, not " + tempIdLifetime);
        }
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("retention must be positive: " + retention);
        }
        Objects.requireNonNull(tempIdFile, "tempIdFile");
        Objects.requireNonNull(traceLog, "traceLog");
    }

    /** 15-minute TempIDs kept 21 days, in {@code tempIDs.txt} and {@code contact-trace-log.txt}. */
    public static TracingSettings defaults() {
        return new TracingSettings(DEFAULT_LIFETIME, DEFAULT_RETENTION, Path.of("tempIDs.txt"),
                Path.of("contact-trace-log.txt"));
    }

    /** Both files in {@code dir}, with their default names. */
    public TracingSettings in(Path dir) {
        return new TracingSettings(tempIdLifetime, retention, dir.resolve("tempIDs.txt"),
                dir.resolve("contact-trace-log.txt"));
    }
}
