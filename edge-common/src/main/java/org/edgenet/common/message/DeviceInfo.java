package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.edgenet.common.format.DeviceName;

/** One active device as AED shows it. Wire: name string, ip string, udpPort u16, activeSince string. */
public record DeviceInfo(DeviceName name, String ip, int udpPort, String activeSince) {
    /** This entry in its wire form, for {@link EncodedDevices}. */
    public byte[] encoded() {
        ByteBuf out = Unpooled.buffer(64);
        write(out);
        return ByteBufUtil.getBytes(out);
    }

    void write(ByteBuf out) {
        BodyFields.writeString(out, name.value());
        BodyFields.writeString(out, ip);
        out.writeShort(udpPort);
        BodyFields.writeString(out, activeSince);
    }

    static DeviceInfo read(ByteBuf in) {
        String name = BodyFields.readString(in, "name");
        String ip = BodyFields.readString(in, "ip");
        int udpPort = BodyFields.readPort(in, "udpPort");
        String activeSince = BodyFields.readString(in, "activeSince");
        return new DeviceInfo(DeviceName.of(name), ip, udpPort, activeSince);
    }
}
