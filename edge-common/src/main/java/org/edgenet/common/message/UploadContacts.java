package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;
import org.edgenet.common.format.InvalidValueException;
import org.edgenet.common.trace.TempIdWindow;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;

import java.util.ArrayList;
import java.util.List;

/**
 * UCL: the device reports positive and uploads its contact log. Body: count u16 (at most
 * {@link #MAX_ENTRIES}), then that many 58-byte {@link TempIdWindow}s, as 002 lays out a
 * contact-log entry.
 */
public record UploadContacts(List<TempIdWindow> entries) implements Message {
    /** 1,000 entries are 58 KB: one frame within the server's bound on a body. */
    public static final int MAX_ENTRIES = 1_000;

    public UploadContacts {
        if (entries.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("at most " + MAX_ENTRIES + " entries, not " + entries.size());
        }
        entries = List.copyOf(entries);
    }

    public MessageType type() {
        return MessageType.UPLOAD_CONTACTS;
    }

    public void writeBody(ByteBuf out) {
        out.writeShort(entries.size());
        for (TempIdWindow e : entries) {
            e.write(out);
        }
    }

    static UploadContacts read(ByteBuf in) {
        int count = BodyFields.readUnsignedShort(in, "count");
        if (count > MAX_ENTRIES) {
            throw new ProtocolException(ErrorCode.MALFORMED, count + " contact-log entries, more than " + MAX_ENTRIES);
        }
        BodyFields.need(in, count * TempIdWindow.LENGTH, "entries");
        List<TempIdWindow> entries = new ArrayList<>(count);
        String refused = null;
        // Every entry is read before one is refused, so that the frame is taken whole.
        for (int i = 0; i < count; i++) {
            try {
                entries.add(TempIdWindow.read(in));
            } catch (InvalidValueException e) {
                if (refused == null) {
                    refused = "contact-log entry " + (i + 1) + " is not valid: " + e.getMessage();
                }
            }
        }
        if (refused != null) {
            throw new InvalidValueException(refused);
        }
        return new UploadContacts(entries);
    }

    @Override
    public String toString() {
        return "UploadContacts[" + entries.size() + " entries]";
    }
}
