package org.edgenet.client.trace;

import org.edgenet.common.trace.Beacon;
import org.edgenet.common.trace.BeaconFault;

import java.net.InetSocketAddress;

/** Where the {@link BeaconReceiver} hands what arrives; called on the UDP port's event loop, must not block. */
public interface BeaconListener {
    /** A well-formed beacon that is valid now. */
    void valid(Beacon beacon, InetSocketAddress from);

    /** A datagram that was not kept; {@code total} counts every one so far. */
    void refused(BeaconFault fault, String detail, InetSocketAddress from, long total);
}
