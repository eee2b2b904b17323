package org.edgenet.client.p2p;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import org.edgenet.common.p2p.Envelope;

import java.net.InetSocketAddress;

/**
 * A datagram whose clear header passed {@link UvfDecoder}, with who sent it. Holds the received
 * bytes, which the envelope's buffers are slices of; released by whoever reads it last.
 */
final class Inbound extends DefaultByteBufHolder {
    final Envelope envelope;
    final InetSocketAddress sender;

    Inbound(Envelope envelope, InetSocketAddress sender, ByteBuf content) {
        super(content);
        this.envelope = envelope;
        this.sender = sender;
    }
}
