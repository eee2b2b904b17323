package org.edgenet.client.trace;

import org.edgenet.common.trace.Beacon;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/** Sends one beacon datagram; {@code PeerNode::sendBeacon} in the running client. */
@FunctionalInterface
public interface BeaconSender {
    /** Completes once the datagram is handed to the network; UDP says nothing of its arrival. */
    CompletableFuture<Void> send(InetSocketAddress to, Beacon beacon);
}
