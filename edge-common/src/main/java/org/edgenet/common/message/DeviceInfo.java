package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;

/** One active device as AED shows it. Wire: name string, ip string, udpPort u16, activeSince string. */
public record DeviceInfo(String name, String ip, int udpPort, String activeSince) {
    void write(ByteBuf out) {
        Bodies.writeString(out, name);
        Bodies.writeString(out, ip);
        out.writeShort(udpPort);
        Bodies.writeString(out, activeSince);
    }

    static DeviceInfo read(ByteBuf in) {
        return new DeviceInfo(Bodies.readString(in, "name"), Bodies.readString(in, "ip"),
                Bodies.readPort(in, "udpPort"), Bodies.readString(in, "activeSince"));
    }
}
