package org.edgenet.client.cli;

import org.edgenet.client.trace.TraceSettings;
import org.edgenet.common.cli.WholeNumberConverter;
import picocli.CommandLine.Option;

import java.time.Duration;

/** The device's contact-tracing options, mixed into {@link ClientMain}. */
public final class TracingOptions {
    /** A day. */
    static final int MAX_SECONDS = 86_400;
    static final int DEFAULT_BEACON_EVERY_SECONDS = 0;
    static final int DEFAULT_RETENTION_SECONDS = 180;

    @Option(names = "--beacon-every", paramLabel = "<seconds>", defaultValue = "" + DEFAULT_BEACON_EVERY_SECONDS,
            description = "send a beacon to every active device this often; 0 never (default)",
            converter = BeaconEveryConverter.class)
    int beaconEverySeconds = DEFAULT_BEACON_EVERY_SECONDS;

    @Option(names = "--contact-retention", paramLabel = "<seconds>", defaultValue = "" + DEFAULT_RETENTION_SECONDS,
            description = "how long the contact log keeps an entry after its TempID was last heard"
                    + " (default: ${DEFAULT-VALUE})", converter = RetentionConverter.class)
    int retentionSeconds = DEFAULT_RETENTION_SECONDS;

    TraceSettings settings() {
        return new TraceSettings(Duration.ofSeconds(beaconEverySeconds), Duration.ofSeconds(retentionSeconds));
    }

    static final class BeaconEveryConverter extends WholeNumberConverter {
        BeaconEveryConverter() {
            super(0, MAX_SECONDS, "Invalid beacon interval: %s. It is a whole number of seconds from 0 (never) to "
                    + MAX_SECONDS);
        }
    }

    static final class RetentionConverter extends WholeNumberConverter {
        RetentionConverter() {
            super(1, MAX_SECONDS, "Invalid contact retention: %s. It is a whole number of seconds from 1 to "
                    + MAX_SECONDS);
        }
    }
}
