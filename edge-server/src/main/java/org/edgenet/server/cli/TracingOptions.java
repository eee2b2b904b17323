package org.edgenet.server.cli;

import org.edgenet.common.cli.WholeNumberConverter;
import org.edgenet.server.TracingSettings;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The options of contact tracing (TID, UCL), mixed into {@link ServerMain}. An option left out
 * keeps its default, the field's first value.
 */
public final class TracingOptions {
    private static final TracingSettings DEFAULTS = TracingSettings.defaults();

    @Option(names = "--tempid-minutes", paramLabel = "M",
            description = "how long a TempID is valid (default 15)", converter = MinutesConverter.class)
    private int minutes = (int) DEFAULTS.tempIdLifetime().toMinutes();

    @Option(names = "--tempid-file", paramLabel = "FILE", description = "default: tempIDs.txt")
    private Path tempIdFile = DEFAULTS.tempIdFile();

    @Option(names = "--trace-log", paramLabel = "FILE", description = "default: contact-trace-log.txt")
    private Path traceLog = DEFAULTS.traceLog();

    TracingSettings settings() {
        return new TracingSettings(Duration.ofMinutes(minutes), DEFAULTS.retention(), tempIdFile, traceLog);
    }

    static final class MinutesConverter extends WholeNumberConverter {
        MinutesConverter() {
            super(1, TracingSettings.MAX_LIFETIME_MINUTES, "Invalid TempID lifetime: %s. It must be a whole number of"
                    + " minutes from 1 to " + TracingSettings.MAX_LIFETIME_MINUTES);
        }
    }
}
