package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;

/** After the welcome, the device tells the server where it listens for peers. Body: port u16. */
public record RegisterUdp(int udpPort) implements Message {
    public RegisterUdp {
        if (udpPort < 1 || udpPort > 0xFFFF) {
            throw new IllegalArgumentException("UDP port out of range: " + udpPort);
        }
    }

    public MessageType type() {
        return MessageType.REGISTER_UDP;
    }

    public void writeBody(ByteBuf out) {
        out.writeShort(udpPort);
    }

    static RegisterUdp read(ByteBuf in) {
        int port = BodyFields.readPort(in, "udpPort");
        if (port == 0) {
            throw new ProtocolException(
                    ErrorCode.MALFORMED, "UDP port 0");
        }
        return new RegisterUdp(port);
    }
}
