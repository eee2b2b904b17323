package org.edgenet.server.net;

import io.netty.channel.Channel;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** Formats a connection's remote address as logs and the device log show it. */
final class RemoteAddressFormat {
    private RemoteAddressFormat() {
    }

    /**
     * The remote IP address, e.g. {@code 129.64.31.13}: the device's, also when a load balancer
     * connected on its behalf and named it ({@link ProxyHeader}).
     */
    static String ip(Channel ch) {
        SocketAddress a = ProxyHeader.deviceAddress(ch);
        if (a instanceof InetSocketAddress isa && isa.getAddress() != null) {
            return isa.getAddress().getHostAddress();
        }
        return String.valueOf(a);
    }

    /** Address and port, e.g. {@code 127.0.0.1:53422}. */
    static String ipAndPort(Channel ch) {
        SocketAddress a = ProxyHeader.deviceAddress(ch);
        if (a instanceof InetSocketAddress isa && isa.getAddress() != null) {
            return isa.getAddress().getHostAddress() + ":" + isa.getPort();
        }
        return String.valueOf(a);
    }
}
