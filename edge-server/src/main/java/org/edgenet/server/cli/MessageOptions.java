package org.edgenet.server.cli;

import org.edgenet.common.cli.WholeNumberConverter;
import org.edgenet.server.MessageSettings;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.nio.file.Path;

/**
 * The options of device messages and the 0xAE73 message port, mixed into {@link ServerMain}. Each
 * value is checked by its converter, so that a bad one is one line, as in ServerMain. An option left
 * out keeps its default, the field's first value.
 */
public final class MessageOptions {
    private static final MessageSettings DEFAULTS = MessageSettings.defaults();
    static final int MAX_STORE_MIB = 1024 * 1024;
    static final int MAX_PER_RECIPIENT = 100_000_000;

    @Option(names = "--message-port", paramLabel = "PORT",
            description = "also accept 0xAE73 MessageRequest records on this port (default: off; no authentication)",
            converter = PortConverter.class)
    private int port = DEFAULTS.port();

    @Option(names = "--message-bind", paramLabel = "ADDRESS",
            description = "local address of the message port (default 127.0.0.1)", converter = BindConverter.class)
    private InetAddress bind = DEFAULTS.bind();

    @Option(names = "--message-limit", paramLabel = "N",
            description = "most messages waiting for one recipient (default 10000)", converter = LimitConverter.class)
    private int perRecipient = DEFAULTS.perRecipient();

    @Option(names = "--message-store-mib", paramLabel = "MIB",
            description = "most MiB all waiting messages may take (default 1024)", converter = StoreMibConverter.class)
    private int storeMib = (int) (DEFAULTS.totalBytes() / (1024 * 1024));

    @Option(names = "--message-journal", paramLabel = "DIR", description = "message journal (default: messages)")
    private Path journal = DEFAULTS.journal();

    MessageSettings settings() {
        return new MessageSettings(port, bind, perRecipient, storeMib * 1024L * 1024L, journal);
    }

    static final class PortConverter extends WholeNumberConverter {
        PortConverter() {
            super(0, 0xFFFF, "Invalid message port: %s. The port must be an integer between 1 and 65535"
                    + " (0 picks a free port)");
        }
    }

    static final class LimitConverter extends WholeNumberConverter {
        LimitConverter() {
            super(1, MAX_PER_RECIPIENT, "Invalid message limit: %s. It must be a whole number of messages from 1 to "
                    + MAX_PER_RECIPIENT);
        }
    }

    static final class StoreMibConverter extends WholeNumberConverter {
        StoreMibConverter() {
            super(1, MAX_STORE_MIB, "Invalid message store size: %s. It must be a whole number of MiB from 1 to "
                    + MAX_STORE_MIB);
        }
    }

    static final class BindConverter extends AddressConverter {
        BindConverter() {
            super("message bind address");
        }
    }
}
