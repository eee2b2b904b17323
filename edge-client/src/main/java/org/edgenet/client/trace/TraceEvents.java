package org.edgenet.client.trace;

import org.edgenet.common.trace.BeaconFault;
import org.edgenet.common.trace.TempIdWindow;

import java.net.InetSocketAddress;

/** What the device's console hears of contact tracing in the background; called from background threads. */
public interface TraceEvents {
    /** A valid beacon arrived; {@code kept} says whether the contact log has it now. */
    void beaconReceived(TempIdWindow window, InetSocketAddress from, ContactLog.Added added);

    /** A datagram on the UDP port was not a beacon valid now; {@code total} counts them all so far. */
    void beaconRefused(BeaconFault fault, String detail, InetSocketAddress from, long total);

    /** A round of {@code --beacon-every} failed, e.g. the server did not answer. */
    default void roundFailed(String reason) {
    }

    /** The contact log could not be written. */
    default void logFailed(String reason) {
    }
}
