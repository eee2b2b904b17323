package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;
import org.edgenet.common.format.DeviceName;

/** A device asks to join. Body: device string, password string. */
public record Login(DeviceName device, String password) implements Message {
    public MessageType type() {
        return MessageType.LOGIN;
    }

    public void writeBody(ByteBuf out) {
        BodyFields.writeString(out, device.value());
        BodyFields.writeString(out, password);
    }

    static Login read(ByteBuf in) {
        String device = BodyFields.readString(in, "device");
        String password = BodyFields.readString(in, "password");
        return new Login(DeviceName.of(device), password);
    }

    /** Never shows the password, so a message can be logged as it is. */
    @Override
    public String toString() {
        return "Login[" + device + "]";
    }
}
