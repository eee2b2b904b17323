package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;
import org.edgenet.common.format.FileId;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;

/**
 * The server has opened the file a {@link Download} asked for: exactly {@code size} bytes follow in
 * {@link DownloadChunk}s. Body: fileId i64, size i64 (not negative).
 */
public record DownloadBegin(FileId fileId, long size) implements Message {
    public DownloadBegin {
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative: " + size);
        }
    }

    public MessageType type() {
        return MessageType.DOWNLOAD_BEGIN;
    }

    public void writeBody(ByteBuf out) {
        out.writeLong(fileId.value());
        out.writeLong(size);
    }

    static DownloadBegin read(ByteBuf in) {
        long fileId = BodyFields.readLong(in, "fileId");
        long size = BodyFields.readLong(in, "size");
        if (size < 0) {
            throw new ProtocolException(ErrorCode.MALFORMED, "download size is negative: " + size);
        }
        return new DownloadBegin(FileId.of(fileId), size);
    }
}
