package org.edgenet.client.p2p;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.MessageToMessageDecoder;
import org.edgenet.common.p2p.MalformedDatagramException;
import org.edgenet.common.p2p.UvfCodec;
import org.edgenet.common.p2p.UvfDatagram;

import java.util.List;

/**
 * First handler of both UVF ports: turns each datagram into an {@link Inbound}, or drops and
 * counts it when it is not valid UVF. The channel never closes because of a datagram.
 */
@ChannelHandler.Sharable
final class UvfDecoder extends MessageToMessageDecoder<DatagramPacket> {
    private final DropCounter drops;

    UvfDecoder(DropCounter drops) {
        super(DatagramPacket.class);
        this.drops = drops;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, DatagramPacket packet, List<Object> out) {
        UvfDatagram d;
        try {
            d = UvfCodec.decode(packet.content());
        } catch (MalformedDatagramException e) {
            drops.drop(e.reason(), packet.sender(), e.getMessage());
            return;
        }
        out.add(new Inbound(d, packet.sender(), packet.content().retain()));
    }
}
