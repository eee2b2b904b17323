package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * The next bytes of the file being downloaded, at most
 * {@link org.edgenet.common.wire.WireFormat#UPLOAD_CHUNK_SIZE}. Body: the bytes themselves. Holds
 * a reference-counted buffer: whoever consumes the chunk releases it.
 */
public final class DownloadChunk extends DefaultByteBufHolder implements Message {
    public DownloadChunk(ByteBuf data) {
        super(data);
    }

    public MessageType type() {
        return MessageType.DOWNLOAD_CHUNK;
    }

    /** Copies the bytes; the codec sends the buffer itself instead, without a copy. */
    public void writeBody(ByteBuf out) {
        out.writeBytes(content(), content().readerIndex(), content().readableBytes());
    }

    static DownloadChunk read(ByteBuf in) {
        return new DownloadChunk(in.readRetainedSlice(in.readableBytes()));
    }

    @Override
    public String toString() {
        return "DownloadChunk[" + content().readableBytes() + " bytes]";
    }
}
