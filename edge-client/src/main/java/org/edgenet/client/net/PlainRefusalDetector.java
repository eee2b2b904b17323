package org.edgenet.client.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import org.edgenet.common.message.ErrorReply;
import org.edgenet.common.message.MessageCodec;
import org.edgenet.common.message.MessageType;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.FrameDecoder;
import org.edgenet.common.wire.Limits;
import org.edgenet.common.wire.WireFormat;

import java.util.List;
import java.util.Set;

/**
 * Sits before TLS on the device's side. A server over its connection limits, or stopping, refuses
 * a connection before any handshake with a plain {@code ERROR} frame, which TLS alone could only
 * call "not a TLS record". Such a refusal is kept as {@link #REFUSAL} and the connection closes;
 * anything else goes on to TLS untouched, so a plain server is still told apart as one.
 */
final class PlainRefusalDetector extends ByteToMessageDecoder {
    /** The server's reason when it refused the connection before TLS began. */
    static final AttributeKey<String> REFUSAL = AttributeKey.valueOf("edgenet.plainRefusal");
    private static final Set<ErrorCode> REFUSALS = Set.of(ErrorCode.SERVER_FULL, ErrorCode.SHUTTING_DOWN);
    /** A refusal is one short frame; anything longer is not one. */
    private static final int MAX_REFUSAL_BYTES = 1024;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!in.isReadable()) {
            return;
        }
        if (in.getUnsignedByte(in.readerIndex()) != WireFormat.MAGIC >>> 8) {
            ctx.pipeline().remove(this);
            return;
        }
        if (in.readableBytes() < WireFormat.HEADER_LENGTH) {
            return;
        }
        long frame = WireFormat.HEADER_LENGTH + in.getUnsignedInt(in.readerIndex() + WireFormat.LENGTH_OFFSET);
        if (frame > MAX_REFUSAL_BYTES) {
            ctx.pipeline().remove(this);
            return;
        }
        if (in.readableBytes() < frame) {
            return;
        }
        String refusal = refusal(in.retainedSlice(in.readerIndex(), (int) frame));
        if (refusal == null) {
            ctx.pipeline().remove(this);
            return;
        }
        in.skipBytes(in.readableBytes());
        ctx.channel().attr(REFUSAL).set(refusal);
        ctx.close();
    }

    /** The reason of a refusing {@code ERROR} frame, read with the real codec; null for anything else. */
    private static String refusal(ByteBuf frame) {
        EmbeddedChannel codec = new EmbeddedChannel(new FrameDecoder(Limits.CLIENT, MessageType::isKnown),
                MessageCodec.INSTANCE);
        try {
            codec.writeInbound(frame);
            Object m = codec.readInbound();
            ReferenceCountUtil.release(m);
            return m instanceof ErrorReply e && REFUSALS.contains(e.code()) ? e.message() : null;
        } catch (RuntimeException notAFrame) {
            return null;
        } finally {
            codec.finishAndReleaseAll();
        }
    }
}
