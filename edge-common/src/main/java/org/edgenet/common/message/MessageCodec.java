package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;
import org.edgenet.common.format.InvalidValueException;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;
import org.edgenet.common.wire.WireFormat;

import java.util.List;

/**
 * Turns whole frames from {@link org.edgenet.common.wire.FrameDecoder} into {@link Message}s and
 * messages back into frames. This is where device names and file IDs from the network become
 * {@link org.edgenet.common.format.DeviceName}s and {@link org.edgenet.common.format.FileId}s; a
 * frame whose value cannot becomes an {@link InvalidMessage}. Stateless, so one instance serves
 * every channel.
 */
@ChannelHandler.Sharable
public final class MessageCodec extends MessageToMessageCodec<ByteBuf, Message> {
    public static final MessageCodec INSTANCE = new MessageCodec();

    private MessageCodec() {
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Message msg, List<Object> out) {
        if (msg instanceof UploadChunk || msg instanceof DownloadChunk) {
            // The chunk's bytes go out as they are, behind their own header: no copy.
            ByteBuf data = ((ByteBufHolder) msg).content();
            ByteBuf header = ctx.alloc().buffer(WireFormat.HEADER_LENGTH);
            writeHeader(header, msg.type(), data.readableBytes());
            out.add(header);
            out.add(data.retain());
            return;
        }
        if (msg instanceof ActiveDevices devices) {
            // An AED reply can be a megabyte: its entries go out as they were encoded at join,
            // rather than copied into a buffer that grows by doubling on the event loop.
            ByteBuf header = ctx.alloc().buffer(WireFormat.HEADER_LENGTH + Integer.BYTES);
            if (devices.addFrameTo(header, out)) {
                return;
            }
            header.release();
        }
        ByteBuf frame = ctx.alloc().buffer();
        try {
            encode(msg, frame);
            out.add(frame.retain());
        } finally {
            frame.release();
        }
    }

    /**
     * Adds the message, or an {@link InvalidMessage} when one of its values is refused: passed on
     * in order rather than thrown, since an exception would overtake the requests still queued.
     */
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
        MessageType type = typeOf(frame);
        try {
            out.add(type.readBody(bodyOf(frame)));
        } catch (InvalidValueException e) {
            out.add(new InvalidMessage(type, e.getMessage()));
        }
    }

    /** Writes one whole frame for {@code msg} into {@code out}. */
    public static void encode(Message msg, ByteBuf out) {
        int start = out.writerIndex();
        writeHeader(out, msg.type(), 0);
        msg.writeBody(out);
        out.setInt(start + WireFormat.LENGTH_OFFSET, out.writerIndex() - start - WireFormat.HEADER_LENGTH);
    }

    /**
     * Reads one whole frame whose header {@link org.edgenet.common.wire.FrameDecoder} has checked.
     *
     * @throws InvalidValueException when the frame is well formed but one of its values is refused
     */
    public static Message decode(ByteBuf frame) {
        return typeOf(frame).readBody(bodyOf(frame));
    }

    private static MessageType typeOf(ByteBuf frame) {
        int code = frame.getUnsignedByte(frame.readerIndex() + WireFormat.TYPE_OFFSET);
        return MessageType.lookup(code).orElseThrow(
                () -> new ProtocolException(ErrorCode.UNKNOWN_TYPE, "unknown message type " + code));
    }

    private static ByteBuf bodyOf(ByteBuf frame) {
        return frame.slice(frame.readerIndex() + WireFormat.HEADER_LENGTH,
                frame.readableBytes() - WireFormat.HEADER_LENGTH);
    }

    static void writeHeader(ByteBuf out, MessageType type, int bodyLength) {
        out.writeShort(WireFormat.MAGIC);
        out.writeByte(WireFormat.VERSION);
        out.writeByte(type.code());
        out.writeInt(bodyLength);
    }
}
