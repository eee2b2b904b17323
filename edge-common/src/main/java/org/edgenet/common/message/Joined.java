package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;
import org.edgenet.common.format.DeviceName;

/** The device is in the active list. Body: device string, activeSince string (log timestamp form). */
public record Joined(DeviceName device, String activeSince) implements Message {
    public MessageType type() {
        return MessageType.JOINED;
    }

    public void writeBody(ByteBuf out) {
        Bodies.writeString(out, device.value());
        Bodies.writeString(out, activeSince);
    }

    static Joined read(ByteBuf in) {
        String device = Bodies.readString(in, "device");
        String activeSince = Bodies.readString(in, "activeSince");
        return new Joined(DeviceName.of(device), activeSince);
    }
}
