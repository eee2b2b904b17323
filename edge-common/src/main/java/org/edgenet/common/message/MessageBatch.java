package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;

import java.util.ArrayList;
import java.util.List;

/**
 * The answer to {@link ReadMessages}: the oldest waiting messages, oldest first, and how many were
 * waiting, these included. Body: count u8, each {@link MailItem}, waiting u32.
 */
public record MessageBatch(List<MailItem> messages, int waiting) implements Message {
    public MessageBatch {
        messages = List.copyOf(messages);
        if (messages.size() > 255) {
            throw new IllegalArgumentException("at most 255 messages in a batch: " + messages.size());
        }
    }

    /** The id of the newest message in the batch; -1 when it is empty. */
    public long lastId() {
        return messages.isEmpty() ? -1 : messages.get(messages.size() - 1).id();
    }

    public MessageType type() {
        return MessageType.MESSAGE_BATCH;
    }

    public void writeBody(ByteBuf out) {
        out.writeByte(messages.size());
        for (MailItem m : messages) {
            m.write(out);
        }
        out.writeInt(waiting);
    }

    static MessageBatch read(ByteBuf in) {
        int count = BodyFields.readUnsignedByte(in, "count");
        if ((long) count * MailItem.MIN_BYTES > in.readableBytes()) {
            throw new ProtocolException(ErrorCode.MALFORMED, "message count " + count + " does not fit the body");
        }
        List<MailItem> messages = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            messages.add(MailItem.read(in));
        }
        int waiting = BodyFields.readInt(in, "waiting");
        if (waiting < count) {
            throw new ProtocolException(ErrorCode.MALFORMED, waiting + " waiting but " + count + " sent");
        }
        return new MessageBatch(messages, waiting);
    }
}
