package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;

/**
 * One message as RDM shows it. Wire: id i64, sender string, stored-at string (log timestamp form),
 * text string.
 */
public record MailItem(long id, String sender, String storedAt, String text) {
    /** Fewest bytes an item takes on the wire: the id and three empty strings. */
    static final int MIN_BYTES = 8 + 3 * 2;

    void write(ByteBuf out) {
        out.writeLong(id);
        BodyFields.writeString(out, sender);
        BodyFields.writeString(out, storedAt);
        BodyFields.writeString(out, text);
    }

    static MailItem read(ByteBuf in) {
        return new MailItem(BodyFields.readLong(in, "id"), BodyFields.readString(in, "sender"),
                BodyFields.readString(in, "storedAt"), BodyFields.readString(in, "text"));
    }

    @Override
    public String toString() {
        return "MailItem[" + id + " from " + sender + "]";
    }
}
