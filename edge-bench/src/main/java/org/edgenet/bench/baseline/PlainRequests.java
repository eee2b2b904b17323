package org.edgenet.bench.baseline;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.FixedLengthFrameDecoder;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The floor under many small commands at once: a Netty server on two event-loop threads, as
 * EdgeNet's, that answers each 4-byte request with a fixed small reply, and clients that each keep
 * one request in flight. What separates EdgeNet from it is EdgeNet's protocol, pipeline, threads
 * and the work of the command itself.
 */
public final class PlainRequests implements AutoCloseable {
    /** Bytes of each reply after its 4-byte length: about an SCS reply. */
    public static final int REPLY_BYTES = 32;

    private final EventLoopGroup serverGroup = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final Channel listener;

    public PlainRequests() throws IOException {
        ByteBuf reply = Unpooled.unreleasableBuffer(Unpooled.buffer(4 + REPLY_BYTES).writeInt(REPLY_BYTES)
                .writeZero(REPLY_BYTES).asReadOnly());
        ChannelFuture bound = new ServerBootstrap().group(serverGroup).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new FixedLengthFrameDecoder(4), new Answer(reply));
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException("the plain request server could not bind", bound.cause());
        }
        listener = bound.channel();
    }

    @ChannelHandler.Sharable
    private static final class Answer extends SimpleChannelInboundHandler<ByteBuf> {
        private final ByteBuf reply;

        Answer(ByteBuf reply) {
            this.reply = reply;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf request) {
            ctx.writeAndFlush(reply.duplicate());
        }
    }

    /** A connection that keeps at most one request in flight. */
    public static final class Connection extends SimpleChannelInboundHandler<ByteBuf> {
        private volatile CompletableFuture<Void> pending;
        private volatile Channel channel;

        /** Sends a request; completes when its reply arrived. Call again only after that. */
        public CompletableFuture<Void> ask() {
            CompletableFuture<Void> reply = new CompletableFuture<>();
            pending = reply;
            channel.writeAndFlush(Unpooled.buffer(4).writeInt(1)).addListener(f -> {
                if (!f.isSuccess()) {
                    reply.completeExceptionally(f.cause());
                }
            });
            return reply;
        }

        public void close() {
            channel.close();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
            CompletableFuture<Void> p = pending;
            if (p != null) {
                p.complete(null);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            CompletableFuture<Void> p = pending;
            if (p != null) {
                p.completeExceptionally(new ClosedChannelException());
            }
        }
    }

    /** Connects a client on {@code group}, the load generator's event loop. */
    public CompletableFuture<Connection> connect(EventLoopGroup group) {
        Connection c = new Connection();
        CompletableFuture<Connection> connected = new CompletableFuture<>();
        new Bootstrap().group(group).channel(NioSocketChannel.class).option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(1024, 0, 4, 0, 4), c);
                    }
                })
                .connect(listener.localAddress()).addListener((ChannelFuture f) -> {
                    if (f.isSuccess()) {
                        c.channel = f.channel();
                        connected.complete(c);
                    } else {
                        connected.completeExceptionally(f.cause());
                    }
                });
        return connected;
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        serverGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
