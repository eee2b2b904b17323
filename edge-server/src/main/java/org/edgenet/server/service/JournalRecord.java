package org.edgenet.server.service;

import org.edgenet.common.format.StrictUtf8;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.util.zip.CRC32C;

/**
 * The records of the message journal. Every record is framed the same way, so a torn or damaged
 * one is recognised wherever it is:
 *
 * <pre>
 *  0          4          8     9
 *  +----------+----------+-----+------------------------------+
 *  | length   | crc32c   | type| payload (length - 1 bytes)   |
 *  | u32      | u32      | u8  |                              |
 *  +----------+----------+-----+------------------------------+
 *  length counts from the type byte; the CRC covers the same bytes.
 *
 *  HEADER  (1): magic u32 'EMSG', version u8 1, next id u64       first record of every file
 *  MESSAGE (2): id u64, stored-at epoch ms i64, recipient (u8 length, UTF-8),
 *               sender (u8 length, UTF-8), text (u16 length, UTF-8)
 *  REMOVAL (3): up-to id u64, recipient (u8 length, UTF-8)      every message of the recipient
 *                                                                  with an id up to this one was read
 *  RANGE   (4): first id u64, last id u64, recipient (u8 length, UTF-8)
 *                                                    every message of the recipient with an id from
 *                                                    the first to the last, both included, was read
 * </pre>
 *
 * Only RANGE records are written now: two readers of one recipient remove stretches that need not
 * start at its oldest message. REMOVAL records are still read, as older journals hold them.
 */
final class JournalRecord {
    static final int FRAME = 8;
    static final byte HEADER = 1;
    static final byte MESSAGE = 2;
    static final byte REMOVAL = 3;
    static final byte RANGE = 4;
    static final int MAGIC = 0x454D5347;
    static final byte VERSION = 1;
    static final int HEADER_LENGTH = FRAME + 1 + 4 + 1 + 8;
    /** The longest record there can be: a message with the longest names and text. */
    static final int MAX_LENGTH = FRAME + 1 + 8 + 8 + 1 + MessageStore.MAX_NAME_BYTES + 1
            + MessageStore.MAX_NAME_BYTES + 2 + MessageStore.MAX_TEXT_BYTES;

    private JournalRecord() {
    }

    /**
     * A record read back: which type, where it ends, and its fields. For REMOVAL and RANGE,
     * {@code firstId} to {@code id} are the ids read (from 0 for REMOVAL); for others {@code firstId}
     * is {@code id}.
     */
    record Parsed(byte type, int length, long firstId, long id, long storedAt, String recipient, String sender,
                  String text) {
    }

    /** Thrown for bytes that are not a whole, intact record. */
    static final class Damaged extends Exception {
        Damaged(String what) {
            super(what, null, false, false);
        }
    }

    static byte[] header(long nextId) {
        ByteBuffer b = frame(HEADER, 4 + 1 + 8);
        b.putInt(MAGIC).put(VERSION).putLong(nextId);
        return seal(b);
    }

    static byte[] message(long id, long storedAt, byte[] recipient, byte[] sender, byte[] text) {
        ByteBuffer b = frame(MESSAGE, 8 + 8 + 1 + recipient.length + 1 + sender.length + 2 + text.length);
        b.putLong(id).putLong(storedAt);
        b.put((byte) recipient.length).put(recipient);
        b.put((byte) sender.length).put(sender);
        b.putShort((short) text.length).put(text);
        return seal(b);
    }

    /** The size of the record {@link #message} makes for fields of these lengths. */
    static int messageLength(int recipientBytes, int senderBytes, int textBytes) {
        return FRAME + 1 + 8 + 8 + 1 + recipientBytes + 1 + senderBytes + 2 + textBytes;
    }

    /** The record older journals hold; only tests write it now, to show it is still read. */
    static byte[] removal(long upToId, byte[] recipient) {
        ByteBuffer b = frame(REMOVAL, 8 + 1 + recipient.length);
        b.putLong(upToId).put((byte) recipient.length).put(recipient);
        return seal(b);
    }

