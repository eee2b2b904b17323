package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;

/** SCS: compute over one of the device's uploaded files. Body: fileId i64, operation u8. */
public record Compute(long fileId, Operation operation) implements Message {
    public MessageType type() {
        return MessageType.COMPUTE;
    }

    public void writeBody(ByteBuf out) {
        out.writeLong(fileId);
        out.writeByte(operation.ordinal());
    }

    static Compute read(ByteBuf in) {
        return new Compute(BodyFields.readLong(in, "fileId"),
                Operation.of(BodyFields.readUnsignedByte(in, "operation")));
    }
}
