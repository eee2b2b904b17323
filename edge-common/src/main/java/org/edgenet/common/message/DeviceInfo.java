package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;

/** One active device as AED shows it. Wire: name string, ip string, udpPort u16, activeSince string. */
public record DeviceInfo(String name, String ip, int udpPort, String activeSince) {
    void write(ByteBuf out) {
        BodyFields.writeString(out, name);
        BodyFields.writeString(out, ip);
        out.writeShort(udpPort);
        BodyFields.writeString(out, activeSince);
    }

    static DeviceInfo read(ByteBuf in) {
        return new DeviceInfo(BodyFields.readString(in, "name"), BodyFields.readString(in, "ip"),
                BodyFields.readPort(in, "udpPort"), BodyFields.readString(in, "activeSince"));
    }
}
