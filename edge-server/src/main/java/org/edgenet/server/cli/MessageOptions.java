package org.edgenet.server.cli;

import org.edgenet.server.MessageSettings;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;

/**
 * The options of device messages and the 0xAE73 message port, mixed into {@link ServerMain}.
 * Numbers are taken as text and checked here, so that a bad one is one line, as in ServerMain.
 */
public final class MessageOptions {
    static final int MAX_STORE_MIB = 1024 * 1024;

    @Option(names = "--message-port", paramLabel = "PORT",
            description = "also accept 0xAE73 MessageRequest records on this port (default: off; no authentication)")
    private String port;

    @Option(names = "--message-bind", paramLabel = "ADDRESS",
            description = "local address of the message port (default 127.0.0.1)")
    private String bind;

    @Option(names = "--message-limit", paramLabel = "N",
            description = "most messages waiting for one recipient (default 10000)")
    private String perRecipient;

    @Option(names = "--message-store-mib", paramLabel = "MIB",
            description = "most MiB all waiting messages may take (default 1024)")
    private String storeMib;

    @Option(names = "--message-journal", paramLabel = "DIR", description = "message journal (default: messages)")
    private Path journal;

    /** {@code base} with what was given on the command line. */
    MessageSettings apply(MessageSettings base) throws ServerMain.ArgumentException {
        MessageSettings s = base;
        if (port != null) {
            int p = parse(port, 0, 0xFFFF);
            if (p < 0) {
                throw new ServerMain.ArgumentException("Invalid message port: " + port
                        + ". The port must be an integer between 1 and 65535 (0 picks a free port)");
            }
            s = s.withPort(p);
        }
        if (bind != null) {
            try {
                s = s.withBind(InetAddress.getByName(bind));
            } catch (UnknownHostException e) {
                throw new ServerMain.ArgumentException("Unknown message bind address: " + bind);
            }
        }
        if (perRecipient != null) {
            int n = parse(perRecipient, 1, 100_000_000);
            if (n < 0) {
                throw new ServerMain.ArgumentException("Invalid message limit: " + perRecipient
                        + ". It must be a whole number of messages from 1 to 100000000");
            }
            s = s.withPerRecipient(n);
        }
        if (storeMib != null) {
            int mib = parse(storeMib, 1, MAX_STORE_MIB);
            if (mib < 0) {
                throw new ServerMain.ArgumentException("Invalid message store size: " + storeMib
                        + ". It must be a whole number of MiB from 1 to " + MAX_STORE_MIB);
            }
            s = s.withTotalBytes(mib * 1024L * 1024L);
        }
        if (journal != null) {
            s = s.withJournal(journal);
        }
        return s;
    }

    /** Plain decimal digits within {@code [min, max]}, or -1. */
    private static int parse(String arg, int min, int max) {
        if (!arg.matches("\\d{1,9}")) {
            return -1;
        }
        int n = Integer.parseInt(arg);
        return n < min || n > max ? -1 : n;
    }
}
