package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;
import org.edgenet.common.format.DeviceName;

/**
 * MSG: leave a message for a device, online or not. Body: recipient string, text string (1 to
 * 65,535 bytes of UTF-8). The text is not shown in {@link #toString()}: it is the users' business.
 */
public record PostMessage(DeviceName recipient, String text) implements Message {
    public MessageType type() {
        return MessageType.POST_MESSAGE;
    }

    public void writeBody(ByteBuf out) {
        BodyFields.writeString(out, recipient.value());
        BodyFields.writeString(out, text);
    }

    static PostMessage read(ByteBuf in) {
        // Both fields are read before the name is checked, so that a refused name leaves a whole frame behind.
        String recipient = BodyFields.readString(in, "recipient");
        String text = BodyFields.readString(in, "text");
        return new PostMessage(DeviceName.of(recipient), text);
    }

    @Override
    public String toString() {
        return "PostMessage[" + recipient + "]";
    }
}
