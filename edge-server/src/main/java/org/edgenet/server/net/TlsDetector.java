package org.edgenet.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * First handler of a TLS device port: looks at the first record header (5 bytes). A TLS record
 * puts the {@link SslHandler} in this handler's place, with a handshake time-out; anything else is
 * a client without TLS, which is told so in its own framing (code {@link ErrorCode#TLS_REQUIRED})
 * and closed, rather than left waiting for an answer it cannot read.
 *
 * <p>What a TLS connection holds beyond what {@link ReadGate} lists: the handshake state and at
 * most one partial record (16 KiB and its header) in the {@link SslHandler}, which completes a
 * record it has begun even while the gate holds reading, and so hands on at most one record's
 * plaintext more.
 */
public final class TlsDetector extends ByteToMessageDecoder {
    /** The header of a TLS record: type, version, length. */
    private static final int RECORD_HEADER = 5;
    static final String REFUSAL = "This server accepts only TLS connections: start the client with --tls";

    private final SslContext context;
    private final Duration handshakeTimeout;
    private boolean refused;

    public TlsDetector(SslContext context, Duration handshakeTimeout) {
        this.context = context;
        this.handshakeTimeout = handshakeTimeout;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (refused) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < RECORD_HEADER) {
            return;
        }
        if (SslHandler.isEncrypted(in, false)) {
            SslHandler ssl = context.newHandler(ctx.alloc());
            ssl.setHandshakeTimeout(handshakeTimeout.toMillis(), TimeUnit.MILLISECONDS);
            // The bytes already read go on to the SslHandler when this handler leaves.
            ctx.pipeline().replace(this, ServerInitializer.TLS, ssl);
            return;
        }
        refused = true;
        in.skipBytes(in.readableBytes());
        throw new ProtocolException(ErrorCode.TLS_REQUIRED, REFUSAL);
    }
}
