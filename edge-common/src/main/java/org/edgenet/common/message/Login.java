package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;

/** A device asks to join. Body: device string, password string. */
public record Login(String device, String password) implements Message {
    public MessageType type() {
        return MessageType.LOGIN;
    }

    public void writeBody(ByteBuf out) {
        BodyFields.writeString(out, device);
        BodyFields.writeString(out, password);
    }

    static Login read(ByteBuf in) {
        return new Login(BodyFields.readString(in, "device"), BodyFields.readString(in, "password"));
    }

    /** Never shows the password, so a message can be logged as it is. */
    @Override
    public String toString() {
        return "Login[" + device + "]";
    }
}
