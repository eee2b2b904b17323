package org.edgenet.server;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Device messages (MSG, RDM) and the optional 0xAE73 message port.
 *
 * @param port         TCP port of the 0xAE73 listener; {@link #OFF} (the default) opens none, 0 lets
 *                     the system choose (see {@link EdgeServer#messagePort()})
 * @param bind         local address of that listener; loopback by default, since the 0xAE73 records
 *                     carry no authentication
 * @param perRecipient most messages that may wait for one recipient
 * @param totalBytes   most bytes all waiting messages may take together; each message counts its
 *                     record in the journal plus 256 bytes for its place in memory
 * @param journal      directory of the message journal
 */
public record MessageSettings(int port, InetAddress bind, int perRecipient, long totalBytes, Path journal) {
    public static final int OFF = -1;
    public static final int DEFAULT_PER_RECIPIENT = 10_000;
    public static final long DEFAULT_TOTAL_BYTES = 1L << 30;

    public MessageSettings {
        if (port < OFF || port > 0xFFFF) {
            throw new IllegalArgumentException("message port out of range: " + port);
        }
        if (perRecipient < 1) {
            throw new IllegalArgumentException("perRecipient must be positive: " + perRecipient);
        }
        if (totalBytes < 1) {
            throw new IllegalArgumentException("totalBytes must be positive: " + totalBytes);
        }
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(journal, "journal");
    }

    /** No 0xAE73 port; 10,000 messages per recipient, 1 GiB in all, journal in {@code messages}. */
    public static MessageSettings defaults() {
        return new MessageSettings(OFF, InetAddress.getLoopbackAddress(), DEFAULT_PER_RECIPIENT, DEFAULT_TOTAL_BYTES,
                Path.of("messages"));
    }

    /** True when the 0xAE73 listener is to be opened. */
    public boolean listens() {
        return port != OFF;
    }

    public MessageSettings withPort(int port) {
        return new MessageSettings(port, bind, perRecipient, totalBytes, journal);
    }

    public MessageSettings withPerRecipient(int perRecipient) {
        return new MessageSettings(port, bind, perRecipient, totalBytes, journal);
    }

    public MessageSettings withJournal(Path journal) {
        return new MessageSettings(port, bind, perRecipient, totalBytes, journal);
    }
}