    static byte[] range(long firstId, long lastId, byte[] recipient) {
        ByteBuffer b = frame(RANGE, rangeLength(recipient.length) - FRAME - 1);
        b.putLong(firstId).putLong(lastId).put((byte) recipient.length).put(recipient);
        return seal(b);
    }

    /** The size of the record {@link #range} makes for a recipient of this length. */
    static int rangeLength(int recipientBytes) {
        return FRAME + 1 + 8 + 8 + 1 + recipientBytes;
    }

    private static ByteBuffer frame(byte type, int payload) {
        ByteBuffer b = ByteBuffer.allocate(FRAME + 1 + payload);
        b.putInt(1 + payload).putInt(0).put(type);
        return b;
    }

    private static byte[] seal(ByteBuffer b) {
        CRC32C crc = new CRC32C();
        crc.update(b.array(), FRAME, b.capacity() - FRAME);
        b.putInt(4, (int) crc.getValue());
        return b.array();
    }

    /**
     * Reads the record that starts at {@code buf}'s position, within its limit, and moves the
     * position past it.
     *
     * @throws Damaged when the bytes end inside the record, its CRC does not match or a field is
     *                 out of range; the position is then unchanged
     */
    static Parsed read(ByteBuffer buf) throws Damaged {
        int start = buf.position();
        if (buf.remaining() < FRAME + 1) {
            throw new Damaged(buf.remaining() + " bytes, too few for a record");
        }
        long length = Integer.toUnsignedLong(buf.getInt(start));
        if (length < 1 || FRAME + length > MAX_LENGTH) {
            throw new Damaged("a record length of " + length);
        }
        if (buf.remaining() < FRAME + length) {
            throw new Damaged("a record of " + (FRAME + length) + " bytes cut off after " + buf.remaining());
        }
        int end = start + FRAME + (int) length;
        CRC32C crc = new CRC32C();
        ByteBuffer covered = buf.duplicate();
        covered.position(start + FRAME).limit(end);
        crc.update(covered);
        if ((int) crc.getValue() != buf.getInt(start + 4)) {
            throw new Damaged("a checksum that does not match");
        }
        ByteBuffer body = buf.duplicate();
        body.position(start + FRAME).limit(end);
        try {
            Parsed p = body(body, (int) (FRAME + length));
            if (body.hasRemaining()) {
                throw new Damaged(body.remaining() + " bytes after the fields");
            }
            buf.position(end);
            return p;
        } catch (java.nio.BufferUnderflowException e) {
            throw new Damaged("fields longer than the record");
        }
    }

    private static Parsed body(ByteBuffer b, int length) throws Damaged {
        byte type = b.get();
        switch (type) {
            case HEADER -> {
                if (b.getInt() != MAGIC || b.get() != VERSION) {
                    throw new Damaged("a header of another format");
                }
                long next = b.getLong();
                return new Parsed(type, length, next, next, 0, null, null, null);
            }
            case MESSAGE -> {
                long id = b.getLong();
                long storedAt = b.getLong();
                String recipient = string(b, b.get() & 0xFF);
                String sender = string(b, b.get() & 0xFF);
                String text = string(b, b.getShort() & 0xFFFF);
                return new Parsed(type, length, id, id, storedAt, recipient, sender, text);
            }
            case REMOVAL -> {
                long upTo = b.getLong();
                String recipient = string(b, b.get() & 0xFF);
                return new Parsed(type, length, 0, upTo, 0, recipient, null, null);
            }
            case RANGE -> {
                long first = b.getLong();
                long last = b.getLong();
                String recipient = string(b, b.get() & 0xFF);
                return new Parsed(type, length, first, last, 0, recipient, null, null);
            }
            default -> throw new Damaged("an unknown record type " + type);
        }
    }

    private static String string(ByteBuffer b, int length) throws Damaged {
        if (length == 0 || b.remaining() < length) {
            throw new Damaged("a field of " + length + " bytes");
        }
        ByteBuffer field = b.slice(b.position(), length);
        b.position(b.position() + length);
        try {
            return StrictUtf8.decode(field);
        } catch (CharacterCodingException e) {
            throw new Damaged("a field that is not UTF-8");
        }
    }
}
