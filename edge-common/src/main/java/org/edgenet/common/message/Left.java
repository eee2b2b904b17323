package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;
import org.edgenet.common.format.DeviceName;

/** The server confirms OUT, then closes the connection. Body: device string. */
public record Left(DeviceName device) implements Message {
    public MessageType type() {
        return MessageType.LEFT;
    }

    public void writeBody(ByteBuf out) {
        BodyFields.writeString(out, device.value());
    }

    static Left read(ByteBuf in) {
        return new Left(DeviceName.of(BodyFields.readString(in, "device")));
    }
}
