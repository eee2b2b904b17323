package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;
import org.edgenet.common.format.FileId;

/**
 * DLD: send back one of the device's stored files. The server answers with a stream,
 * {@link DownloadBegin}, any number of {@link DownloadChunk}s and {@link DownloadEnd}, or with an
 * {@link ErrorReply}. Body: fileId i64.
 */
public record Download(FileId fileId) implements Message {
    public MessageType type() {
        return MessageType.DOWNLOAD;
    }

    public void writeBody(ByteBuf out) {
        out.writeLong(fileId.value());
    }

    static Download read(ByteBuf in) {
        return new Download(FileId.of(BodyFields.readLong(in, "fileId")));
    }
}
