package org.edgenet.client.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateHandler;
import org.edgenet.common.message.MessageCodec;
import org.edgenet.common.message.MessageType;
import org.edgenet.common.wire.FrameDecoder;
import org.edgenet.common.wire.Limits;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The device's pipeline towards the server; TLS first when the server speaks it. */
public final class ClientInitializer extends ChannelInitializer<Channel> {
    public static final String PLAIN_REFUSAL = "plainRefusal";
    public static final String TLS = "tls";
    public static final String FRAME = "frame";
    public static final String CODEC = "codec";
    public static final String CHUNKS = "chunks";
    public static final String RESPONSES = "responses";
    public static final String WRITE_IDLE = "writeIdle";
    public static final String KEEP_ALIVE = "keepAlive";
    /**
     * How long the device may write nothing before it sends a keep-alive: well inside the server's
     * default idle time-out of 300 s, so that one delayed keep-alive does not cut a live device.
     */
    public static final Duration KEEP_ALIVE_INTERVAL = Duration.ofSeconds(60);

    private final Limits limits;
    private final Duration keepAlive;
    /** Null for a plain connection. */
    private final ClientTls tls;
    private final int port;

    public ClientInitializer(Limits limits) {
        this(limits, KEEP_ALIVE_INTERVAL, null, 0);
    }

    /**
     * @param keepAlive write silence after which a keep-alive goes out; zero sends none
     * @param tls       TLS towards {@code port} of the server, or null for a plain connection
     */
    public ClientInitializer(Limits limits, Duration keepAlive, ClientTls tls, int port) {
        this.limits = limits;
        this.keepAlive = keepAlive;
        this.tls = tls;
        this.port = port;
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        if (tls != null) {
            p.addLast(PLAIN_REFUSAL, new PlainRefusalDetector())
                    .addLast(TLS, tls.newHandler(ch.alloc(), port));
        }
        p.addLast(FRAME, new FrameDecoder(limits, MessageType::isKnown))
                .addLast(CODEC, MessageCodec.INSTANCE)
                .addLast(CHUNKS, new ChunkedWriteHandler());
        if (!keepAlive.isZero()) {
            // Behind the chunk writer: a keep-alive waits for a file being sent, never splits it.
            p.addLast(WRITE_IDLE, new IdleStateHandler(0, keepAlive.toMillis(), 0, TimeUnit.MILLISECONDS))
                    .addLast(KEEP_ALIVE, new KeepAliveSender());
        }
        p.addLast(RESPONSES, new ResponseHandler());
    }
}
