package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;

/**
 * MSG: leave a message for a device, online or not. Body: recipient string, text string (1 to
 * 65,535 bytes of UTF-8). The text is not shown in {@link #toString()}: it is the users' business.
 */
public record PostMessage(String recipient, String text) implements Message {
    public MessageType type() {
        return MessageType.POST_MESSAGE;
    }

    public void writeBody(ByteBuf out) {
        Bodies.writeString(out, recipient);
        Bodies.writeString(out, text);
    }

    static PostMessage read(ByteBuf in) {
        return new PostMessage(Bodies.readString(in, "recipient"), Bodies.readString(in, "text"));
    }

    @Override
    public String toString() {
        return "PostMessage[" + recipient + "]";
    }
}
