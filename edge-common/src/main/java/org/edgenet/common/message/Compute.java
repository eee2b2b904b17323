package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;
import org.edgenet.common.format.FileId;

/** SCS: compute over one of the device's uploaded files. Body: fileId i64, operation u8. */
public record Compute(FileId fileId, Operation operation) implements Message {
    public MessageType type() {
        return MessageType.COMPUTE;
    }

    public void writeBody(ByteBuf out) {
        out.writeLong(fileId.value());
        out.writeByte(operation.ordinal());
    }

    static Compute read(ByteBuf in) {
        long fileId = BodyFields.readLong(in, "fileId");
        Operation operation = Operation.of(BodyFields.readUnsignedByte(in, "operation"));
        return new Compute(FileId.of(fileId), operation);
    }
}
