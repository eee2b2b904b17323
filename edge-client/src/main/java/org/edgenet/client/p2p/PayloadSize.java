package org.edgenet.client.p2p;

import org.edgenet.common.p2p.UvfFormat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Enumeration;

/**
 * Chooses the DATA payload for a destination so that IP never fragments a datagram. Towards an
 * address of this machine the datagram stays on the loopback path, whose MTU is large; elsewhere the
 * path MTU is unknown, so the payload stays near 1,400 B, less where a local interface's MTU says so.
 */
final class PayloadSize {
    private static final int UDP_HEADER = 8;

    private PayloadSize() {
    }

    static int forDestination(InetSocketAddress to, int maxLocal) {
        InetAddress a = to.getAddress();
        int ipHeader = a instanceof Inet6Address ? 40 : 20;
        try {
            NetworkInterface local = a.isLoopbackAddress() ? loopback(a) : NetworkInterface.getByInetAddress(a);
            if (local != null && local.getMTU() > 0) {
                return clamp(Math.min(maxLocal, local.getMTU() - ipHeader - UDP_HEADER - UvfFormat.DATA_OVERHEAD));
            }
            return clamp(Math.min(UvfFormat.WAN_PAYLOAD,
                    smallestUpMtu() - 40 - UDP_HEADER - UvfFormat.DATA_OVERHEAD));
        } catch (SocketException e) {
            return UvfFormat.WAN_PAYLOAD;
        }
    }

    private static NetworkInterface loopback(InetAddress a) throws SocketException {
        NetworkInterface ni = NetworkInterface.getByInetAddress(a);
        return ni != null ? ni : NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
    }

    /** The smallest MTU of the interfaces that are up, not loopback: the route leaves by one of them. */
    private static int smallestUpMtu() throws SocketException {
        int min = Integer.MAX_VALUE;
        Enumeration<NetworkInterface> all = NetworkInterface.getNetworkInterfaces();
        while (all != null && all.hasMoreElements()) {
            NetworkInterface ni = all.nextElement();
            if (ni.isUp() && !ni.isLoopback() && ni.getMTU() >= 576) {
                min = Math.min(min, ni.getMTU());
            }
        }
        return min == Integer.MAX_VALUE ? 1500 : min;
    }

    private static int clamp(int payload) {
        return Math.max(UvfFormat.MIN_PAYLOAD, Math.min(UvfFormat.MAX_PAYLOAD, payload));
    }
}
