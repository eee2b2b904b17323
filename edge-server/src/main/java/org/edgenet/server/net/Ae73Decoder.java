package org.edgenet.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import org.edgenet.common.message.BodyFields;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.GapTimedDecoder;
import org.edgenet.common.wire.ProtocolException;

import java.nio.charset.CharacterCodingException;
import java.time.Duration;
import java.util.List;

/**
 * Reads the one MessageRequest record of an 0xAE73 connection, checking it as the 003 message
 * server does; every number is in network byte order:
 *
 * <pre>
 *  0         2     3         4             5            7
 *  +---------+-----+---------+-------------+------------+------------------------------------+
 *  | MagicNo | ID  | NameLen | ReceiverLen | MessageLen | name, receiver, message (UTF-8)    |
 *  | 0xAE73  | u8  | u8      | u8          | u16        | NameLen + ReceiverLen + MessageLen |
 *  +---------+-----+---------+-------------+------------+------------------------------------+
 *  ID 1 (read): NameLen &ge; 1, ReceiverLen = 0, MessageLen = 0
 *  ID 2 (create): NameLen &ge; 1, ReceiverLen &ge; 1, MessageLen &ge; 1
 * </pre>
 *
 * The fixed header is checked as soon as its 7 bytes are in; then exactly the announced number of
 * bytes must follow: fewer (the peer closes first) and more (in the same read or later) are
 * errors, and so is a gap of more than {@link #GAP} at any point until the record is complete,
 * counted from the connection's start and then from each byte. Names and message must be UTF-8
 * (003 §3.6). At most 66,052 bytes are ever buffered: the header bounds the rest. After the first
 * error everything further is discarded.
 */
public final class Ae73Decoder extends GapTimedDecoder {
    public static final int MAGIC = 0xAE73;
    public static final int READ = 1;
    public static final int CREATE = 2;
    public static final int HEADER_LENGTH = 7;
    /** Longest silence allowed before the request is complete. */
    public static final Duration GAP = Duration.ofSeconds(1);

    /** Body bytes the header announced; -1 before the header is in. */
    private int bodyLength = -1;
    private int id;
    private int nameLength;
    private int receiverLength;
    private int messageLength;
    private long received;
    private boolean done;

    public Ae73Decoder() {
        this(GAP);
    }

    Ae73Decoder(Duration gap) {
        super(gap);
    }

    /**
     * A request as read off the wire.
     *
     * @param receiver null for a read
     * @param text     null for a read
     */
    public record Request(int id, String name, String receiver, String text) {
        public boolean isRead() {
            return id == READ;
        }

        @Override
        public String toString() {
            return "Request[" + (isRead() ? "read" : "create") + "]";
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        // The first byte must come within the gap too.
        armGapTimer(ctx);
        super.channelActive(ctx);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            armGapTimer(ctx);
        }
    }

    @Override
    protected void decodeRecords(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (done) {
            if (in.isReadable()) {
                throw new ProtocolException(ErrorCode.MALFORMED, in.readableBytes()
                        + " bytes after the request, which has exactly " + (HEADER_LENGTH + bodyLength));
            }
            return;
        }
        // Nothing is taken from the buffer before the whole record is in.
        received = in.readableBytes();
        if (received < HEADER_LENGTH) {
            armGapTimer(ctx);
            return;
        }
        if (bodyLength < 0) {
            checkHeader(in, in.readerIndex());
        }
        int total = HEADER_LENGTH + bodyLength;
        if (received < total) {
            armGapTimer(ctx);
            return;
        }
        if (received > total) {
            throw new ProtocolException(ErrorCode.MALFORMED, (received - total)
                    + " bytes more than the request announces (" + total + ")");
        }
        in.skipBytes(HEADER_LENGTH);
        String name = utf8(in, nameLength, "the name");
        String receiver = id == CREATE ? utf8(in, receiverLength, "the receiver's name") : null;
        String text = id == CREATE ? utf8(in, messageLength, "the message") : null;
        done = true;
        cancelGapTimer();
        out.add(new Request(id, name, receiver, text));
    }

    private void checkHeader(ByteBuf in, int at) {
        int magic = in.getUnsignedShort(at);
        if (magic != MAGIC) {
            throw new ProtocolException(ErrorCode.BAD_MAGIC, String.format("bad magic number 0x%04X", magic));
        }
        id = in.getUnsignedByte(at + 2);
        nameLength = in.getUnsignedByte(at + 3);
        receiverLength = in.getUnsignedByte(at + 4);
        messageLength = in.getUnsignedShort(at + 5);
        if (id != READ && id != CREATE) {
            throw new ProtocolException(ErrorCode.MALFORMED, "ID " + id + " is neither 1 (read) nor 2 (create)");
        }
        if (nameLength < 1) {
            throw new ProtocolException(ErrorCode.MALFORMED, "NameLen is 0");
        }
        if (id == READ && (receiverLength != 0 || messageLength != 0)) {
            throw new ProtocolException(ErrorCode.MALFORMED, "a read with ReceiverLen " + receiverLength
                    + " and MessageLen " + messageLength + " (both must be 0)");
        }
        if (id == CREATE && (receiverLength < 1 || messageLength < 1)) {
            throw new ProtocolException(ErrorCode.MALFORMED, "a create with ReceiverLen " + receiverLength
                    + " and MessageLen " + messageLength + " (both must be at least 1)");
        }
        bodyLength = nameLength + receiverLength + messageLength;
    }

    private static String utf8(ByteBuf in, int length, String field) {
        try {
            return BodyFields.readUtf8(in, length);
        } catch (CharacterCodingException e) {
            throw new ProtocolException(ErrorCode.MALFORMED, field + " is not UTF-8");
        }
    }

    @Override
    protected ProtocolException gapExceeded() {
        return new ProtocolException(ErrorCode.FRAME_GAP, "nothing received for more than " + gap().toMillis()
                + " ms, after " + received + " bytes of the request");
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (!done && !failed()) {
            fail();
            ctx.fireExceptionCaught(new ProtocolException(ErrorCode.MALFORMED, "the connection closed after "
                    + received + " bytes"
                    + (bodyLength < 0 ? ", inside the fixed header" : " of " + (HEADER_LENGTH + bodyLength))));
        }
        super.channelInactive(ctx);
    }
}
