package org.edgenet.client.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.stream.ChunkedWriteHandler;
import org.edgenet.common.message.MessageCodec;
import org.edgenet.common.message.MessageType;
import org.edgenet.common.wire.FrameDecoder;
import org.edgenet.common.wire.Limits;

/** The device's pipeline towards the server; TLS first when the server speaks it. */
public final class ClientInitializer extends ChannelInitializer<Channel> {
    public static final String TLS = "tls";
    public static final String FRAME = "frame";
    public static final String CODEC = "codec";
    public static final String CHUNKS = "chunks";
    public static final String RESPONSES = "responses";

    private final Limits limits;
    /** Null for a plain connection. */
    private final ClientTls tls;
    private final int port;

    public ClientInitializer(Limits limits) {
        this(limits, null, 0);
    }

    /** With TLS towards {@code port} of the server, unless {@code tls} is null. */
    public ClientInitializer(Limits limits, ClientTls tls, int port) {
        this.limits = limits;
        this.tls = tls;
        this.port = port;
    }

    @Override
    protected void initChannel(Channel ch) {
        if (tls != null) {
            ch.pipeline().addLast(TLS, tls.newHandler(ch.alloc(), port));
        }
        ch.pipeline().addLast(FRAME, new FrameDecoder(limits, MessageType::isKnown))
                .addLast(CODEC, MessageCodec.INSTANCE)
                .addLast(CHUNKS, new ChunkedWriteHandler())
                .addLast(RESPONSES, new ResponseHandler());
    }
}
