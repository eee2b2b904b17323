package org.edgenet.client.net;

import org.edgenet.common.wire.ErrorCode;

/** The server refused a request with an {@link org.edgenet.common.message.ErrorReply}. */
public final class ServerError extends RuntimeException {
    private final ErrorCode code;

    public ServerError(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
