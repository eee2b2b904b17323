package org.edgenet.client.p2p;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import org.edgenet.common.p2p.Envelope;
import org.edgenet.common.p2p.MalformedDatagramException;
import org.edgenet.common.p2p.UvfCodec;

/**
 * First handler of both UVF ports: turns each datagram into an {@link Inbound} once its clear
 * header is valid, or drops and counts it. Opening the sealed body needs the transfer's key, which
 * the handler behind finds. The channel never closes because of a datagram. Holds no state of its
 * own (unlike Netty's {@code MessageToMessageDecoder}), so one instance serves both ports.
 */
@ChannelHandler.Sharable
final class UvfDecoder extends ChannelInboundHandlerAdapter {
    private final DropCounter drops;

    UvfDecoder(DropCounter drops) {
        this.drops = drops;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            Envelope e = UvfCodec.decode(packet.content());
            ctx.fireChannelRead(new Inbound(e, packet.sender(), packet.content().retain()));
        } catch (MalformedDatagramException bad) {
            drops.drop(bad.reason(), packet.sender(), bad.getMessage());
        } finally {
            packet.release();
        }
    }
}
