package org.edgenet.server.cli;

import org.edgenet.common.cli.WholeNumberConverter;
import org.edgenet.server.TracingSettings;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;

/** The options of contact tracing (TID, UCL), mixed into {@link ServerMain}. */
public final class TracingOptions {
    @Option(names = "--tempid-minutes", paramLabel = "M",
            description = "how long a TempID is valid (default 15)", converter = MinutesConverter.class)
    private Integer minutes;

    @Option(names = "--tempid-file", paramLabel = "FILE", description = "default: tempIDs.txt")
    private Path tempIdFile;

    @Option(names = "--trace-log", paramLabel = "FILE", description = "default: contact-trace-log.txt")
    private Path traceLog;

    /** {@code base} with what was given on the command line. */
    TracingSettings apply(TracingSettings base) {
        TracingSettings s = base;
        if (minutes != null) {
            s = s.withLifetime(Duration.ofMinutes(minutes));
        }
        if (tempIdFile != null) {
            s = s.withTempIdFile(tempIdFile);
        }
        if (traceLog != null) {
            s = s.withTraceLog(traceLog);
        }
        return s;
    }

    static final class MinutesConverter extends WholeNumberConverter {
        MinutesConverter() {
            super(1, TracingSettings.MAX_LIFETIME_MINUTES, "Invalid TempID lifetime: %s. It must be a whole number of"
                    + " minutes from 1 to " + TracingSettings.MAX_LIFETIME_MINUTES);
        }
    }
}
