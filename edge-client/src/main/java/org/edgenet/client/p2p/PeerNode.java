package org.edgenet.client.p2p;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * A device's end of peer-to-peer transfers (UVF): the audience side listens on the device's
 * registered UDP port; the presenter side sends from a port the OS chooses.
 */
public final class PeerNode implements AutoCloseable {
    private final Channel audience;

    private PeerNode(Channel audience) {
        this.audience = audience;
    }

    /**
     * Binds the audience side to {@code udpPort} on every interface.
     *
     * @throws java.net.BindException when the port is taken
     */
    public static PeerNode bind(EventLoopGroup group, int udpPort, Path directory, TransferEvents events)
            throws Exception {
        Channel ch = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket msg) {
                        // Transfers arrive with UVF.
                    }
                })
                .bind(udpPort).sync().channel();
        return new PeerNode(ch);
    }

    public int udpPort() {
        return ((InetSocketAddress) audience.localAddress()).getPort();
    }

    /**
     * Sends {@code file} to the audience at {@code address} as {@code presenter}. Completes when the
     * audience has the whole file and confirmed its checksum; fails with a readable message.
     */
    public CompletableFuture<Void> send(InetSocketAddress address, Path file, String presenter) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("UVF is not available yet"));
    }

    @Override
    public void close() {
        audience.close().syncUninterruptibly();
    }
}
