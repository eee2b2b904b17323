package org.edgenet.client.console;

import org.edgenet.common.message.Ticket;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/** Starts a UVF transfer; {@code PeerNode::send} in the running client. */
@FunctionalInterface
public interface PeerSender {
    /**
     * Completes when the audience holds the whole file; fails with a readable message. The ticket,
     * from the server's answer to the lookup, names both devices and vouches for the transfer.
     */
    CompletableFuture<Void> send(InetSocketAddress audience, Path file, Ticket ticket);
}
