package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import org.edgenet.common.format.InvalidValueException;
import org.edgenet.common.wire.CodeTable;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;
import org.edgenet.common.wire.WireCode;

import java.util.Optional;
import java.util.function.Function;

/**
 * The type byte of a frame and the reader of each body. Codes are stable on the wire: new message
 * types take new codes, and a peer that does not know a code refuses the frame with
 * {@link ErrorCode#UNKNOWN_TYPE}.
 */
public enum MessageType implements WireCode {
    LOGIN(1, Login::read),
    LOGIN_REPLY(2, LoginReply::read),
    REGISTER_UDP(3, RegisterUdp::read),
    JOINED(4, Joined::read),
    LIST_ACTIVE(5, ListActive::read),
    ACTIVE_DEVICES(6, ActiveDevices::read),
    LEAVE(7, Leave::read),
    LEFT(8, Left::read),
    UPLOAD_BEGIN(9, UploadBegin::read),
    UPLOAD_CHUNK(10, UploadChunk::read),
    UPLOAD_END(11, UploadEnd::read),
    UPLOAD_ABORT(12, UploadAbort::read),
    UPLOADED(13, Uploaded::read),
    COMPUTE(14, Compute::read),
    COMPUTED(15, Computed::read),
    DELETE(16, Delete::read),
    DELETED(17, Deleted::read),
    LOOKUP_PEER(18, LookupPeer::read),
    PEER(19, Peer::read),
    TICKET(20, Ticket::read),
    // Device messages (MSG, RDM); 30 onwards leaves room for the peer-transfer types.
    POST_MESSAGE(30, PostMessage::read),
    MESSAGE_POSTED(31, MessagePosted::read),
    READ_MESSAGES(32, ReadMessages::read),
    MESSAGE_BATCH(33, MessageBatch::read),
    ACK_MESSAGES(34, AckMessages::read),
    MESSAGES_ACKED(35, MessagesAcked::read),
    MESSAGE_ARRIVED(36, MessageArrived::read),
    MESSAGES_WAITING(37, MessagesWaiting::read),
    // Contact tracing (TID, UCL and the exposure notice): 40 to 47.
    GET_TEMP_ID(40, GetTempId::read),
    TEMP_ID_ISSUED(41, TempIdIssued::read),
    UPLOAD_CONTACTS(42, UploadContacts::read),
    CONTACTS_RECEIVED(43, ContactsReceived::read),
    EXPOSURE_NOTICE(44, ExposureNotice::read),
    // Download (DLD): the server streams a stored file back.
    DOWNLOAD(50, Download::read),
    DOWNLOAD_BEGIN(51, DownloadBegin::read),
    DOWNLOAD_CHUNK(52, DownloadChunk::read),
    DOWNLOAD_END(53, DownloadEnd::read),
    DOWNLOAD_CANCEL(54, DownloadCancel::read),
    DOWNLOAD_CANCELLED(55, DownloadCancelled::read),
    // Operations: 56 onwards.
    KEEP_ALIVE(56, KeepAlive::read),
    ERROR(127, ErrorReply::read);

    private static final CodeTable<MessageType> CODES = CodeTable.of(values(), 8);

    private final int code;
    private final Function<ByteBuf, ? extends Message> reader;

    MessageType(int code, Function<ByteBuf, ? extends Message> reader) {
        this.code = code;
        this.reader = reader;
    }

    @Override
    public int code() {
        return code;
    }

    /** The type with {@code code}; empty for a code this version does not know (see {@link CodeTable}). */
    public static Optional<MessageType> lookup(int code) {
        return CODES.lookup(code);
    }

    /** For {@link org.edgenet.common.wire.FrameDecoder}: whether a frame of this type byte can be read. */
    public static boolean isKnown(int code) {
        return lookup(code).isPresent();
    }

    /**
     * Reads a whole body; bytes left over after the last field make the frame malformed, whether or
     * not its values are valid.
     *
     * @throws InvalidValueException when the body is well formed but a value is refused
     */
    Message readBody(ByteBuf body) {
        Message m;
        try {
            m = reader.apply(body);
        } catch (InvalidValueException e) {
            requireEnd(body, null);
            throw e;
        }
        requireEnd(body, m);
        return m;
    }

    private void requireEnd(ByteBuf body, Message read) {
        if (body.isReadable()) {
            ReferenceCountUtil.release(read);
            throw new ProtocolException(ErrorCode.MALFORMED,
                    body.readableBytes() + " unexpected bytes after the " + this + " body");
        }
    }
}
