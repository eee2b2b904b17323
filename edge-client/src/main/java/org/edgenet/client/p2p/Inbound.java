package org.edgenet.client.p2p;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import org.edgenet.common.p2p.UvfDatagram;

import java.net.InetSocketAddress;

/**
 * A datagram that passed {@link UvfDecoder}, with who sent it. Holds the received bytes, which a
 * DATA record's payload is a slice of; released by whoever reads it last.
 */
final class Inbound extends DefaultByteBufHolder {
    final UvfDatagram datagram;
    final InetSocketAddress sender;

    Inbound(UvfDatagram datagram, InetSocketAddress sender, ByteBuf content) {
        super(content);
        this.datagram = datagram;
        this.sender = sender;
    }
}
