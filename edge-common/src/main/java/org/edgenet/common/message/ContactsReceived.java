package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;

/**
 * The answer to {@link UploadContacts}, once the upload is in the server's tracing log: how many
 * entries arrived, and nothing about whom they name. Body: count u16.
 */
public record ContactsReceived(int count) implements Message {
    public MessageType type() {
        return MessageType.CONTACTS_RECEIVED;
    }

    public void writeBody(ByteBuf out) {
        out.writeShort(count);
    }

    static ContactsReceived read(ByteBuf in) {
        return new ContactsReceived(BodyFields.readUnsignedShort(in, "count"));
    }
}
