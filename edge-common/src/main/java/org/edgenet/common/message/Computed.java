package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;
import org.edgenet.common.format.FileId;

/**
 * The result of SCS, as exact decimal text so that no width limits it.
 * Body: fileId i64, operation u8, result string.
 */
public record Computed(FileId fileId, Operation operation, String result) implements Message {
    public MessageType type() {
        return MessageType.COMPUTED;
    }

    public void writeBody(ByteBuf out) {
        out.writeLong(fileId.value());
        out.writeByte(operation.ordinal());
        BodyFields.writeString(out, result);
    }

    static Computed read(ByteBuf in) {
        long fileId = BodyFields.readLong(in, "fileId");
        Operation operation = Operation.of(BodyFields.readUnsignedByte(in, "operation"));
        String result = BodyFields.readString(in, "result");
        return new Computed(FileId.of(fileId), operation, result);
    }
}
