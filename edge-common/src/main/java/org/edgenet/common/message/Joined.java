package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;
import org.edgenet.common.format.DeviceName;

/** The device is in the active list. Body: device string, activeSince string (log timestamp form). */
public record Joined(DeviceName device, String activeSince) implements Message {
    public MessageType type() {
        return MessageType.JOINED;
    }

    public void writeBody(ByteBuf out) {
        BodyFields.writeString(out, device.value());
        BodyFields.writeString(out, activeSince);
    }

    static Joined read(ByteBuf in) {
        String device = BodyFields.readString(in, "device");
        String activeSince = BodyFields.readString(in, "activeSince");
        return new Joined(DeviceName.of(device), activeSince);
    }
}
