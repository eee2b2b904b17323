package org.edgenet.server.cli;

import org.edgenet.common.cli.WholeNumberConverter;
import org.edgenet.server.HttpSettings;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.net.InetAddress;
import java.util.Optional;

/**
 * The options of the operator's HTTP port (the dashboard), mixed into {@link ServerMain}. On the
 * command line 0 means off, as in the config file, where it is the default.
 */
public final class HttpOptions {
    private static final HttpSettings DEFAULTS = HttpSettings.defaults();

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "serve the dashboard over HTTP on this port (default 0: off)",
            converter = PortConverter.class)
    private int port;

    @Option(names = "--http-bind", paramLabel = "ADDRESS",
            description = "local address of the HTTP port (default 127.0.0.1; any other needs --http-token)",
            converter = BindConverter.class)
    private InetAddress bind = DEFAULTS.bind();

    @Option(names = "--http-token", paramLabel = "TOKEN",
            description = "what every HTTP request must present, as 'Authorization: Bearer TOKEN' or ?token=TOKEN"
                    + " (16 to 256 visible ASCII characters)", converter = TokenConverter.class)
    private String token;

    HttpSettings settings() {
        return new HttpSettings(port == 0 ? HttpSettings.OFF : port, bind, Optional.ofNullable(token));
    }

    static final class PortConverter extends WholeNumberConverter {
        PortConverter() {
            super(0, 0xFFFF, "Invalid HTTP port: %s. The port must be an integer between 1 and 65535 (0 turns it off)");
        }
    }

    static final class BindConverter extends AddressConverter {
        BindConverter() {
            super("HTTP bind address");
        }
    }

    /** Never repeats the token: the refusal may end up in a log. */
    static final class TokenConverter implements ITypeConverter<String> {
        @Override
        public String convert(String text) {
            if (!HttpSettings.validToken(text)) {
                throw new TypeConversionException("Invalid HTTP token. It must be " + HttpSettings.MIN_TOKEN + " to "
                        + HttpSettings.MAX_TOKEN + " visible ASCII characters, without spaces");
            }
            return text;
        }
    }
}
