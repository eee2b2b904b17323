package org.edgenet.server.cli;

import org.edgenet.common.cli.WholeNumberConverter;
import org.edgenet.server.ClusterSettings;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The options of cluster mode, mixed into {@link ServerMain}. Without {@code --cluster-members} the
 * server runs alone, and the other two options change nothing.
 */
public final class ClusterOptions {
    private static final ClusterSettings DEFAULTS = ClusterSettings.defaults();

    @Option(names = "--cluster-members", paramLabel = "HOST:PORT,...",
            description = "run as a member of the cluster of these servers (default: alone)",
            converter = MembersConverter.class)
    private List<InetSocketAddress> members = DEFAULTS.members();

    @Option(names = "--cluster-name", paramLabel = "NAME",
            description = "the cluster's name; only members of the same name join (default edgenet)",
            converter = NameConverter.class)
    private String name = DEFAULTS.name();

    @Option(names = "--cluster-port", paramLabel = "PORT",
            description = "TCP port of this server's cluster member (default 5701)", converter = PortConverter.class)
    private int port = DEFAULTS.port();

    ClusterSettings settings() {
        return new ClusterSettings(members, name, port);
    }

    /** {@code host:port,host:port}: each part checked, so a typo is refused at start, not at join. */
    static final class MembersConverter implements ITypeConverter<List<InetSocketAddress>> {
        static final int MAX_MEMBERS = 64;

        @Override
        public List<InetSocketAddress> convert(String text) {
            String[] parts = text.split(",", -1);
            if (parts.length > MAX_MEMBERS) {
                throw new TypeConversionException("Invalid cluster members: at most " + MAX_MEMBERS + " may be listed");
            }
            List<InetSocketAddress> members = new ArrayList<>();
            for (String part : parts) {
                members.add(member(part.strip()));
            }
            return List.copyOf(members);
        }

        private static InetSocketAddress member(String part) {
            int colon = part.lastIndexOf(':');
            String refusal = "Invalid cluster member: '" + part + "'. Each must be host:port, the port from 1 to 65535";
            if (colon <= 0 || colon == part.length() - 1) {
                throw new TypeConversionException(refusal);
            }
            String host = part.substring(0, colon);
            String port = part.substring(colon + 1);
            if (!port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 0xFFFF) {
                throw new TypeConversionException(refusal);
            }
            InetSocketAddress address = new InetSocketAddress(host, Integer.parseInt(port));
            if (address.isUnresolved()) {
                throw new TypeConversionException("Unknown cluster member host: " + host);
            }
            return address;
        }
    }

    static final class NameConverter implements ITypeConverter<String> {
        private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

        @Override
        public String convert(String text) {
            if (!NAME.matcher(text).matches()) {
                throw new TypeConversionException("Invalid cluster name: '" + text
                        + "'. It must be 1 to 64 letters, digits, dots, dashes or underscores");
            }
            return text;
        }
    }

    static final class PortConverter extends WholeNumberConverter {
        PortConverter() {
            super(1, 0xFFFF, "Invalid cluster port: %s. The port must be an integer between 1 and 65535");
        }
    }
}
