package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;
import org.edgenet.common.wire.WireFormat;

import java.util.List;

/**
 * Turns whole frames from {@link org.edgenet.common.wire.FrameDecoder} into {@link Message}s and
 * messages back into frames. Stateless, so one instance serves every channel.
 */
@ChannelHandler.Sharable
public final class MessageCodec extends MessageToMessageCodec<ByteBuf, Message> {
    public static final MessageCodec INSTANCE = new MessageCodec();

    private MessageCodec() {
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Message msg, List<Object> out) {
        if (msg instanceof UploadChunk chunk) {
            // The chunk's bytes go out as they are, behind their own header: no copy.
            ByteBuf data = chunk.content();
            ByteBuf header = ctx.alloc().buffer(WireFormat.HEADER_LENGTH);
            writeHeader(header, msg.type(), data.readableBytes());
            out.add(header);
            out.add(data.retain());
            return;
        }
        ByteBuf frame = ctx.alloc().buffer();
        try {
            encode(msg, frame);
            out.add(frame.retain());
        } finally {
            frame.release();
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
        out.add(decode(frame));
    }

    /** Writes one whole frame for {@code msg} into {@code out}. */
    public static void encode(Message msg, ByteBuf out) {
        int start = out.writerIndex();
        writeHeader(out, msg.type(), 0);
        msg.writeBody(out);
        out.setInt(start + WireFormat.LENGTH_OFFSET, out.writerIndex() - start - WireFormat.HEADER_LENGTH);
    }

    /** Reads one whole frame whose header {@link org.edgenet.common.wire.FrameDecoder} has checked. */
    public static Message decode(ByteBuf frame) {
        int code = frame.getUnsignedByte(frame.readerIndex() + WireFormat.TYPE_OFFSET);
        MessageType type = MessageType.lookup(code).orElseThrow(
                () -> new ProtocolException(ErrorCode.UNKNOWN_TYPE, "unknown message type " + code));
        ByteBuf body = frame.slice(frame.readerIndex() + WireFormat.HEADER_LENGTH,
                frame.readableBytes() - WireFormat.HEADER_LENGTH);
        return type.readBody(body);
    }

    private static void writeHeader(ByteBuf out, MessageType type, int bodyLength) {
        out.writeShort(WireFormat.MAGIC);
        out.writeByte(WireFormat.VERSION);
        out.writeByte(type.code());
        out.writeInt(bodyLength);
    }
}
