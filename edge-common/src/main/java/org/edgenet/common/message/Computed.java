package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;

/**
 * The result of SCS, as exact decimal text so that no width limits it.
 * Body: fileId i64, operation u8, result string.
 */
public record Computed(long fileId, Operation operation, String result) implements Message {
    public MessageType type() {
        return MessageType.COMPUTED;
    }

    public void writeBody(ByteBuf out) {
        out.writeLong(fileId);
        out.writeByte(operation.ordinal());
        BodyFields.writeString(out, result);
    }

    static Computed read(ByteBuf in) {
        return new Computed(BodyFields.readLong(in, "fileId"),
                Operation.of(BodyFields.readUnsignedByte(in, "operation")), BodyFields.readString(in, "result"));
    }
}
