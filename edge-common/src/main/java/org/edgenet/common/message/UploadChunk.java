package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * The next bytes of the file being uploaded. Body: the bytes themselves. Holds a reference-counted
 * buffer: whoever consumes the chunk releases it.
 */
public final class UploadChunk extends DefaultByteBufHolder implements Message {
    public UploadChunk(ByteBuf data) {
        super(data);
    }

    public MessageType type() {
        return MessageType.UPLOAD_CHUNK;
    }

    /** Copies the bytes; the codec sends the buffer itself instead, without a copy. */
    public void writeBody(ByteBuf out) {
        out.writeBytes(content(), content().readerIndex(), content().readableBytes());
    }

    static UploadChunk read(ByteBuf in) {
        return new UploadChunk(in.readRetainedSlice(in.readableBytes()));
    }

    @Override
    public String toString() {
        return "UploadChunk[" + content().readableBytes() + " bytes]";
    }
}
