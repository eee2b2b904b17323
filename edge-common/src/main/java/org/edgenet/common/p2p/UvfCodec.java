package org.edgenet.common.p2p;

import io.netty.buffer.ByteBuf;

import org.edgenet.common.format.StrictUtf8;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * Bytes to {@link Envelope} and {@link UvfDatagram} and back, in two steps because the body is
 * sealed: {@link #decode} checks the clear header, and once a {@link DatagramSeal} has opened the
 * body, {@link #readBody} decodes it. Every field and length is checked against the bytes actually
 * present before reading, and trailing bytes are refused, so that a datagram is either wholly valid
 * or dropped with a {@link DropReason}.
 */
public final class UvfCodec {
    private UvfCodec() {
    }

    /**
     * Reads the clear header of one whole datagram. The envelope's buffers are slices of {@code in}:
     * they live only as long as {@code in} does.
     *
     * @throws MalformedDatagramException when the bytes are not a UVF datagram of this version
     */
    public static Envelope decode(ByteBuf in) {
        int start = in.readerIndex();
        int length = in.readableBytes();
        if (length > UvfFormat.MAX_DATAGRAM) {
            throw new MalformedDatagramException(DropReason.OVERSIZE, length + " bytes");
        }
        if (length < UvfFormat.HEADER_LENGTH + UvfFormat.TAG_LENGTH) {
            throw new MalformedDatagramException(DropReason.TRUNCATED, length + " bytes, no whole header and tag");
        }
        int magic = in.getUnsignedShort(start);
        if (magic != UvfFormat.MAGIC) {
            throw new MalformedDatagramException(DropReason.BAD_MAGIC, String.format("magic 0x%04X", magic));
        }
        int version = in.getUnsignedByte(start + 2);
        if (version != UvfFormat.VERSION) {
            throw new MalformedDatagramException(DropReason.BAD_VERSION, "version " + version);
        }
        int code = in.getUnsignedByte(start + 3);
        DatagramType type = DatagramType.lookup(code).orElseThrow(
                () -> new MalformedDatagramException(DropReason.UNKNOWN_TYPE, "type " + code));
        long id = in.getLong(start + 4);
        long packetNumber = in.getUnsignedInt(start + 12);
        if (packetNumber > Integer.MAX_VALUE) {
            throw new MalformedDatagramException(DropReason.MALFORMED, "packet number " + packetNumber + " out of range");
        }
        int headerLength = type == DatagramType.OFFER ? UvfFormat.OFFER_HEADER_LENGTH : UvfFormat.HEADER_LENGTH;
        if (length < headerLength + UvfFormat.TAG_LENGTH) {
            throw new MalformedDatagramException(DropReason.TRUNCATED, length + " bytes, no whole OFFER header");
        }
        long ticketId = type == DatagramType.OFFER ? in.getLong(start + UvfFormat.HEADER_LENGTH) : 0;
        return new Envelope(type, id, (int) packetNumber, ticketId, in.slice(start, headerLength),
                in.slice(start + headerLength, length - headerLength));
    }

    /**
     * Decodes the opened body of a control datagram (any type but DATA).
     *
     * @throws MalformedDatagramException when the body does not fit its type
     */
    public static UvfDatagram readBody(Envelope e, ByteBuf body) {
        long id = e.transferId();
        UvfDatagram d = switch (e.type()) {
            case OFFER -> readOffer(id, e.ticketId(), body);
            case ACCEPT -> new Accept(id, need(body, 6).readUnsignedShort(), readCount(body, "window"));
            case ACK -> readAck(id, body);
            case FIN -> readFin(id, body);
            case DONE -> new Done(id);
            case REJECT -> readReject(id, body);
            case DATA -> throw new IllegalArgumentException("DATA carries file bytes, not a control body");
        };
        if (body.isReadable()) {
            throw new MalformedDatagramException(DropReason.MALFORMED, body.readableBytes() + " trailing bytes");
        }
        return d;
    }

    /** Writes the clear header: type, transfer id, packet number, and for an OFFER its ticket. */
    public static void writeHeader(ByteBuf out, DatagramType type, long transferId, int packetNumber, long ticketId) {
        out.writeShort(UvfFormat.MAGIC);
        out.writeByte(UvfFormat.VERSION);
        out.writeByte(type.code());
        out.writeLong(transferId);
        out.writeInt(packetNumber);
        if (type == DatagramType.OFFER) {
            out.writeLong(ticketId);
        }
    }

    /** Writes the body of {@code d} in clear, to be sealed. */
    public static void writeBody(UvfDatagram d, ByteBuf out) {
        if (d instanceof Offer o) {
            out.writeLong(o.fileSize());
            out.writeShort(o.payloadSize());
            writeName(out, o.fileName(), UvfFormat.MAX_NAME_BYTES);
        } else if (d instanceof Accept a) {
            out.writeShort(a.payloadSize());
            out.writeInt(a.window());
        } else if (d instanceof Ack a) {
            writeAck(out, a);
        } else if (d instanceof Fin f) {
            out.writeInt(f.count());
            out.writeBytes(f.sha256());
        } else if (d instanceof Reject r) {
            out.writeByte(r.code().code());
            writeName(out, clip(r.reason(), UvfFormat.MAX_REASON_BYTES), UvfFormat.MAX_REASON_BYTES);
        }
    }

    private static Offer readOffer(long id, long ticketId, ByteBuf body) {
        need(body, 10);
        long size = body.readLong();
        if (size < 0) {
            throw new MalformedDatagramException(DropReason.MALFORMED, "negative file size");
        }
        int payload = body.readUnsignedShort();
        String fileName = readName(body);
        return new Offer(id, ticketId, size, payload, fileName);
    }

    private static Ack readAck(long id, ByteBuf body) {
        need(body, 10);
        int cumulative = readCount(body, "cumulative");
        int window = readCount(body, "window");
        int bits = body.readUnsignedShort();
        if (bits > UvfFormat.MAX_SACK_BITS) {
            throw new MalformedDatagramException(DropReason.MALFORMED, bits + " SACK bits");
        }
        int bytes = (bits + 7) >>> 3;
        need(body, bytes);
        long[] sack = new long[(bits + 63) >>> 6];
        for (int i = 0; i < bytes; i++) {
            int b = body.readUnsignedByte();
            for (int j = 0; j < 8; j++) {
                int bit = i * 8 + j;
                if (bit < bits && (b & (0x80 >>> j)) != 0) {
                    sack[bit >>> 6] |= 1L << (bit & 63);
                }
            }
        }
        return new Ack(id, cumulative, window, bits, sack);
    }

    private static void writeAck(ByteBuf out, Ack a) {
        out.writeInt(a.cumulative());
        out.writeInt(a.window());
        out.writeShort(a.sackBits());
        int bytes = (a.sackBits() + 7) >>> 3;
        for (int i = 0; i < bytes; i++) {
            int b = 0;
            for (int j = 0; j < 8; j++) {
                if (a.sacked(i * 8 + j)) {
                    b |= 0x80 >>> j;
                }
            }
            out.writeByte(b);
        }
    }

    private static Fin readFin(long id, ByteBuf body) {
        int count = readCount(body, "count");
        byte[] sha = new byte[UvfFormat.DIGEST_LENGTH];
        need(body, sha.length).readBytes(sha);
        return new Fin(id, count, sha);
    }

    private static Reject readReject(long id, ByteBuf body) {
        // A newer peer's reason is still a refusal; its text says what it is.
        RejectCode code = RejectCode.lookup(need(body, 1).readUnsignedByte()).orElse(RejectCode.OTHER);
        return new Reject(id, code, readName(body));
    }

    /** A u32 that must fit a non-negative int: counts and sequence numbers stay below 2^31. */
    private static int readCount(ByteBuf body, String what) {
        long v = need(body, 4).readUnsignedInt();
        if (v > Integer.MAX_VALUE) {
            throw new MalformedDatagramException(DropReason.MALFORMED, what + " " + v + " out of range");
        }
        return (int) v;
    }

    private static String readName(ByteBuf body) {
        int n = need(body, 1).readUnsignedByte();
        need(body, n);
        ByteBuffer bytes = body.nioBuffer(body.readerIndex(), n);
        body.skipBytes(n);
        try {
            return StrictUtf8.decode(bytes);
        } catch (CharacterCodingException e) {
            throw new MalformedDatagramException(DropReason.MALFORMED, "a name is not UTF-8");
        }
    }

    private static void writeName(ByteBuf out, String s, int max) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > max) {
            throw new IllegalArgumentException("longer than " + max + " bytes: " + s);
        }
        out.writeByte(b.length);
        out.writeBytes(b);
    }

    /** Cuts {@code s} to at most {@code max} UTF-8 bytes without splitting a character. */
    private static String clip(String s, int max) {
        if (s.getBytes(StandardCharsets.UTF_8).length <= max) {
            return s;
        }
        StringBuilder b = new StringBuilder();
        int used = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (used + n > max) {
                break;
            }
            b.appendCodePoint(cp);
            used += n;
            i += Character.charCount(cp);
        }
        return b.toString();
    }

    private static ByteBuf need(ByteBuf body, int n) {
        if (body.readableBytes() < n) {
            throw new MalformedDatagramException(DropReason.TRUNCATED,
                    "needs " + n + " more bytes, has " + body.readableBytes());
        }
        return body;
    }
}
