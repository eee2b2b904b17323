package org.edgenet.client.cli;

/**
 * The way scripts and people start a device, {@code <server_host> <server_port> <client_udp_server_port>}
 * and nothing else, read without picocli. Building picocli's model of the command (reflection over
 * every option, its help, colours and converters) took about a fifth of a device's start, and
 * picocli's classes are too old a class-file version for the class data sharing archive. Anything
 * else (an option, a value the converters refuse, an {@code @file}) goes to picocli, which gives
 * the usual messages; the fields this leaves alone keep their initial values, which equal the
 * options' defaults.
 */
final class PlainArguments {
    private PlainArguments() {
    }

    /** Fills the three arguments of {@code main} and returns true, or returns false for picocli to parse. */
    static boolean fill(String[] args, ClientMain main) {
        if (args.length != 3) {
            return false;
        }
        for (String a : args) {
            if (a.isEmpty() || a.startsWith("-") || a.startsWith("@")) {
                return false;
            }
        }
        try {
            int port = new ClientMain.ServerPortConverter().convert(args[1]);
            int udpPort = new ClientMain.UdpPortConverter().convert(args[2]);
            main.hostArgument = args[0];
            main.portArgument = port;
            main.udpPortArgument = udpPort;
            return true;
        } catch (RuntimeException refused) {
            // picocli's converter exception: picocli parses again and prints its message.
            return false;
        }
    }
}
