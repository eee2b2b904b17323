package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;
import org.edgenet.common.trace.TempIdWindow;

/**
 * The answer to {@link GetTempId}: the TempID and its window, in the server's local time. Body: the
 * 58 bytes of a {@link TempIdWindow}, exactly what the device then puts in its beacons.
 */
public record TempIdIssued(TempIdWindow window) implements Message {
    public MessageType type() {
        return MessageType.TEMP_ID_ISSUED;
    }

    public void writeBody(ByteBuf out) {
        window.write(out);
    }

    static TempIdIssued read(ByteBuf in) {
        BodyFields.need(in, TempIdWindow.LENGTH, "TempID");
        return new TempIdIssued(TempIdWindow.read(in));
    }
}
