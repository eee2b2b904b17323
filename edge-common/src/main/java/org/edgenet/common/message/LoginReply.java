package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;

/** The server's answer to a {@link Login}. Body: status u8. */
public record LoginReply(LoginStatus status) implements Message {
    public MessageType type() {
        return MessageType.LOGIN_REPLY;
    }

    public void writeBody(ByteBuf out) {
        out.writeByte(status.ordinal());
    }

    static LoginReply read(ByteBuf in) {
        return new LoginReply(LoginStatus.of(BodyFields.readUnsignedByte(in, "status")));
    }
}
