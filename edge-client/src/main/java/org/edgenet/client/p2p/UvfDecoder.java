package org.edgenet.client.p2p;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.MessageToMessageDecoder;
import org.edgenet.common.p2p.Envelope;
import org.edgenet.common.p2p.MalformedDatagramException;
import org.edgenet.common.p2p.UvfCodec;

import java.util.List;

/**
 * First handler of both UVF ports: turns each datagram into an {@link Inbound} once its clear
 * header is valid, or drops and counts it. Opening the sealed body needs the transfer's key, which
 * the handler behind finds. The channel never closes because of a datagram.
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
        Envelope e;
        try {
            e = UvfCodec.decode(packet.content());
        } catch (MalformedDatagramException bad) {
            drops.drop(bad.reason(), packet.sender(), bad.getMessage());
            return;
        }
        out.add(new Inbound(e, packet.sender(), packet.content().retain()));
    }
}
