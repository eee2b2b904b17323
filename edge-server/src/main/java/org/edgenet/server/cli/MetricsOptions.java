package org.edgenet.server.cli;

import org.edgenet.server.MetricsSettings;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.util.Locale;

/**
 * The option of the server's Prometheus metrics, mixed into {@link ServerMain}. An option left out
 * keeps its default, the field's first value.
 */
public final class MetricsOptions {
    static final String REFUSAL = "Invalid value for --metrics: %s. It must be true or false";

    // A value may follow, so that the config file can say metrics=true like any other key. Text, not a
    // boolean: picocli leaves a boolean's bad value ("yes") to the next argument, the server port.
    @Option(names = "--metrics", arity = "0..1", fallbackValue = "true", paramLabel = "true|false",
            description = "keep Prometheus metrics for /metrics (default false; always on with --http-port)", converter = TrueOrFalse.class)
    private String metrics = Boolean.toString(MetricsSettings.defaults().enabled());

    MetricsSettings settings() {
        return new MetricsSettings(Boolean.parseBoolean(metrics));
    }

    /** Only true or false, in any case. */
    static final class TrueOrFalse implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            String v = value.toLowerCase(Locale.ROOT);
            if (!v.equals("true") && !v.equals("false")) {
                throw new TypeConversionException(String.format(REFUSAL, value));
            }
            return v;
        }
    }
}
