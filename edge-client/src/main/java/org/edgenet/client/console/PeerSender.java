package org.edgenet.client.console;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/** Starts a UVF transfer; {@code PeerNode::send} in the running client. */
@FunctionalInterface
public interface PeerSender {
    /**
     * Completes when the audience holds the whole file; fails with a readable message.
     * {@code audienceName} names the receiver in progress reports.
     */
    CompletableFuture<Void> send(InetSocketAddress audience, Path file, String presenter, String audienceName);
}
