package org.edgenet.common.message;

import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;

/**
 * What {@link MessageCodec} hands on in place of a message whose frame is well formed but which
 * carries a value its fields may not hold: a device name that is not valid, a negative file ID.
 * It goes down the pipeline like a message rather than being thrown, so it waits its turn behind
 * requests decoded before it and is answered in order, by the handler that knows what the request
 * would have meant (see docs/PROTOCOL.md, "Refused values"). It is never sent.
 *
 * @param type   the type of the frame
 * @param reason why the value is refused, fit to show the peer; never contains a device name
 */
public record InvalidMessage(MessageType type, String reason) {
    /** The answer to a request refused for its value: {@code BAD_ARGUMENT}, and the session goes on. */
    public ProtocolException refusal() {
        return new ProtocolException(ErrorCode.BAD_ARGUMENT, reason);
    }
}
