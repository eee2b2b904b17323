package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;
import org.edgenet.common.format.DeviceName;

/** One active device as AED shows it. Wire: name string, ip string, udpPort u16, activeSince string. */
public record DeviceInfo(DeviceName name, String ip, int udpPort, String activeSince) {
    void write(ByteBuf out) {
        Bodies.writeString(out, name.value());
        Bodies.writeString(out, ip);
        out.writeShort(udpPort);
        Bodies.writeString(out, activeSince);
    }

    static DeviceInfo read(ByteBuf in) {
        String name = Bodies.readString(in, "name");
        String ip = Bodies.readString(in, "ip");
        int udpPort = Bodies.readPort(in, "udpPort");
        String activeSince = Bodies.readString(in, "activeSince");
        return new DeviceInfo(DeviceName.of(name), ip, udpPort, activeSince);
    }
}
