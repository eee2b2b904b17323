package org.edgenet.common.wire;

import java.util.Optional;

/**
 * Why a request failed; the code travels as a u16 in an {@code ERROR} frame. Codes below 100 are
 * protocol violations: the peer gets the error and the connection closes. Codes from 100 up answer
 * one request and the session goes on.
 */
public enum ErrorCode implements WireCode {
    BAD_MAGIC(1, true),
    BAD_VERSION(2, true),
    UNKNOWN_TYPE(3, true),
    TOO_LARGE(4, true),
    MALFORMED(5, true),
    FRAME_GAP(6, true),
    LOGIN_TIMEOUT(7, true),
    UNEXPECTED_MESSAGE(8, true),
    /** The device sent nothing, not even a keep-alive, for longer than the server's idle time-out. */
    IDLE_TIMEOUT(9, true),
    /** The peer left the server's replies unread for too long; it was not reading at all. */
    SLOW_READER(10, true),
    /** The server holds as many connections as it may, in all or from the device's address. */
    SERVER_FULL(11, true),
    /** The server is stopping; the device's connection closes. */
    SHUTTING_DOWN(12, true),
    /** The device port speaks TLS and the peer sent something else. */
    TLS_REQUIRED(13, true),

    BAD_ARGUMENT(100, false),
    NO_SUCH_FILE(101, false),
    INVALID_DATA(102, false),
    DEVICE_OFFLINE(103, false),
    EMPTY_FILE(104, false),
    OUT_OF_SPACE(105, false),
    /** A message was refused because its recipient's mailbox, or the whole message store, is full. */
    MAILBOX_FULL(106, false),
    /** A file being downloaded changed at the server side (it was cut short or grew) before it was all sent. */
    FILE_CHANGED(107, false),
    /** Every password check of the server is busy; the login was not tried and may be sent again. */
    LOGIN_BUSY(115, false),
    INTERNAL(199, false);

    private static final CodeTable<ErrorCode> CODES = CodeTable.of(values(), 16);

    private final int code;
    private final boolean fatal;

    ErrorCode(int code, boolean fatal) {
        this.code = code;
        this.fatal = fatal;
    }

    @Override
    public int code() {
        return code;
    }

    /** True when the connection must close after this error is reported. */
    public boolean fatal() {
        return fatal;
    }

    /** The error with {@code code}; empty for a code of a newer peer (see {@link CodeTable}). */
    public static Optional<ErrorCode> lookup(int code) {
        return CODES.lookup(code);
    }
}
