package org.edgenet.client.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.stream.ChunkedWriteHandler;
import org.edgenet.common.message.MessageCodec;
import org.edgenet.common.message.MessageType;
import org.edgenet.common.wire.FrameDecoder;
import org.edgenet.common.wire.Limits;

/** The device's pipeline towards the server. */
public final class ClientInitializer extends ChannelInitializer<Channel> {
    public static final String FRAME = "frame";
    public static final String CODEC = "codec";
    public static final String CHUNKS = "chunks";
    public static final String RESPONSES = "responses";

    private final Limits limits;

    public ClientInitializer(Limits limits) {
        this.limits = limits;
    }

    @Override
    protected void initChannel(Channel ch) {
        ch.pipeline().addLast(FRAME, new FrameDecoder(limits, MessageType::isKnown))
                .addLast(CODEC, MessageCodec.INSTANCE)
                .addLast(CHUNKS, new ChunkedWriteHandler())
                .addLast(RESPONSES, new ResponseHandler());
    }
}
