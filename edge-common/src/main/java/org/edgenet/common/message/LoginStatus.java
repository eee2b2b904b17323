package org.edgenet.common.message;

import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;

/** The server's verdict on one {@link Login}. */
public enum LoginStatus {
    /** Name and password match; the device registers its UDP port next. */
    WELCOME,
    /** Wrong password; the device may try again. */
    INVALID_PASSWORD,
    /** No such device in the credentials; the device may try both again. */
    UNKNOWN_DEVICE,
    /** This failure reached the limit: the device is now blocked and the connection closes. */
    BLOCKED_NOW,
    /** The device is blocked; the connection closes. */
    BLOCKED,
    /** The device is joined on another connection. */
    ALREADY_JOINED;

    private static final LoginStatus[] VALUES = values();

    /** True when the server closes the connection after this reply. */
    public boolean closesConnection() {
        return this == BLOCKED_NOW || this == BLOCKED;
    }

    static LoginStatus of(int ordinal) {
        if (ordinal >= VALUES.length) {
            throw new ProtocolException(ErrorCode.MALFORMED, "unknown login status " + ordinal);
        }
        return VALUES[ordinal];
    }
}
